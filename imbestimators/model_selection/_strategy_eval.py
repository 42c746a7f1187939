"""Scoring, subsampling and the halving schedule of ImbalanceStrategySearchCV."""

import math
import time
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.metrics import (
    average_precision_score,
    check_scoring,
    f1_score,
    make_scorer,
    precision_score,
    recall_score,
)
from sklearn.utils import _safe_indexing

from imbestimators.model_selection._objective import resolve_objective, sample_costs
from imbestimators.model_selection._response import rule_scores
from imbestimators.model_selection._threshold import decided_codes, tune_rule
from imbestimators.model_selection._threshold_search import Counts, metric

__all__ = [
    "RANKING_SCORERS",
    "DecisionScorer",
    "OutOfFoldScores",
    "can_subsample",
    "class_floor",
    "class_permutations",
    "cross_fitted_scores",
    "fit_and_score",
    "fold_without_a_class",
    "halving_schedule",
    "kept_candidates",
    "make_selection_scorer",
    "nested_subsample",
    "planned_candidates",
    "raise_all_failed",
    "rungs_split_by_group",
    "successive_halving",
]

# scorers of the positive class: their pos_label is set from the data, so that
# labels other than {0, 1} work (scikit-learn's default pos_label is 1)
_POSITIVE_CLASS_SCORERS = {
    "average_precision": (
        average_precision_score,
        ("decision_function", "predict_proba"),
    ),
    "f1": (f1_score, "predict"),
    "precision": (precision_score, "predict"),
    "recall": (recall_score, "predict"),
}
#: scorers that depend only on the order of the scores: a monotone change of
#: the probabilities (prior correction, for two classes) cannot change them
RANKING_SCORERS = frozenset(
    {
        "average_precision",
        "roc_auc",
        "roc_auc_ovr",
        "roc_auc_ovo",
        "roc_auc_ovr_weighted",
        "roc_auc_ovo_weighted",
    }
)
# every class keeps at least this many rows per test fold in a halving
# subsample, so that a rung's scores are not decided by a handful of positives
MIN_ROWS_PER_FOLD = 10


def make_selection_scorer(scoring, estimator, classes, pos_label):
    """The scorer that ranks the candidates when there is no decision rule."""
    if callable(scoring):
        return scoring
    if scoring in _POSITIVE_CLASS_SCORERS and len(classes) == 2:
        func, response = _POSITIVE_CLASS_SCORERS[scoring]
        pos = classes[-1] if pos_label is None else pos_label
        return make_scorer(func, response_method=response, pos_label=pos)
    return check_scoring(estimator, scoring=scoring)


class OutOfFoldScores:
    """A "scorer" that returns the score matrix of the test rows, not a number.

    For a decision rule tuned by cross-fitting (:func:`cross_fitted_scores`):
    the candidate is fit once per split at its own rule, and the rule is tuned
    afterwards on the other splits' matrices.

    Parameters
    ----------
    score_args : tuple
        ``(method, coding, risk)`` of :func:`rule_scores`.
    """

    def __init__(self, score_args):
        self.score_args = score_args

    def __call__(self, estimator, X, y, sample_weight=None):
        return rule_scores(estimator, X, *self.score_args)


