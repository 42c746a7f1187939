"""Exact search of decision rules on out-of-fold scores.

A decision rule predicts ``argmax_k (S[i, k] + offsets[k])`` from a score
matrix ``S`` of shape (n_samples, n_classes): log-probabilities, decision
values, minus the Bayes risks of a cost matrix, or, for two classes,
``[0, score of the positive class]``, where the rule is the threshold
``score >= -offsets[1]``.

Moving one offset ``offsets[k]`` moves sample ``i`` to class ``k`` exactly when
``offsets[k] >= breaks[i]``, with ``breaks[i] = max_{j != k} (S[i, j] +
offsets[j]) - S[i, k]``. One sort of ``breaks`` and cumulative sums of the
weighted moves give the confusion counts, hence every built-in objective, at
every distinct rule along that coordinate in O(n log n + n K): the search is
exact, not on a grid. Two classes need one such search; more classes are
searched one coordinate at a time (coordinate ascent) until no move improves.
"""

from typing import NamedTuple

import numpy as np

__all__ = [
    "ASYMMETRIC_OBJECTIVES",
    "BUILTIN_OBJECTIVES",
    "Candidates",
    "Counts",
    "Rule",
    "SearchResult",
    "builtin_rule",
    "candidates",
    "count_candidates",
    "metric",
    "offset_inside",
    "search_offsets",
    "threshold_curve",
]

#: objectives evaluated exactly from confusion counts (``cost`` is minus the
#: expected cost, so that greater is better for all of them)
BUILTIN_OBJECTIVES = (
    "balanced_accuracy",
    "cost",
    "f1",
    "fbeta",
    "gmean",
    "mcc",
    "precision",
    "recall",
    "specificity",
    "youden",
)

#: objectives of the positive class only, for two classes: they need pos_label
ASYMMETRIC_OBJECTIVES = ("f1", "fbeta", "precision", "recall", "specificity")

# coordinate sweeps over all classes; each accepted move strictly improves the
# objective, so the ascent stops long before in practice
_MAX_SWEEPS = 50
# an improvement must beat rounding noise of the cumulative sums
_RTOL = 1e-12


class Counts(NamedTuple):
    """Weighted confusion counts of ``m`` candidate rules over ``K`` classes."""

    tp: np.ndarray  # (m, K) samples of class j predicted j
    pred: np.ndarray  # (m, K) samples predicted j
    support: np.ndarray  # (K,) samples of class j
    cost: np.ndarray | None  # (m,) total cost, when costs are known
    # the smallest positive sample weight: nonzero counts are at least this,
    # so anything below half of it is rounding noise of the cumulative sums
    resolution: float = 1.0


class Candidates(NamedTuple):
    """The distinct rules along coordinate ``k`` of the offsets.

    Candidate ``j`` moves the samples ``order[:stops[j]]`` to class ``k``; it is
    reached by any offset in ``[boundaries[j - 1], boundaries[j])``.
    """

    k: int
    order: np.ndarray  # (n,) samples by increasing break
    stops: np.ndarray  # (m + 1,) number of samples moved, from 0 to n
    boundaries: np.ndarray  # (m,) distinct breaks, increasing
    others: np.ndarray  # (n,) class of each sample when it is not moved


class Rule(NamedTuple):
    """What the search maximizes: a built-in objective or a callable.

    ``evaluate(candidates, current)`` returns, for each candidate, the
    objective and the constraint value (``None`` without constraint); an
    evaluator that only samples the candidates marks the others ``-inf`` and
    always evaluates ``current``, the candidate of the present offsets (or
    ``None``). ``floor`` is the constraint's floor.
    """

    evaluate: object
    floor: float | None = None


def _safe_divide(num, den):
    """``num / den`` with 0 where ``den`` is 0 (scikit-learn's zero_division=0)."""
    num, den = np.broadcast_arrays(num, den)
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _average(per_class, pos):
    """The positive class's column for two classes, the macro average otherwise."""
    return per_class[:, pos] if pos is not None else per_class.mean(axis=1)


def _recall(counts):
    return _safe_divide(counts.tp, counts.support)


