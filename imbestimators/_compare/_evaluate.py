"""Repeated stratified cross-validation of the strategies, one task per fit.

All strategies see the same splits, so their scores can be compared fold by
fold (see :mod:`._ranking`). A fit that fails (a sampler whose ``k_neighbors``
cannot work in a small fold, say) is recorded with its message instead of
stopping the run.
"""

import re
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed

from imbestimators._compare._errors import CompareError

__all__ = [
    "FoldResult",
    "RepeatedStratifiedGroupKFold",
    "comparison_folds",
    "cross_validate_strategies",
    "parse_cv",
]

_CV_PATTERN = re.compile(r"^\s*(\d+)\s*(?:[xX*]\s*(\d+))?\s*$")


class RepeatedStratifiedGroupKFold:
    """Stratified group k-fold, repeated with a new assignment of the groups.

    Every group is on one side of each split, and the groups are dealt to the
    folds so that each fold gets about its share of every class: in a random
    order, larger groups roughly first, each to the fold least filled with the
    classes it holds (fewest rows on a tie). scikit-learn's
    :class:`~sklearn.model_selection.StratifiedGroupKFold` sorts the shuffled
    groups by their class spread before dealing them, which fixes the order
    when every group holds one class (a label per patient or customer): its
    repeats would all be the same partition, and the corrected t-test over
    the folds would count copies as evidence.
    """

    def __init__(self, n_splits=5, n_repeats=2, random_state=None):
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits * self.n_repeats

    def split(self, X, y, groups):
        _, y_codes = np.unique(y, return_inverse=True)
        _, group_ids = np.unique(groups, return_inverse=True)
        if group_ids.max() + 1 < self.n_splits:
            raise ValueError(
                f"Cannot have n_splits={self.n_splits} greater than the number of "
                f"groups: {group_ids.max() + 1}."
            )
        counts = np.zeros((group_ids.max() + 1, y_codes.max() + 1))
        np.add.at(counts, (group_ids, y_codes), 1)
        # one seed per repeat, drawn in turn from random_state: the same seed
        # gives the same splits
        rng = check_random_state(self.random_state)
        for _ in range(self.n_repeats):
            fold_of_row = _deal_groups(counts, self.n_splits, rng)[group_ids]
            for k in range(self.n_splits):
                yield np.flatnonzero(fold_of_row != k), np.flatnonzero(fold_of_row == k)

    def __repr__(self):
        return (
            f"{type(self).__name__}(n_splits={self.n_splits}, "
            f"n_repeats={self.n_repeats}, random_state={self.random_state})"
        )


def _deal_groups(counts, n_splits, rng):
    """The fold of each group (rows of ``counts``: its rows of each class).

    Adding group ``g`` to fold ``f`` raises the sum over folds and classes of
    the squared class shares by ``2 sum_c F[f, c] g_c / T_c^2`` plus a term that
    is the same for every fold, so the fold with the least share-weighted fill
    of g's classes keeps the folds' shares most even. The order is random
    (log2 sizes jittered by up to a factor of 2 either way): larger groups are
    dealt roughly first, so that the smaller ones dealt later even the folds
    out.
    """
    sizes = counts.sum(axis=1)
    order = np.argsort(
        -(np.log2(sizes) + rng.uniform(-1, 1, len(sizes))), kind="stable"
    )
    weight = 1.0 / counts.sum(axis=0) ** 2
    fill = [[0.0] * counts.shape[1] for _ in range(n_splits)]
    rows = [0] * n_splits
    folds = np.empty(len(sizes), dtype=np.intp)
    for g in order:
        held = [(c, n * weight[c]) for c, n in enumerate(counts[g]) if n]
        best = min(
            range(n_splits),
            key=lambda f: (sum(fill[f][c] * w for c, w in held), rows[f]),
        )
        for c, n in enumerate(counts[g]):
            fill[best][c] += n
        rows[best] += sizes[g]
        folds[g] = best
    return folds


def comparison_folds(n_splits, n_repeats, random_state, grouped=False):
    """The repeated folds of a comparison: stratified, and by group if ``grouped``."""
    splitter = RepeatedStratifiedGroupKFold if grouped else RepeatedStratifiedKFold
    return splitter(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)


def parse_cv(text):
    """``'5x2'`` -> ``(5, 2)``: splits, then repeats (``'5'`` means one repeat)."""
    match = _CV_PATTERN.match(str(text))
    if match is None:
        raise CompareError(
            f"--cv must be N_SPLITSxN_REPEATS such as 5x2 (or N_SPLITS); got {text!r}."
        )
    n_splits, n_repeats = int(match[1]), int(match[2] or 1)
    if n_splits < 2 or n_repeats < 1:
        raise CompareError(
            f"--cv needs at least 2 splits and 1 repeat; got {text!r} "
            f"({n_splits} splits, {n_repeats} repeats)."
        )
    return n_splits, n_repeats