def cross_fitted_scores(folds, objective, y, weight):
    """The objective on each split, with the rule tuned on the other splits.

    The rule scoring split ``k`` is tuned on the pooled out-of-fold scores of
    every other split, without the rows of ``k``'s test set (repeated k-fold
    has them in other repeats): no label of split ``k`` chooses its rule.
    Those scores come from models whose training rows include ``k``'s, a
    second-order leak that nested tuning avoids at several times the fits.

    Parameters
    ----------
    folds : list of (rows, scores)
        Each split's test rows and their score matrix (None for a failed
        split, which is then left out).
    objective : Objective
        A built-in objective.
    y : ndarray of shape (n_samples,)
        Labels of all rows.
    weight : ndarray of shape (n_samples,) or None
        Weights of all rows.

    Returns
    -------
    list of float
        One value per split; NaN for a failed split, or when the other splits
        hold no scores.
    """
    coding = objective.coding
    y_codes = coding.encode(y)
    weight = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    costs = sample_costs(objective, y_codes, weight, None)
    values = []
    for k, (test, scores) in enumerate(folds):
        others = [(r, s) for j, (r, s) in enumerate(folds) if j != k and s is not None]
        if scores is None or not others:
            values.append(np.nan)
            continue
        rows = np.concatenate([r for r, _ in others])
        pooled = np.vstack([s for _, s in others])
        keep = ~np.isin(rows, test)
        rows, pooled = rows[keep], pooled[keep]
        _, result = tune_rule(
            objective,
            y_codes[rows],
            weight[rows],
            None if costs is None else costs[rows],
            pooled,
        )
        predicted = coding.labels[decided_codes(scores, result.offsets)]
        values.append(objective_value(objective, y[test], predicted, weight[test]))
    return values


def objective_value(objective, y, y_pred, weight):
    """A built-in objective of the predictions ``y_pred``."""
    counts = _counts(objective.coding, y, y_pred, weight, objective.cost_matrix)
    pos = 1 if objective.coding.binary else None
    return float(metric(objective.name, counts, pos=pos, beta=objective.beta)[0])


def _counts(coding, y, y_pred, weight, cost_matrix):
    """Confusion counts of one prediction, in the layout of the rule search."""
    n_classes = len(coding.classes)
    truth, pred = coding.encode(y), coding.encode(y_pred)
    hit = truth == pred
    tp = np.bincount(truth[hit], weights=weight[hit], minlength=n_classes)
    predicted = np.bincount(pred, weights=weight, minlength=n_classes)
    support = np.bincount(truth, weights=weight, minlength=n_classes)
    cost = None
    if cost_matrix is not None:
        cost = np.array([np.sum(weight * cost_matrix[truth, pred])])
    positive = weight[weight > 0]
    resolution = float(positive.min()) if positive.size else 1.0
    return Counts(tp[None, :], predicted[None, :], support, cost, resolution)


class DecisionScorer:
    """Score a fitted classifier on a decision objective.

    A built-in objective is computed from the confusion counts of ``predict``
    with the same formulas the rule was tuned with (so ``'cost'`` is minus the
    expected cost per sample); another objective is the scorer it names.

    Parameters
    ----------
    template : ThresholdTunedClassifier or None, default=None
        Holds the objective (``objective``, ``beta``, ``cost_matrix``,
        ``pos_label``). None reads it from each scored estimator, which must
        then be a fitted ThresholdTunedClassifier; with a template, any
        classifier is scored, so that a candidate at its default decision rule
        competes with the tuned ones on the same objective.
    """

    def __init__(self, template=None):
        self.template = template

    def __call__(self, estimator, X, y, sample_weight=None):
        source = estimator if self.template is None else self.template
        objective = resolve_objective(source, estimator.classes_, False)
        if not objective.builtin:
            kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
            return objective.scorer(estimator, X, y, **kwargs)
        y = np.asarray(y)
        weight = (
            np.ones(len(y))
            if sample_weight is None
            else np.asarray(sample_weight, dtype=float)
        )
        return objective_value(objective, y, estimator.predict(X), weight)


def _error_text(exc):
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