def _mcc(counts):
    # Gorodkin's multiclass MCC; with two classes it is the usual phi coefficient
    total = counts.support.sum()
    correct = counts.tp.sum(axis=1)
    num = correct * total - counts.pred @ counts.support
    den_pred = total**2 - (counts.pred**2).sum(axis=1)
    den_true = total**2 - (counts.support**2).sum()
    # den_pred is 0 when one class gets every prediction and otherwise at least
    # about resolution * total: snap the rounding residue of the first case
    den_pred = np.where(den_pred < 0.5 * counts.resolution * total, 0.0, den_pred)
    return _safe_divide(num, np.sqrt(max(den_true, 0.0) * den_pred))


def metric(name, counts, *, pos=None, beta=1.0):
    """Value of a built-in objective at each candidate.

    Parameters
    ----------
    name : str
        One of :data:`BUILTIN_OBJECTIVES`.
    counts : Counts
        Confusion counts of ``m`` candidates.
    pos : int or None, default=None
        Column of the positive class for two-class objectives; ``None``
        averages per-class values (macro average).
    beta : float, default=1.0
        Weight of recall in the F-beta score.

    Returns
    -------
    values : ndarray of shape (m,)
        The objective, greater is better.
    """
    tp, pred, support = counts.tp, counts.pred, counts.support
    total = support.sum()
    n_classes = len(support)
    if name == "cost":
        return -counts.cost / total
    if name == "precision":
        return _average(_safe_divide(tp, pred), pos)
    if name == "recall":
        return _average(_recall(counts), pos)
    if name == "specificity":
        true_neg = total - support - (pred - tp)
        return _average(_safe_divide(true_neg, total - support), pos)
    if name in ("f1", "fbeta"):
        b2 = 1.0 if name == "f1" else beta**2
        return _average(_safe_divide((1 + b2) * tp, b2 * support + pred), pos)
    if name == "balanced_accuracy":
        return _recall(counts).mean(axis=1)
    if name == "youden":
        # scikit-learn's adjusted balanced accuracy; tpr + tnr - 1 for 2 classes
        chance = 1.0 / n_classes
        return (_recall(counts).mean(axis=1) - chance) / (1.0 - chance)
    if name == "gmean":
        return np.prod(_recall(counts), axis=1) ** (1.0 / n_classes)
    if name == "mcc":
        return _mcc(counts)
    raise ValueError(f"Unknown built-in objective {name!r}.")


def candidates(scores, offsets, k):
    """The distinct rules reached by moving ``offsets[k]``, the others fixed."""
    n_samples = scores.shape[0]
    shifted = scores + offsets
    shifted[:, k] = -np.inf
    others = np.argmax(shifted, axis=1)
    breaks = shifted[np.arange(n_samples), others] - scores[:, k]
    order = np.argsort(breaks)
    sorted_breaks = breaks[order]
    # with more than two classes, a break and the decision argmax(scores +
    # offsets) round differently: breaks closer than their rounding error are
    # one group, so every offset chosen between groups decides as counted. Two
    # classes compare scores themselves (breaks are exactly -score): no merging
    tol = 0.0
    if scores.shape[1] > 2:
        scale = 1.0 + np.max(np.abs(scores)) + np.max(np.abs(offsets))
        tol = 1e-12 * scale
    gaps = np.diff(sorted_breaks) > tol
    last = np.flatnonzero(np.r_[gaps, True])
    return Candidates(k, order, np.r_[0, last + 1], sorted_breaks[last], others)


def _cumulative_at(values, stops):
    """``[0, sum(values[:stops[1]]), sum(values[:stops[2]]), ...]``."""
    return np.r_[0.0, np.cumsum(values)[stops[1:] - 1]]


