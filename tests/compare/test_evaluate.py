"""Tests of the cross-validation of strategies."""

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from imbestimators._compare._errors import CompareError
from imbestimators._compare._evaluate import (
    RepeatedStratifiedGroupKFold,
    cross_validate_strategies,
    parse_cv,
)
from imbestimators._compare._metrics import METRICS
from imbestimators._compare._progress import ProgressBar
from imbestimators._compare._strategies import Strategy
from imbestimators.over_sampling import SMOTE


@pytest.mark.parametrize(
    ("text", "expected"), [("5x2", (5, 2)), ("3", (3, 1)), (" 10 X 3 ", (10, 3))]
)
def test_parse_cv(text, expected):
    """Check the SPLITSxREPEATS forms of --cv."""
    assert parse_cv(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("5x", r"--cv must be"), ("1x3", r"at least 2 splits"), ("3x0", r"1 repeat")],
)
def test_parse_cv_errors(text, message):
    """Check that malformed or too small --cv values are refused."""
    with pytest.raises(CompareError, match=message):
        parse_cv(text)


def _data():
    rng = np.random.default_rng(0)
    y = np.array([1] * 12 + [0] * 60)
    X = rng.normal(size=(72, 3)) + y[:, None]
    return X, y


def _strategy(name, sampler=None, **kwargs):
    steps = [("scale", StandardScaler())]
    if sampler is not None:
        steps.append(("sampler", sampler))
    steps.append(("classifier", LogisticRegression()))
    return Strategy(name, "test", Pipeline(steps), 0, **kwargs)


def test_cross_validate_same_splits_and_fold_order():
    """Check one result per strategy and fold, in order, with the same test rows."""
    X, y = _data()
    strategies = [_strategy("a"), _strategy("b", SMOTE(random_state=0))]
    metrics = [METRICS["pr_auc"], METRICS["f1"]]
    progress = ProgressBar(12, enabled=False)
    results = cross_validate_strategies(
        strategies,
        X,
        y,
        metrics=metrics,
        pos_label=1,
        n_splits=3,
        n_repeats=2,
        n_jobs=1,
        progress=progress,
    )
    assert progress.done == 12
    assert [(r.strategy, r.repeat, r.fold) for r in results] == [
        (s, rep, f) for s in "ab" for rep in range(2) for f in range(3)
    ]
    for a, b in zip(results[:3], results[6:9]):
        np.testing.assert_array_equal(a.test, b.test)
    # the first repeat's test folds cover every row once; later repeats drop them
    assert sorted(np.concatenate([r.test for r in results[:3]])) == list(range(72))
    assert all(r.test is None and r.score is None for r in results[3:6])
    assert all(0 <= r.scores["pr_auc"] <= 1 and r.error is None for r in results)


def test_cross_validate_records_a_failed_fit():
    """Check that a failing strategy is recorded with its message, not raised."""
    X, y = _data()
    strategies = [_strategy("a"), _strategy("k", SMOTE(k_neighbors=50))]
    results = cross_validate_strategies(
        strategies,
        X,
        y,
        metrics=[METRICS["f1"]],
        pos_label=1,
        n_splits=2,
        n_repeats=1,
        n_jobs=1,
    )
    failed = [r for r in results if r.strategy == "k"]
    assert all(r.error.startswith("ValueError: ") for r in failed)
    assert all("k_neighbors" in r.error for r in failed)
    assert all(r.error is None for r in results if r.strategy == "a")


def test_cross_validate_weight_scheme_changes_the_fit():
    """Check that a sample-weight scheme reaches the classifier."""
    X, y = _data()
    plain = _strategy("plain")
    weighted = _strategy("weighted", weight_scheme="balanced")
    results = cross_validate_strategies(
        [plain, weighted],
        X,
        y,
        metrics=[METRICS["recall"]],
        pos_label=1,
        n_splits=2,
        n_repeats=1,
        n_jobs=1,
    )
    recall = {r.strategy: r.scores["recall"] for r in results if r.fold == 0}
    # balanced weights move the threshold towards the minority: more recall
    assert recall["weighted"] > recall["plain"]


def test_cross_validate_parallel_equals_sequential():
    """Check that two processes give the scores of one."""
    X, y = _data()
    strategies = [_strategy("a"), _strategy("b", SMOTE(random_state=0))]
    kw = {"metrics": [METRICS["pr_auc"]], "pos_label": 1, "n_splits": 2, "n_repeats": 1}
    one = cross_validate_strategies(strategies, X, y, n_jobs=1, **kw)
    two = cross_validate_strategies(strategies, X, y, n_jobs=2, **kw)
    # the workers may run BLAS on fewer threads: equal up to rounding
    for a, b in zip(one, two):
        assert (a.strategy, a.fold) == (b.strategy, b.fold)
        assert a.scores == pytest.approx(b.scores, rel=1e-9)