@dataclass
class FoldResult:
    """Scores of one strategy on one test fold."""

    strategy: str
    repeat: int
    fold: int
    scores: dict = field(default_factory=dict)
    fit_time: float = float("nan")
    score_time: float = float("nan")
    error: str | None = None
    warnings: list = field(default_factory=list)
    # the fold's rows and the positive-class scores, kept for the plots
    test: np.ndarray | None = None
    score: np.ndarray | None = None
    # rows of the (sub)sample cross-validated; None: all rows
    n_rows: int | None = None


def _take(X, rows):
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


def _class_scores(estimator, X, classes):
    """Scores with one column per class of ``classes``, in that order."""
    fitted = list(estimator.classes_)
    if hasattr(estimator, "predict_proba"):
        raw = estimator.predict_proba(X)
    else:
        raw = estimator.decision_function(X)
        if raw.ndim == 1:  # binary: the score of classes_[1]
            raw = np.column_stack([-raw, raw])
    scores = np.zeros((len(raw), len(classes)))
    for j, label in enumerate(classes):
        if label in fitted:
            scores[:, j] = raw[:, fitted.index(label)]
    return scores


def _fit_params(strategy, y_train):
    if strategy.weight_scheme is None:
        return {}
    from imbestimators.class_weight import compute_sample_weight

    weights = compute_sample_weight(strategy.weight_scheme, y_train)
    return {"classifier__sample_weight": weights}


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _fit_and_score(strategy, X, y, train, test, split, context):
    """Fit one strategy on one training fold and score it on the test fold."""
    repeat, fold = split
    result = FoldResult(strategy.name, repeat, fold)
    estimator = clone(strategy.estimator)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            start = time.perf_counter()
            estimator.fit(_take(X, train), y[train], **_fit_params(strategy, y[train]))
            result.fit_time = time.perf_counter() - start
            start = time.perf_counter()
            _score(result, estimator, _take(X, test), y[test], context)
            result.score_time = time.perf_counter() - start
        except Exception as exc:  # one failed fit must not stop the run
            result.error = _first_line(exc)
    result.warnings = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    if repeat == 0 and result.error is None:
        result.test = test
    else:
        result.score = None
    return result


def _score(result, estimator, X_test, y_test, context):
    classes, pos_label, metrics = context
    y_pred = np.asarray(estimator.predict(X_test))
    scores = _class_scores(estimator, X_test, classes)
    if len(classes) == 2:
        scores = scores[:, list(classes).index(pos_label)]
    for metric in metrics:
        result.scores[metric.name] = metric(
            y_test, y_pred, scores, classes=classes, pos_label=pos_label
        )
    # the plots show the positive (binary) or smallest (multiclass) class
    result.score = (
        scores if scores.ndim == 1 else scores[:, list(classes).index(pos_label)]
    ).astype(np.float32)


def cross_validate_strategies(
    strategies,
    X,
    y,
    *,
    metrics,
    pos_label,
    n_splits=5,
    n_repeats=2,
    n_jobs=None,
    random_state=0,
    progress=None,
    groups=None,
):
    """Score every strategy on the same repeated stratified splits.

    Parameters
    ----------
    strategies : list of Strategy
    X : array-like of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    metrics : list of Metric
    pos_label : label
        Positive class (binary) or class shown in the plots (multiclass).
    n_splits, n_repeats : int
        Of :class:`~sklearn.model_selection.RepeatedStratifiedKFold`.
    n_jobs : int or None
        Parallel fits (joblib).
    random_state : int
        Seed of the splits.
    progress : ProgressBar or None
        Updated once per finished fit, with the fit's work counted as the
        number of rows of ``y`` (the caller closes it).
    groups : ndarray of shape (n_samples,) or None
        Group labels: the splits are then :class:`RepeatedStratifiedGroupKFold`'s.

    Returns
    -------
    list of FoldResult
        One per strategy and fold, sorted by strategy order then fold.
    """
    cv = comparison_folds(n_splits, n_repeats, random_state, groups is not None)
    context = (np.unique(y), pos_label, metrics)
    tasks = [
        delayed(_fit_and_score)(
            strategy, X, y, train, test, divmod(i, n_splits), context
        )
        for i, (train, test) in enumerate(cv.split(np.zeros(len(y)), y, groups))
        for strategy in strategies
    ]
    results = []
    for result in Parallel(n_jobs=n_jobs, return_as="generator_unordered")(tasks):
        results.append(result)
        if progress is not None:
            progress.update(result.strategy, work=len(y))
    order = {strategy.name: k for k, strategy in enumerate(strategies)}
    return sorted(results, key=lambda r: (order[r.strategy], r.repeat, r.fold))