def count_candidates(cands, y, weight, n_classes, sample_costs=None):
    """Exact weighted confusion counts of every candidate of ``cands``.

    Parameters
    ----------
    cands : Candidates
        Rules along one coordinate.
    y : ndarray of shape (n_samples,)
        Class index of each sample.
    weight : ndarray of shape (n_samples,)
        Sample weights.
    n_classes : int
        Number of classes ``K``.
    sample_costs : ndarray of shape (n_samples, n_classes), default=None
        Weighted cost of predicting each class for each sample.

    Returns
    -------
    Counts
    """
    k, order, stops = cands.k, cands.order, cands.stops
    y_o, others_o, w_o = y[order], cands.others[order], weight[order]
    base_hit = y == cands.others
    base_pred = np.bincount(cands.others, weights=weight, minlength=n_classes)
    base_tp = np.bincount(
        y[base_hit], weights=weight[base_hit], minlength=n_classes
    ).astype(float)
    pred = np.tile(base_pred, (len(stops), 1))
    tp = np.tile(base_tp, (len(stops), 1))
    hit_o = y_o == others_o
    # a moved sample leaves its other class and joins class k; one column at a
    # time keeps the temporaries O(n) instead of O(n K)
    for j in range(n_classes):
        if j == k:
            pred[:, j] += _cumulative_at(w_o, stops)
            tp[:, j] += _cumulative_at(np.where(y_o == k, w_o, 0.0), stops)
        else:
            leaving = others_o == j
            pred[:, j] -= _cumulative_at(np.where(leaving, w_o, 0.0), stops)
            tp[:, j] -= _cumulative_at(np.where(leaving & hit_o, w_o, 0.0), stops)
    support = np.bincount(y, weights=weight, minlength=n_classes).astype(float)
    positive = weight[weight > 0]
    resolution = float(positive.min()) if len(positive) else 1.0
    # removing weights by cumulative sums leaves rounding residue where a count
    # should be 0 (e.g. 1e-16 predicted): it would read as precision 1 or a
    # negative recall
    tp[np.abs(tp) < 0.5 * resolution] = 0.0
    pred[np.abs(pred) < 0.5 * resolution] = 0.0
    cost = None
    if sample_costs is not None:
        n = len(y)
        base_cost = sample_costs[np.arange(n), cands.others].sum()
        delta = sample_costs[order, k] - sample_costs[order, others_o]
        cost = base_cost + _cumulative_at(delta, stops)
    return Counts(tp, pred, support, cost, resolution)


def offset_inside(boundaries, j):
    """An offset reaching candidate ``j``: the middle of its interval.

    The middle keeps the largest margin to the out-of-fold scores on both
    sides; the two open ends get a small relative margin beyond the last break.
    """
    m = len(boundaries)
    scale = max(float(np.max(np.abs(boundaries))), 1.0)
    margin = scale * 1e-9
    if j == 0:
        return float(boundaries[0] - margin)
    if j == m:
        return float(boundaries[-1] + margin)
    low, high = float(boundaries[j - 1]), float(boundaries[j])
    middle = 0.5 * low + 0.5 * high
    return middle if low <= middle < high else low


def _keys(objective, constraint, floor):
    """Lexicographic keys: feasible first, then the objective, or else the constraint.

    Below the floor everywhere, the search climbs the constrained metric, so
    that the final rule is the one that comes closest to the floor.
    """
    if constraint is None:
        return np.ones(len(objective), dtype=bool), objective
    feasible = constraint >= floor
    return feasible, np.where(feasible, objective, constraint)


def _best(feasible, value):
    """Index of the best candidate (the first one among ties)."""
    if feasible.any():
        return int(np.flatnonzero(feasible)[np.argmax(value[feasible])])
    return int(np.argmax(value))


def _improves(feasible, value, new, old):
    if feasible[new] != feasible[old]:
        return bool(feasible[new])
    tol = _RTOL * max(1.0, abs(float(value[old])))
    return bool(value[new] > value[old] + tol)


class SearchResult(NamedTuple):
    offsets: np.ndarray  # (K,) with offsets[0] == 0
    objective: float  # objective at the rule
    constraint: float | None  # constraint metric at the rule
    best_constraint: float | None  # highest constraint value met in the search


def _coordinates(n_classes, coordinate_order):
    if n_classes == 2:
        # every two-class rule is a threshold on column 1: one exact search
        return [1], 1
    return list(coordinate_order), _MAX_SWEEPS