def fit_and_score(model, X, y, weight, train, test, scorer, fit_weight, error_score):
    """Fit a clone of ``model`` on ``train`` and score it on ``test``.

    Returns
    -------
    score : float, dict or ndarray
        The score; a dict of scores for a dict of scorers; the score matrix
        for :class:`OutOfFoldScores`.
    fit_time, score_time : float
    error : str or None
        The failure's first line, when the fit or the scoring failed and
        ``error_score`` is a number (it is then the score).
    exception : Exception or None
        The failure itself, re-raised when every candidate fails.
    """
    fit_time = score_time = 0.0
    try:
        start = time.perf_counter()
        fitted = clone(model)
        fit_kwargs = {"sample_weight": weight[train]} if fit_weight else {}
        fitted.fit(_safe_indexing(X, train), y[train], **fit_kwargs)
        fit_time = time.perf_counter() - start
        start = time.perf_counter()
        score_kwargs = {} if weight is None else {"sample_weight": weight[test]}
        X_test = _safe_indexing(X, test)
        if isinstance(scorer, dict):  # several metrics
            score = {
                name: float(one(fitted, X_test, y[test], **score_kwargs))
                for name, one in scorer.items()
            }
        else:
            score = scorer(fitted, X_test, y[test], **score_kwargs)
            # an out-of-fold score matrix (OutOfFoldScores) stays an array
            score = score if isinstance(score, np.ndarray) else float(score)
        score_time = time.perf_counter() - start
    except Exception as exc:  # one failed candidate must not stop the search
        if error_score == "raise":
            raise
        failed = float(error_score)
        if isinstance(scorer, dict):
            failed = dict.fromkeys(scorer, failed)
        return failed, fit_time, score_time, _error_text(exc), exc
    return score, fit_time, score_time, None, None


def raise_all_failed(owner, exception, errors):
    """Re-raise the first failure when no candidate could be fit at all.

    Its type is kept (a TypeError for object data stays a TypeError), with the
    search's name and every distinct error in the message.
    """
    message = (
        f"{owner}: every candidate failed on every split; first error: "
        f"{exception}; all errors: {'; '.join(sorted(errors))}"
    )
    try:
        new = type(exception)(message)
    except Exception:  # an exception type with another signature
        new = ValueError(message)
    raise new from exception


def class_floor(cv, y, groups=None):
    """Rows a class needs for ``MIN_ROWS_PER_FOLD`` rows in a test fold of ``cv``.

    From the splitter's own test fraction, so that repeated splits (5 folds x
    2 repeats) ask for as many rows as 5 folds, not 10.
    """
    dummy = np.zeros((len(y), 1))
    fraction = np.mean([len(test) for _, test in cv.split(dummy, y, groups)]) / len(y)
    return math.ceil(MIN_ROWS_PER_FOLD / fraction)


def halving_schedule(class_counts, n_candidates, *, factor, min_resources, floor):
    """The number of rows of each rung; the last rung has every row.

    With ``min_resources='auto'`` the first rung is the smallest stratified
    subsample in which every class has ``MIN_ROWS_PER_FOLD`` rows per test
    fold; rungs grow by ``factor`` up to all rows, and there are no more rungs
    than it takes to reduce the candidates to about one.
    """
    n_samples = int(np.sum(class_counts))
    if min_resources == "auto":
        share = class_counts / n_samples
        smallest = max(
            math.ceil(min(floor, c) / s) for c, s in zip(class_counts, share)
        )
    else:
        smallest = int(min_resources)
    if smallest >= n_samples or n_candidates <= 1:
        return [n_samples]
    possible = 1 + math.floor(math.log(n_samples / smallest, factor) + 1e-9)
    required = 1 + math.floor(math.log(n_candidates, factor) + 1e-9)
    n_rungs = max(1, min(possible, required))
    return [math.ceil(n_samples / factor ** (n_rungs - 1 - i)) for i in range(n_rungs)]


def kept_candidates(n_alive, factor):
    """How many of ``n_alive`` candidates halving promotes: the best ``1 / factor``."""
    return max(1, math.ceil(n_alive / factor))


def planned_candidates(n_candidates, n_rungs, factor, n_baseline):
    """The candidates of each rung, planned before any fit.

    After the first rung an upper bound: the baseline (``n_baseline``
    candidates) joins the best ``1 / factor`` unless it is among them.
    """
    alive = [n_candidates]
    for _ in range(n_rungs - 1):
        alive.append(min(alive[-1], kept_candidates(alive[-1], factor) + n_baseline))
    return alive