def test_cross_validate_multiclass_scores_plot_class():
    """Check that multiclass data keeps the plotted class's scores."""
    rng = np.random.default_rng(0)
    y = np.repeat(["a", "b", "c"], [40, 15, 8])
    X = rng.normal(size=(63, 2)) + (y == "c")[:, None] * 2
    results = cross_validate_strategies(
        [_strategy("a")],
        X,
        y,
        metrics=[METRICS["pr_auc"], METRICS["f1"]],
        pos_label="c",
        n_splits=2,
        n_repeats=1,
        n_jobs=1,
    )
    assert all(r.score.ndim == 1 and len(r.score) == len(r.test) for r in results)
    assert all(0 <= r.scores["f1"] <= 1 for r in results)


def _group_closed(groups, test):
    """Whether no group of the rows ``test`` has a row outside them."""
    outside = np.setdiff1d(np.arange(len(groups)), test)
    return not np.isin(groups[outside], groups[test]).any()


def _partition(groups, splits):
    """A repeat's test folds as a set of sets of groups (fold order ignored)."""
    return frozenset(frozenset(groups[test].tolist()) for _, test in splits)


def test_repeated_stratified_group_kfold():
    """Check that groups never straddle a split, that each repeat's test folds
    cover the rows once with the minority in each, and that the seed fixes the
    repeats."""
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 30, 300)
    y = (groups % 6 == 0).astype(int)
    cv = RepeatedStratifiedGroupKFold(n_splits=3, n_repeats=2, random_state=0)
    splits = list(cv.split(np.zeros(300), y, groups))
    assert len(splits) == cv.get_n_splits() == 6
    for _, test in splits:
        assert _group_closed(groups, test)
        assert y[test].any()
    for repeat in (splits[:3], splits[3:]):
        assert sorted(np.concatenate([t for _, t in repeat])) == list(range(300))
    again = RepeatedStratifiedGroupKFold(n_splits=3, n_repeats=2, random_state=0)
    for (_, a), (_, b) in zip(splits, again.split(np.zeros(300), y, groups)):
        np.testing.assert_array_equal(a, b)


def test_repeated_stratified_group_kfold_repeats_differ_with_one_label_per_group():
    """Check that repeats are new partitions even when every group holds one
    class and the groups differ in size (scikit-learn's StratifiedGroupKFold
    deals such groups in the same order whatever its shuffle, so that all
    repeats would be one partition)."""
    sizes = np.arange(3, 43)
    groups = np.repeat(np.arange(40), sizes)
    label = (np.random.default_rng(1).random(40) < 0.3).astype(int)
    y = label[groups]
    cv = RepeatedStratifiedGroupKFold(n_splits=5, n_repeats=3, random_state=0)
    splits = list(cv.split(np.zeros(len(y)), y, groups))
    partitions = {_partition(groups, splits[k : k + 5]) for k in (0, 5, 10)}
    assert len(partitions) == 3
    for _, test in splits:
        assert _group_closed(groups, test)
        assert y[test].any()


def test_repeated_stratified_group_kfold_keeps_the_class_shares():
    """Check the stratification with many small groups: each test fold holds
    a fifth of the rows and of the positives, to within a few groups."""
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 2000, 50_000)
    y = (rng.random(50_000) < 0.01).astype(int)
    cv = RepeatedStratifiedGroupKFold(n_splits=5, n_repeats=2, random_state=0)
    for _, test in cv.split(np.zeros(len(y)), y, groups):
        assert abs(len(test) - 10_000) <= 100
        assert abs(y[test].sum() - y.sum() / 5) <= 5


def test_repeated_stratified_group_kfold_too_few_groups():
    """Check the error for fewer groups than splits."""
    cv = RepeatedStratifiedGroupKFold(n_splits=5, n_repeats=1, random_state=0)
    with pytest.raises(
        ValueError, match="n_splits=5 greater than the number of groups: 3"
    ):
        list(cv.split(np.zeros(9), np.r_[np.zeros(6), np.ones(3)], np.arange(9) % 3))


def test_cross_validate_splits_by_group():
    """Check that with groups every test fold holds whole groups."""
    X, y = _data()
    groups = np.arange(len(y)) % 12
    results = cross_validate_strategies(
        [_strategy("a")],
        X,
        y,
        metrics=[METRICS["pr_auc"]],
        pos_label=1,
        n_splits=3,
        n_repeats=1,
        n_jobs=1,
        groups=groups,
    )
    assert len(results) == 3
    for result in results:
        assert _group_closed(groups, result.test)
        assert result.error is None