def search_offsets(scores, rule, coordinate_order=None):
    """Offsets maximizing ``rule`` on ``scores`` by exact coordinate ascent.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)
        Score matrix of the rule ``argmax(scores + offsets)``.
    rule : Rule
        Gives the objective (and constraint) of every candidate along a
        coordinate.
    coordinate_order : sequence of int, default=None
        Order in which the offsets are visited (more than two classes).

    Returns
    -------
    SearchResult
    """
    n_classes = scores.shape[1]
    if coordinate_order is None:
        coordinate_order = range(n_classes)
    coords, sweeps = _coordinates(n_classes, coordinate_order)
    offsets = np.zeros(n_classes)
    state = None
    best_constraint = -np.inf
    for _ in range(sweeps):
        moved = False
        for k in coords:
            cands = candidates(scores, offsets, k)
            current = int(np.searchsorted(cands.boundaries, offsets[k], side="right"))
            objective, constraint = rule.evaluate(cands, current)
            feasible, value = _keys(objective, constraint, rule.floor)
            if constraint is not None:
                best_constraint = max(best_constraint, float(np.max(constraint)))
            new = _best(feasible, value)
            if _improves(feasible, value, new, current):
                offsets[k] = offset_inside(cands.boundaries, new)
                current, moved = new, True
            state = (objective[current], _at(constraint, current))
        if not moved:
            break
    offsets = offsets - offsets[0]
    best = None if rule.floor is None else best_constraint
    return SearchResult(offsets, float(state[0]), _none_or_float(state[1]), best)


def _none_or_float(value):
    return None if value is None else float(value)


def _at(values, index):
    return None if values is None else values[index]


def builtin_rule(
    name,
    y,
    weight,
    n_classes,
    *,
    pos=None,
    beta=1.0,
    sample_costs=None,
    constraint=None,
):
    """The :class:`Rule` of a built-in objective, optionally with a floor.

    Parameters
    ----------
    name : str
        One of :data:`BUILTIN_OBJECTIVES`.
    y, weight : ndarray of shape (n_samples,)
        Class indices and sample weights of the scored samples.
    n_classes : int
        Number of classes.
    pos : int or None, default=None
        Column of the positive class (two classes), see :func:`metric`.
    beta : float, default=1.0
        Beta of the F-beta score.
    sample_costs : ndarray of shape (n_samples, n_classes), default=None
        Weighted cost of predicting each class, for ``name="cost"``.
    constraint : (str, float) or None, default=None
        A built-in metric and its floor.

    Returns
    -------
    Rule
    """

    def evaluate(cands, current=None):
        counts = count_candidates(cands, y, weight, n_classes, sample_costs)
        objective = metric(name, counts, pos=pos, beta=beta)
        if constraint is None:
            return objective, None
        return objective, metric(constraint[0], counts, pos=pos, beta=beta)

    return Rule(evaluate, None if constraint is None else float(constraint[1]))


def threshold_curve(score, rule):
    """Objective of every threshold on a binary score, exact.

    Parameters
    ----------
    score : ndarray of shape (n_samples,)
        Score of the positive class; the rule predicts ``score >= threshold``.
    rule : Rule
        As for :func:`search_offsets`, on the two-column matrix ``[0, score]``.

    Returns
    -------
    thresholds : ndarray of shape (m + 1,)
        Increasing thresholds, one per distinct rule: the distinct scores and,
        last, one above the largest score (no sample predicted positive).
    objective : ndarray of shape (m + 1,)
        Objective of ``score >= thresholds[j]``.
    constraint : ndarray of shape (m + 1,) or None
        Constraint metric at each threshold.
    """
    scores = np.column_stack([np.zeros_like(score), score])
    cands = candidates(scores, np.zeros(2), 1)
    objective, constraint = rule.evaluate(cands, None)
    # candidate j moves the j lowest breaks (= highest scores): reverse so that
    # thresholds increase; the last one moves nothing
    thresholds = np.r_[-cands.boundaries[::-1], -offset_inside(cands.boundaries, 0)]
    # sampling evaluators (scorers) leave unevaluated candidates at -inf
    keep = np.isfinite(objective[::-1])
    constraint = None if constraint is None else constraint[::-1][keep]
    return thresholds[keep], objective[::-1][keep], constraint
