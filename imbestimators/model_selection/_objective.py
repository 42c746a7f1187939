"""What ThresholdTunedClassifier maximizes: objective, constraint, costs, pos_label.

Everything here is checked before any model is fit, so that a wrong
combination of parameters fails in milliseconds with a message that names it.
"""

from collections.abc import Mapping
from numbers import Real
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import check_scoring

from imbestimators.model_selection._response import ClassCoding, make_coding
from imbestimators.model_selection._threshold_search import (
    ASYMMETRIC_OBJECTIVES,
    BUILTIN_OBJECTIVES,
    Rule,
    builtin_rule,
)

__all__ = ["Objective", "make_rule", "resolve_objective", "sample_costs"]

_COST_KEYS = ("tn", "fp", "fn", "tp")
# the labels for which scikit-learn also infers the positive class
_OBVIOUS_POSITIVE = ({0, 1}, {-1, 1}, {False, True})


class Objective(NamedTuple):
    """A resolved objective: a built-in name or a scorer, with its settings."""

    name: str | None  # built-in objective, or None for a scorer
    scorer: object | None
    beta: float
    constraint: tuple | None  # (built-in metric, floor)
    coding: ClassCoding
    cost_matrix: np.ndarray | None  # (K, K) in code order, [true, predicted]

    @property
    def builtin(self):
        return self.name is not None


def _owner(est):
    # displays pass a plain namespace that names them
    return getattr(est, "owner_name", type(est).__name__)


def _check_constraint(est, name):
    constraint = est.constraint
    if constraint is None:
        return None
    if name is None:
        raise ValueError(
            f"{_owner(est)}: constraint needs a built-in objective (one of "
            f"{sorted(BUILTIN_OBJECTIVES)}); got objective={est.objective!r}."
        )
    valid = (
        len(constraint) == 2
        and constraint[0] in BUILTIN_OBJECTIVES
        and isinstance(constraint[1], Real)
        and np.isfinite(constraint[1])
    )
    if not valid:
        raise ValueError(
            f"{_owner(est)}: constraint must be a (metric, floor) pair with a "
            f"metric among {sorted(BUILTIN_OBJECTIVES)} and a finite number, "
            f"e.g. ('precision', 0.9); got {constraint!r}."
        )
    return (constraint[0], float(constraint[1]))


def _positive_label(est, classes, names):
    """The positive class of two classes, refusing to guess for named labels."""
    if est.pos_label is not None:
        if est.pos_label not in classes.tolist():
            raise ValueError(
                f"{_owner(est)}: pos_label={est.pos_label!r} is not a class of y; "
                f"the classes are {np.asarray(classes).tolist()}."
            )
        return est.pos_label
    needs_pos = any(name in ASYMMETRIC_OBJECTIVES for name in names)
    obvious = any(set(classes.tolist()) == labels for labels in _OBVIOUS_POSITIVE)
    if needs_pos and not obvious:
        raise ValueError(
            f"{_owner(est)}: the objective {names[0]!r} scores the positive class "
            f"only, and pos_label=None cannot tell which of "
            f"{np.asarray(classes).tolist()} it is; set pos_label."
        )
    return None


def _binary_cost_matrix(est, costs):
    unknown = set(costs) - set(_COST_KEYS)
    if unknown:
        raise ValueError(
            f"{_owner(est)}: the keys of a cost_matrix dict are {list(_COST_KEYS)}; "
            f"got unknown keys {sorted(unknown)}."
        )
    values = [float(costs.get(key, 0.0)) for key in _COST_KEYS]
    return np.array(values).reshape(2, 2)


def _check_cost_matrix(est, coding):
    """The cost matrix in code order, or None."""
    costs = est.cost_matrix
    n_classes = len(coding.classes)
    if costs is None:
        return None
    if isinstance(costs, Mapping):
        if n_classes != 2:
            raise ValueError(
                f"{_owner(est)}: a cost_matrix dict of false-positive/false-negative "
                f"costs needs two classes; y has {n_classes}. Pass a "
                f"({n_classes}, {n_classes}) array instead."
            )
        matrix = _binary_cost_matrix(est, costs)
    else:
        matrix = np.asarray(costs, dtype=np.float64)
        if matrix.shape != (n_classes, n_classes):
            raise ValueError(
                f"{_owner(est)}: cost_matrix must have shape ({n_classes}, "
                f"{n_classes}) (true class x predicted class, in the order of "
                f"classes_); got shape {matrix.shape}."
            )
        matrix = matrix[np.ix_(coding.code_to_class, coding.code_to_class)]
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{_owner(est)}: cost_matrix must be finite; got {costs!r}.")
    return matrix


def _resolve_name(est):
    """(built-in name, scorer) of est.objective."""
    if isinstance(est.objective, str) and est.objective in BUILTIN_OBJECTIVES:
        return est.objective, None
    return None, check_scoring(est.estimator, scoring=est.objective)


