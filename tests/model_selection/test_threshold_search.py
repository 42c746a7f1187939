"""Tests of the exact decision-rule search kernels."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from imblearn.metrics import geometric_mean_score
from sklearn.metrics import (
    balanced_accuracy_score,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
)

from imbestimators.model_selection._threshold_search import (
    BUILTIN_OBJECTIVES,
    builtin_rule,
    candidates,
    count_candidates,
    metric,
    offset_inside,
    search_offsets,
    threshold_curve,
)


def _reference(name, y, pred, weight, n_classes, beta=2.0, costs=None):
    """The objective computed by scikit-learn / imbalanced-learn."""
    binary = n_classes == 2
    average = "binary" if binary else "macro"
    labels = list(range(n_classes))
    kw = {"sample_weight": weight, "zero_division": 0}
    if name == "precision":
        return precision_score(y, pred, average=average, labels=labels, **kw)
    if name == "recall":
        return recall_score(y, pred, average=average, labels=labels, **kw)
    if name == "f1":
        return f1_score(y, pred, average=average, labels=labels, **kw)
    if name == "fbeta":
        return fbeta_score(y, pred, beta=beta, average=average, labels=labels, **kw)
    if name == "specificity":
        # imbalanced-learn's specificity_score counts true negatives without
        # the weights; the specificity of class k is the recall of "not k"
        per_class = [
            recall_score(y != k, pred != k, sample_weight=weight, zero_division=0)
            for k in labels
        ]
        return per_class[1] if binary else np.mean(per_class)
    if name == "balanced_accuracy":
        return balanced_accuracy_score(y, pred, sample_weight=weight)
    if name == "youden":
        return balanced_accuracy_score(y, pred, sample_weight=weight, adjusted=True)
    if name == "gmean":
        return geometric_mean_score(
            y, pred, average="multiclass", sample_weight=weight, correction=0.0
        )
    if name == "mcc":
        return matthews_corrcoef(y, pred, sample_weight=weight)
    return -np.sum(costs[np.arange(len(y)), pred]) / weight.sum()


def _data(n_classes, n_samples=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n_samples)
    scores = rng.normal(size=(n_samples, n_classes)).round(1)
    scores[np.arange(n_samples), y] += 1.0
    weight = rng.uniform(0.5, 2.0, n_samples)
    return y, scores, weight


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("name", BUILTIN_OBJECTIVES)
def test_metric_matches_reference_at_every_candidate(name, n_classes):
    """Check that each built-in objective equals scikit-learn's metric at
    every candidate rule, with sample weights and tied scores."""
    y, scores, weight = _data(n_classes)
    if n_classes == 2:
        scores = np.column_stack([np.zeros(len(y)), scores[:, 1] - scores[:, 0]])
    costs_matrix = np.arange(n_classes**2, dtype=float).reshape(n_classes, -1)
    np.fill_diagonal(costs_matrix, 0.0)
    costs = costs_matrix[y] * weight[:, None]
    offsets = np.zeros(n_classes)
    cands = candidates(scores, offsets, 1)
    counts = count_candidates(cands, y, weight, n_classes, costs)
    pos = 1 if n_classes == 2 else None
    values = metric(name, counts, pos=pos, beta=2.0)
    for j in range(0, len(cands.stops), 7):
        pred = cands.others.copy()
        pred[cands.order[: cands.stops[j]]] = 1
        expected = _reference(name, y, pred, weight, n_classes, costs=costs)
        assert values[j] == pytest.approx(expected, abs=1e-10)


def test_candidates_reached_by_offset_inside():
    """Check that the offset of each candidate gives exactly its decisions."""
    _y, scores, _ = _data(4, n_samples=200, seed=1)
    offsets = np.array([0.0, 0.3, -0.2, 0.1])
    cands = candidates(scores, offsets, 2)
    for j in range(len(cands.stops)):
        trial = offsets.copy()
        trial[2] = offset_inside(cands.boundaries, j)
        expected = cands.others.copy()
        expected[cands.order[: cands.stops[j]]] = 2
        assert np.array_equal(np.argmax(scores + trial, axis=1), expected)


def test_offset_inside_adjacent_floats():
    """Check that a middle between adjacent floats stays in its interval."""
    low = 0.5
    high = np.nextafter(low, 1.0)
    boundaries = np.array([low, high])
    assert low <= offset_inside(boundaries, 1) < high


scores_1d = hnp.arrays(
    np.float64,
    st.integers(2, 60),
    elements=st.floats(-5, 5, allow_nan=False).map(lambda v: round(v, 1)),
)


@st.composite
def binary_problem(draw):
    score = draw(scores_1d)
    y = draw(hnp.arrays(np.int64, len(score), elements=st.integers(0, 1)))
    # the estimator refuses y with a single class
    y[:2] = [0, 1]
    weight = draw(hnp.arrays(np.float64, len(score), elements=st.floats(0.1, 3.0)))
    return score, y, weight


@given(
    problem=binary_problem(),
    name=st.sampled_from(BUILTIN_OBJECTIVES),
    grid=st.lists(st.floats(-6, 6), min_size=1, max_size=30),
)
@example(
    problem=(np.zeros(5), np.array([0, 1, 0, 1, 1]), np.ones(5)),
    name="f1",
    grid=[0.0],
)
def test_exact_optimum_beats_any_grid(problem, name, grid):
    """Check that the exact optimum is >= the best objective of any grid of
    thresholds on the same scores, and that the reported value is the
    objective of the chosen threshold."""
    score, y, weight = problem
    costs = np.array([[0.0, 1.0], [5.0, 0.0]])[y] * weight[:, None]
    rule = builtin_rule(name, y, weight, 2, pos=1, beta=2.0, sample_costs=costs)
    result = search_offsets(np.column_stack([np.zeros_like(score), score]), rule)
    threshold = -result.offsets[1]

    def objective_at(t):
        pred = (score >= t).astype(int)
        return _reference(name, y, pred, weight, 2, costs=costs)

    assert result.objective == pytest.approx(objective_at(threshold), abs=1e-9)
    best_grid = max(objective_at(t) for t in grid)
    assert result.objective >= best_grid - 1e-9


@given(problem=binary_problem())
def test_threshold_curve_is_exact(problem):
    """Check that every point of the curve is the objective of its threshold."""
    score, y, weight = problem
    rule = builtin_rule("mcc", y, weight, 2, pos=1, constraint=("recall", 0.5))
    thresholds, values, constraint = threshold_curve(score, rule)
    assert np.all(np.diff(thresholds) > 0)
    assert thresholds[-1] > score.max()
    for t, v, c in zip(thresholds, values, constraint):
        pred = (score >= t).astype(int)
        assert v == pytest.approx(matthews_corrcoef(y, pred, sample_weight=weight))
        assert c == pytest.approx(
            recall_score(y, pred, sample_weight=weight, zero_division=0)
        )


@given(
    n_classes=st.sampled_from([2, 3]),
    value=st.floats(-1e6, 1e6),
    name=st.sampled_from(BUILTIN_OBJECTIVES),
    y=hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 2)),
)
def test_constant_scores_do_not_crash(n_classes, value, name, y):
    """Check that constant scores give a valid rule: finite offsets, a finite
    objective, and decisions that give every sample the same class."""
    y = np.r_[np.arange(n_classes), y % n_classes]
    scores = np.full((len(y), n_classes), value)
    if n_classes == 2:
        scores[:, 0] = 0.0
    costs = (1.0 - np.eye(n_classes))[y]
    pos = 1 if n_classes == 2 else None
    rule = builtin_rule(
        name, y, np.ones(len(y)), n_classes, pos=pos, sample_costs=costs
    )
    result = search_offsets(scores, rule)
    assert np.isfinite(result.objective)
    assert np.all(np.isfinite(result.offsets))
    assert len(np.unique(np.argmax(scores + result.offsets, axis=1))) == 1


def test_multiclass_ascent_never_worse_than_argmax():
    """Check that the coordinate ascent improves on the untuned argmax rule."""
    y, scores, weight = _data(5, n_samples=500, seed=3)
    for name in ("f1", "balanced_accuracy", "mcc", "gmean"):
        rule = builtin_rule(name, y, weight, 5)
        result = search_offsets(scores, rule)
        untuned = rule.evaluate(candidates(scores, np.zeros(5), 0), None)[0]
        start = int(
            np.searchsorted(candidates(scores, np.zeros(5), 0).boundaries, 0.0, "right")
        )
        assert result.objective >= untuned[start] - 1e-12
        pred = np.argmax(scores + result.offsets, axis=1)
        expected = _reference(name, y, pred, weight, 5)
        assert result.objective == pytest.approx(expected, abs=1e-9)


def test_constraint_floor_is_met_when_reachable():
    """Check that the rule maximizes the objective among rules meeting the floor."""
    y, scores, weight = _data(2, n_samples=400, seed=4)
    score = scores[:, 1] - scores[:, 0]
    rule = builtin_rule("recall", y, weight, 2, pos=1, constraint=("precision", 0.8))
    result = search_offsets(np.column_stack([np.zeros_like(score), score]), rule)
    _thresholds, recall, precision = threshold_curve(score, rule)
    feasible = precision >= 0.8
    assert result.constraint >= 0.8
    assert result.objective == pytest.approx(recall[feasible].max())


def test_constraint_out_of_reach_climbs_the_constraint():
    """Check that an unreachable floor gives the rule with the best constraint
    value, and reports that value."""
    y, scores, weight = _data(2, n_samples=400, seed=5)
    score = scores[:, 1] - scores[:, 0]
    rule = builtin_rule("recall", y, weight, 2, pos=1, constraint=("mcc", 0.99))
    result = search_offsets(np.column_stack([np.zeros_like(score), score]), rule)
    _, _, mcc = threshold_curve(score, rule)
    assert result.constraint < 0.99
    assert result.constraint == pytest.approx(mcc.max())
    assert result.best_constraint == pytest.approx(mcc.max())


def test_metric_unknown_name():
    """Check the message of an unknown objective name."""
    y, scores, weight = _data(2, n_samples=20)
    counts = count_candidates(candidates(scores, np.zeros(2), 1), y, weight, 2)
    with pytest.raises(ValueError, match="Unknown built-in objective 'auc'"):
        metric("auc", counts)