def successive_halving(rungs, permutations, floor, candidates, evaluate, promote):
    """Run successive halving over ``candidates``: the loop of the search and
    of ``imbestimators compare``, which differ only in how they score a rung.

    Parameters
    ----------
    rungs : list of int
        Rows of each rung (:func:`halving_schedule`); the last has every row.
    permutations : list of ndarray
        :func:`class_permutations` of the labels: the rows of every subsample.
    floor : int
        Rows a class keeps in a subsample (:func:`class_floor`).
    candidates : list
        What is halved (indices, strategies).
    evaluate : callable
        ``evaluate(iteration, alive, rows, last)`` scores the candidates
        ``alive`` on the rows ``rows`` (sorted indices; ``last`` when they
        are every row) and returns the rung's results.
    promote : callable
        ``promote(alive, results)``: the candidates that go on.

    Returns
    -------
    list of (iteration, rows, alive, results)
    """
    n_samples = sum(len(p) for p in permutations)
    alive = list(candidates)
    history = []
    for iteration, n_rows in enumerate(rungs):
        last = iteration == len(rungs) - 1
        rows = (
            np.arange(n_samples)
            if last
            else nested_subsample(permutations, n_rows, floor)
        )
        results = evaluate(iteration, alive, rows, last)
        history.append((iteration, rows, alive, results))
        if not last:
            alive = promote(alive, results)
    return history


def class_permutations(y, rng):
    """One random order of the rows of each class, drawn once per fit."""
    return [rng.permutation(np.flatnonzero(y == c)) for c in np.unique(y)]


def nested_subsample(permutations, n_rows, floor):
    """Rows of a stratified subsample of about ``n_rows`` rows, sorted.

    Each class keeps its share of ``n_rows`` (so the subsample has the data's
    class prior, and strategies meet the imbalance they will meet on all rows),
    but never fewer than ``floor`` rows (:func:`class_floor`, or all of its
    rows). Taking a prefix of fixed per-class orders makes each rung's
    subsample contain the previous one's.
    """
    n_samples = sum(len(p) for p in permutations)
    rows = []
    for order in permutations:
        share = round(n_rows * len(order) / n_samples)
        rows.append(order[: min(len(order), max(share, floor))])
    return np.sort(np.concatenate(rows))


def rungs_split_by_group(rungs, permutations, floor, cv, y, groups):
    """The rungs whose subsample ``cv`` can split by ``groups`` with every
    class in every test fold; the last rung (all rows) is always kept.

    Subsamples draw rows, not groups: a small rung may hold fewer groups than
    ``cv`` has folds, or a class in fewer groups, and could not be split (or
    would score a class that a test fold lacks). Such a rung is left out
    before any fit, and its candidates go on to the next one.
    """
    kept = []
    for n_rows in rungs[:-1]:
        rows = nested_subsample(permutations, n_rows, floor)
        try:
            if fold_without_a_class(cv, y[rows], groups[rows]) is None:
                kept.append(n_rows)
        except ValueError:  # fewer groups than folds
            pass
    return [*kept, rungs[-1]]


def fold_without_a_class(cv, y, groups):
    """The first test fold of ``cv`` that holds no row of some class of ``y``:
    ``(index of the split, a class it lacks)``, or None when there is none."""
    classes = np.unique(y)
    for k, (_, test) in enumerate(cv.split(np.zeros((len(y), 1)), y, groups)):
        missing = np.setdiff1d(classes, y[test])
        if missing.size:
            return k, missing[0]
    return None


def can_subsample(cv):
    """Whether ``cv`` can split a subsample (an int or a splitter object)."""
    return isinstance(cv, Integral) or hasattr(cv, "split")