def resolve_objective(est, classes, has_sample_cost):
    """Check the objective parameters of ``est`` against ``classes``.

    Parameters
    ----------
    est : ThresholdTunedClassifier
        Its ``objective``, ``beta``, ``cost_matrix``, ``constraint`` and
        ``pos_label`` are read.
    classes : ndarray
        Sorted class labels of ``y``.
    has_sample_cost : bool
        Whether per-sample costs are passed to ``fit``.

    Returns
    -------
    Objective
    """
    name, scorer = _resolve_name(est)
    constraint = _check_constraint(est, name)
    if len(classes) > 2 and est.pos_label is not None:
        raise ValueError(
            f"{_owner(est)}: pos_label applies to two classes; y has "
            f"{len(classes)}, whose F-type objectives are macro averages. "
            "Leave pos_label=None."
        )
    names = [n for n in (name, constraint and constraint[0]) if n]
    pos_label = _positive_label(est, classes, names) if len(classes) == 2 else None
    coding = make_coding(classes, pos_label)
    cost_matrix = _check_cost_matrix(est, coding)
    if name == "cost" and cost_matrix is None and not has_sample_cost:
        raise ValueError(
            f"{_owner(est)}: objective='cost' needs costs: set cost_matrix (an "
            "array, or {'fp': ..., 'fn': ...} for two classes) or pass "
            "sample_cost to fit."
        )
    if name != "cost" and (cost_matrix is not None or has_sample_cost):
        what = "cost_matrix" if cost_matrix is not None else "sample_cost"
        raise ValueError(
            f"{_owner(est)}: {what} is only used by objective='cost'; got "
            f"objective={est.objective!r}."
        )
    return Objective(name, scorer, float(est.beta), constraint, coding, cost_matrix)


def sample_costs(objective, y_codes, weight, sample_cost):
    """Weighted cost of predicting each class (code order), shape (n, K).

    ``sample_cost`` of shape (n,) is the cost of any wrong label for each
    sample; of shape (n, K), the cost of each predicted class (classes_
    order). It replaces ``cost_matrix`` in the objective when given.
    """
    if objective.name != "cost":
        return None
    n_samples, n_classes = len(y_codes), len(objective.coding.classes)
    if sample_cost is None:
        costs = objective.cost_matrix[y_codes]
    else:
        sample_cost = np.asarray(sample_cost, dtype=np.float64)
        if sample_cost.shape not in ((n_samples,), (n_samples, n_classes)):
            raise ValueError(
                f"sample_cost must have shape ({n_samples},) or ({n_samples}, "
                f"{n_classes}); got {sample_cost.shape}."
            )
        if not np.all(np.isfinite(sample_cost)):
            raise ValueError("sample_cost must be finite.")
        if sample_cost.ndim == 1:
            costs = np.repeat(sample_cost[:, None], n_classes, axis=1)
            costs[np.arange(n_samples), y_codes] = 0.0
        else:
            costs = sample_cost[:, objective.coding.code_to_class]
    return costs * weight[:, None]


class _FixedPredictions(ClassifierMixin, BaseEstimator):
    """A fitted-looking classifier whose ``predict`` returns given labels.

    Scorers call ``scorer(estimator, X, y)``; this stand-in lets them score a
    candidate rule on out-of-fold predictions without refitting anything.
    """

    def __init__(self, labels=None, classes=None):
        self.labels = labels
        self.classes = classes

    @property
    def classes_(self):
        return self.classes

    def fit(self, X, y):  # pragma: no cover - never fit, only scored
        return self

    def predict(self, X):
        return self.labels


def _spread(stops, current, n_points):
    """About ``n_points`` candidates evenly spread in number of moved samples."""
    targets = np.linspace(0, stops[-1], n_points)
    picks = np.clip(np.searchsorted(stops, targets), 0, len(stops) - 1)
    extra = [] if current is None else [current]
    return np.unique(np.r_[picks, extra].astype(int))


def _scorer_rule(objective, X_eval, y_eval, score_params, n_thresholds):
    labels = objective.coding.labels

    def evaluate(cands, current=None):
        values = np.full(len(cands.stops), -np.inf)
        for j in _spread(cands.stops, current, n_thresholds):
            codes = cands.others.copy()
            codes[cands.order[: cands.stops[j]]] = cands.k
            stand_in = _FixedPredictions(labels[codes], objective.coding.classes)
            try:
                values[j] = objective.scorer(stand_in, X_eval, y_eval, **score_params)
            except AttributeError as exc:
                raise ValueError(
                    "The objective must score hard predictions (a scorer with "
                    "response_method='predict'); a scorer of probabilities or "
                    "decision values does not depend on the decision rule."
                ) from exc
        return values, None

    return Rule(evaluate, None)


def make_rule(objective, y_codes, weight, costs, scorer_data):
    """The :class:`Rule` that scores candidate rules on a set of samples.

    Parameters
    ----------
    objective : Objective
    y_codes, weight : ndarray of shape (n_samples,)
    costs : ndarray of shape (n_samples, n_classes) or None
        From :func:`sample_costs`, restricted to the samples.
    scorer_data : tuple
        ``(X, y_labels, score_params, n_thresholds)`` for a scorer objective.
    """
    n_classes = len(objective.coding.classes)
    if objective.builtin:
        return builtin_rule(
            objective.name,
            y_codes,
            weight,
            n_classes,
            pos=1 if n_classes == 2 else None,
            beta=objective.beta,
            sample_costs=costs,
            constraint=objective.constraint,
        )
    return _scorer_rule(objective, *scorer_data)
