"""Metrics of the decisions of a classifier on imbalanced classes.

Every metric here is computed from the per-class (one-vs-rest) weighted
confusion counts of :func:`sklearn.metrics.multilabel_confusion_matrix`, so
sample weights count the same way in every count. Where imbalanced-learn has
the metric, the values are exactly its values, with one deliberate exception:
with ``sample_weight``, imbalanced-learn computes the true negatives as the
*unweighted* number of samples minus weighted counts, which gives a wrong
specificity; ours weighs every count (and equals scikit-learn's recall of the
negative class).
"""

import functools
import inspect
import numbers
import warnings

import numpy as np
from scipy import stats
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import multilabel_confusion_matrix
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils.multiclass import type_of_target, unique_labels

from imbestimators.utils._param_validation import (
    Interval,
    StrOptions,
    validate_params,
)
from imbestimators.utils._validation import label_repr

__all__ = [
    "expected_cost",
    "geometric_mean_score",
    "index_balanced_accuracy",
    "macro_averaged_mean_absolute_error",
    "make_index_balanced_accuracy",
    "sensitivity_score",
    "sensitivity_specificity_support",
    "specificity_score",
]

_AVERAGES = StrOptions({"binary", "micro", "macro", "weighted"})
_COMMON = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "labels": ["array-like", None],
    "pos_label": [numbers.Real, str, "boolean", None],
    "sample_weight": ["array-like", None],
}


def _check_targets(y_true, y_pred, sample_weight=None):
    """1-D binary or multiclass labels of equal length; the target type."""
    check_consistent_length(y_true, y_pred, sample_weight)
    types = {
        type_of_target(y_true, input_name="y_true"),
        type_of_target(y_pred, input_name="y_pred"),
    }
    if not types <= {"binary", "multiclass"}:
        raise ValueError(
            "Imbalanced classification metrics support binary and multiclass "
            f"targets; got {sorted(types)}."
        )
    y_true, y_pred = column_or_1d(y_true), column_or_1d(y_pred)
    present = unique_labels(y_true, y_pred)
    y_type = "binary" if types == {"binary"} and len(present) <= 2 else "multiclass"
    if sample_weight is not None:
        sample_weight = column_or_1d(sample_weight).astype(np.float64)
    return y_type, y_true, y_pred, present, sample_weight


def _select_labels(y_type, present, labels, pos_label, average):
    """The labels the counts are computed for, following scikit-learn's rules.

    Returns None when ``average='binary'`` and neither ``pos_label`` nor any
    other class is present (imbalanced-learn then scores 0).
    """
    if average == "binary":
        if y_type != "binary":
            raise ValueError(
                f"Target is {y_type} but average='binary'; choose average from "
                "'micro', 'macro', 'weighted' or None."
            )
        if pos_label not in present.tolist():
            if len(present) < 2:
                return None
            raise ValueError(
                f"pos_label={label_repr(pos_label)} is not a valid label: it must "
                f"be one of {_listing(present)}."
            )
        return np.asarray([pos_label])
    if pos_label not in (None, 1):
        warnings.warn(
            f"pos_label={label_repr(pos_label)} is ignored when average != "
            f"'binary' (got {average!r}); use labels=[pos_label] to score one "
            "class.",
            UserWarning,
        )
    return present if labels is None else np.asarray(labels)


def _listing(labels):
    """Labels as users wrote them: ``[0, 1]``, ``['a', 'b']``."""
    return "[" + ", ".join(label_repr(v) for v in labels) + "]"


def _divide(numerator, denominator, metric, what, warn=True):
    """``numerator / denominator``, 0 (and a warning) where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    zero = denominator == 0
    result = numerator / np.where(zero, 1.0, denominator)
    result[zero] = 0.0
    if warn and zero.any():
        warnings.warn(
            f"{metric} is ill-defined and set to 0.0 in labels with no {what} samples.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
    return result


def _check_warn_for(warn_for):
    unknown = set(warn_for) - {"sensitivity", "specificity"}
    if unknown:
        raise ValueError(
            "warn_for must hold 'sensitivity' and/or 'specificity'; "
            f"got {sorted(unknown)!r}."
        )


def _counts(y_true, y_pred, labels, sample_weight):
    """Per-label (tn, fp, fn, tp), weighted, one-vs-rest."""
    mcm = multilabel_confusion_matrix(
        y_true, y_pred, sample_weight=sample_weight, labels=labels
    )
    return mcm[:, 0, 0], mcm[:, 0, 1], mcm[:, 1, 0], mcm[:, 1, 1]


@validate_params(
    {
        **_COMMON,
        "average": [_AVERAGES, None],
        "warn_for": [tuple, set, list],
    },
    prefer_skip_nested_validation=True,
)
def sensitivity_specificity_support(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average=None,
    warn_for=("sensitivity", "specificity"),
    sample_weight=None,
):
    """Sensitivity, specificity and support of each class (one-vs-rest).

    Sensitivity is the recall of a class, ``tp / (tp + fn)``; specificity the
    recall of the rest, ``tn / (tn + fp)``.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Labels to report (all labels of ``y_true`` and ``y_pred``, sorted,
        when None); with ``average``, the labels averaged over.
    pos_label : int, float, bool or str, default=1
        The positive class when ``average='binary'``.
    average : {'binary', 'micro', 'macro', 'weighted'} or None, default=None
        ``None`` returns per-class arrays; ``'binary'`` the values of
        ``pos_label``; ``'micro'`` pools the counts of all classes;
        ``'macro'`` is the unweighted mean over classes; ``'weighted'`` the
        mean weighted by support.
    warn_for : tuple or set of {"sensitivity", "specificity"}, \
            default=("sensitivity", "specificity")
        The metrics that warn (``UndefinedMetricWarning``) when they are
        ill-defined (a class with no true, or no negative, sample); the
        others are set to 0.0 silently, as in imbalanced-learn.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; every count is weighted.

    Returns
    -------
    sensitivity : float or ndarray of shape (n_labels,)
    specificity : float or ndarray of shape (n_labels,)
    support : ndarray of shape (n_labels,) or None
        Weighted number of samples of each class in ``y_true`` (None when
        averaged).

    Examples
    --------
    >>> from imbestimators.metrics import sensitivity_specificity_support
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_pred = [0, 0, 0, 1, 1, 0]
    >>> sen, spe, sup = sensitivity_specificity_support(y_true, y_pred)
    >>> sen.tolist(), spe.tolist(), sup.tolist()
    ([0.75, 0.5], [0.5, 0.75], [4, 2])
    """
    y_type, y_true, y_pred, present, sample_weight = _check_targets(
        y_true, y_pred, sample_weight
    )
    selected = _select_labels(y_type, present, labels, pos_label, average)
    if selected is None:
        return 0.0, 0.0, 0
    tn, fp, fn, tp = _counts(y_true, y_pred, selected, sample_weight)
    support = tp + fn
    if average == "micro":
        tn, fp, fn, tp = (np.array([c.sum()]) for c in (tn, fp, fn, tp))
    _check_warn_for(warn_for)
    sensitivity = _divide(
        tp, tp + fn, "Sensitivity", "true", warn="sensitivity" in warn_for
    )
    specificity = _divide(
        tn, tn + fp, "Specificity", "negative", warn="specificity" in warn_for
    )
    if average is None:
        return sensitivity, specificity, support
    weights = support if average == "weighted" else None
    if weights is not None and weights.sum() == 0:
        return 0.0, 0.0, None
    return (
        float(np.average(sensitivity, weights=weights)),
        float(np.average(specificity, weights=weights)),
        None,
    )


@validate_params(
    {**_COMMON, "average": [_AVERAGES, None]},
    prefer_skip_nested_validation=True,
)
def sensitivity_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None
):
    """Sensitivity (recall, true positive rate) ``tp / (tp + fn)``.

    Equal to :func:`sklearn.metrics.recall_score` and
    :func:`imblearn.metrics.sensitivity_score`.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Labels averaged over (all labels present when None).
    pos_label : int, float, bool or str, default=1
        The positive class when ``average='binary'``.
    average : {'binary', 'micro', 'macro', 'weighted'} or None, \
            default='binary'
        See :func:`sensitivity_specificity_support`.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    sensitivity : float or ndarray of shape (n_labels,)

    Examples
    --------
    >>> from imbestimators.metrics import sensitivity_score
    >>> sensitivity_score([0, 0, 1, 1, 1], [0, 1, 1, 1, 0])
    0.666...
    """
    return sensitivity_specificity_support(
        y_true,
        y_pred,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=sample_weight,
    )[0]


@validate_params(
    {**_COMMON, "average": [_AVERAGES, None]},
    prefer_skip_nested_validation=True,
)
def specificity_score(
    y_true, y_pred, *, labels=None, pos_label=1, average="binary", sample_weight=None
):
    """Specificity (true negative rate) ``tn / (tn + fp)``.

    The recall of the negative class: in the binary case it equals
    ``recall_score(y_true, y_pred, pos_label=negative_class)``. Without sample
    weights it equals :func:`imblearn.metrics.specificity_score`.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Labels averaged over (all labels present when None).
    pos_label : int, float, bool or str, default=1
        The positive class when ``average='binary'``.
    average : {'binary', 'micro', 'macro', 'weighted'} or None, \
            default='binary'
        See :func:`sensitivity_specificity_support`.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; true negatives are weighted like every other count.

    Returns
    -------
    specificity : float or ndarray of shape (n_labels,)

    Examples
    --------
    >>> from imbestimators.metrics import specificity_score
    >>> specificity_score([0, 0, 0, 0, 1], [0, 0, 0, 1, 1])
    0.75
    """
    return sensitivity_specificity_support(
        y_true,
        y_pred,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=sample_weight,
    )[1]


@validate_params(
    {
        **_COMMON,
        "average": [
            StrOptions({"multiclass", "binary", "micro", "macro", "weighted"}),
            None,
        ],
        "correction": [Interval(numbers.Real, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def geometric_mean_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="multiclass",
    sample_weight=None,
    correction=0.0,
):
    """Geometric mean of the per-class recalls (G-mean).

    With ``average='multiclass'`` (the default), the geometric mean of the
    recall of every class, ``(prod_c recall_c) ** (1 / n_classes)`` (Kubat and
    Matwin [1]_; for two classes ``sqrt(sensitivity * specificity)``): it is
    0 as soon as one class is never recognised, whatever the accuracy. Other
    averages give ``sqrt(sensitivity * specificity)`` of the averaged
    sensitivity and specificity (per class with ``average=None``). Equal to
    :func:`imblearn.metrics.geometric_mean_score`.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Labels to include (all labels present when None).
    pos_label : int, float, bool or str, default=1
        The positive class when ``average='binary'``.
    average : {'multiclass', 'binary', 'micro', 'macro', 'weighted'} or None, \
            default='multiclass'
        How the classes are combined, see above.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    correction : float, default=0.0
        With ``average='multiclass'``, replaces a recall of 0, so that one
        unrecognised class does not make the whole score 0.

    Returns
    -------
    gmean : float or ndarray of shape (n_labels,)

    References
    ----------
    .. [1] M. Kubat and S. Matwin, "Addressing the curse of imbalanced
       training sets: one-sided selection", ICML, 1997.

    Examples
    --------
    >>> from imbestimators.metrics import geometric_mean_score
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_pred = [0, 0, 0, 1, 1, 0]
    >>> round(geometric_mean_score(y_true, y_pred), 4)  # sqrt(0.75 * 0.5)
    0.6124
    """
    if average != "multiclass":
        sensitivity, specificity, _ = sensitivity_specificity_support(
            y_true,
            y_pred,
            labels=labels,
            pos_label=pos_label,
            average=average,
            sample_weight=sample_weight,
        )
        return np.sqrt(np.multiply(sensitivity, specificity))
    _, y_true, y_pred, present, sample_weight = _check_targets(
        y_true, y_pred, sample_weight
    )
    selected = present if labels is None else np.asarray(labels)
    _, _, fn, tp = _counts(y_true, y_pred, selected, sample_weight)
    recall = _divide(tp, tp + fn, "Recall", "true")
    recall[recall == 0] = correction
    with np.errstate(divide="ignore"):
        return float(stats.gmean(recall))


@validate_params(
    {
        **_COMMON,
        "average": [_AVERAGES, None],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "squared": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def index_balanced_accuracy(
    y_true,
    y_pred,
    *,
    alpha=0.1,
    squared=True,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
):
    """Index balanced accuracy (IBA) of the G-mean.

    ``IBA = (1 + alpha * (sensitivity - specificity)) * gmean ** 2`` (García
    et al. [1]_): the G-mean, favouring the classifier whose errors are not
    concentrated on the positive class. With ``squared=False`` the G-mean is
    not squared.

    For one class (``average='binary'``) and per class (``average=None``) it
    equals imbalanced-learn's
    ``make_index_balanced_accuracy(alpha=alpha, squared=squared)(geometric_mean_score)``
    with the same ``average``. ``'macro'`` and ``'weighted'`` average the
    per-class IBA; imbalanced-learn instead squares the averaged G-mean and
    takes the dominance of the averaged rates, which for two classes is
    always 0.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    alpha : float, default=0.1
        Weight of the dominance ``sensitivity - specificity``.
    squared : bool, default=True
        Square the G-mean, as in the paper.
    labels : array-like, default=None
        Labels to include (all labels present when None).
    pos_label : int, float, bool or str, default=1
        The positive class when ``average='binary'``.
    average : {'binary', 'micro', 'macro', 'weighted'} or None, default='binary'
        ``'micro'`` computes the IBA of the pooled counts.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    iba : float or ndarray of shape (n_labels,)

    References
    ----------
    .. [1] V. García, R. A. Mollineda and J. S. Sánchez, "Index of balanced
       accuracy: a performance measure for skewed class distributions",
       IbPRIA, pp. 441-448, 2009.

    Examples
    --------
    >>> from imbestimators.metrics import index_balanced_accuracy
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_pred = [0, 0, 0, 1, 1, 0]
    >>> round(index_balanced_accuracy(y_true, y_pred), 4)  # 0.975 * 0.375
    0.3656
    """
    per_class = average in (None, "macro", "weighted")
    sensitivity, specificity, support = sensitivity_specificity_support(
        y_true,
        y_pred,
        labels=labels,
        pos_label=pos_label,
        average=None if per_class else average,
        sample_weight=sample_weight,
    )
    gmean = np.sqrt(np.multiply(sensitivity, specificity))
    score = np.power(gmean, 2) if squared else gmean
    iba = (1.0 + alpha * (np.subtract(sensitivity, specificity))) * score
    if average in (None, "binary", "micro"):
        return iba if average is None else float(np.asarray(iba).reshape(-1)[0])
    return _average_per_class(iba, support, average)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "cost_matrix": ["array-like", None],
        "fp_cost": [Interval(numbers.Real, 0, None, closed="left"), None],
        "fn_cost": [Interval(numbers.Real, 0, None, closed="left"), None],
        "labels": ["array-like", None],
        "pos_label": [numbers.Real, str, "boolean"],
        "sample_weight": ["array-like", None],
        "normalize": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def expected_cost(
    y_true,
    y_pred,
    *,
    cost_matrix=None,
    fp_cost=None,
    fn_cost=None,
    labels=None,
    pos_label=1,
    sample_weight=None,
    normalize=True,
):
    """Average (or total) misclassification cost of the predictions.

    Give either a full ``cost_matrix`` or, for a binary problem, the cost of a
    false positive ``fp_cost`` and of a false negative ``fn_cost`` (correct
    predictions then cost 0). Lower is better; its scorer
    ``'neg_expected_cost'`` negates it.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    cost_matrix : array-like of shape (n_labels, n_labels), default=None
        ``cost_matrix[i, j]`` is the cost of predicting ``labels[j]`` for a
        sample of class ``labels[i]`` (rows are true classes, as in
        :func:`sklearn.metrics.confusion_matrix`).
    fp_cost, fn_cost : float, default=None
        Costs of a false positive and a false negative (binary problems,
        positive class ``pos_label``).
    labels : array-like, default=None
        The classes of the rows and columns of ``cost_matrix``; all labels of
        ``y_true`` and ``y_pred``, sorted, when None. Give it when scoring
        cross-validation folds, where a class may be missing.
    pos_label : int, float, bool or str, default=1
        The positive class for ``fp_cost`` and ``fn_cost``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    normalize : bool, default=True
        Return the cost per sample (weighted mean); otherwise the total.

    Returns
    -------
    cost : float

    Examples
    --------
    >>> from imbestimators.metrics import expected_cost
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_pred = [0, 0, 0, 1, 1, 0]
    >>> expected_cost(y_true, y_pred, fp_cost=1, fn_cost=10)  # (1 + 10) / 6
    1.833...
    >>> expected_cost(y_true, y_pred, cost_matrix=[[0, 1], [10, 0]], normalize=False)
    11.0
    """
    _, y_true, y_pred, present, sample_weight = _check_targets(
        y_true, y_pred, sample_weight
    )
    weight = np.ones(len(y_true)) if sample_weight is None else sample_weight
    if cost_matrix is not None:
        if fp_cost is not None or fn_cost is not None:
            raise ValueError(
                "expected_cost: give either cost_matrix or fp_cost and fn_cost, "
                "not both."
            )
        total = _matrix_cost(y_true, y_pred, present, cost_matrix, labels, weight)
    elif fp_cost is None or fn_cost is None:
        raise ValueError(
            "expected_cost needs costs: give cost_matrix, or both fp_cost and "
            f"fn_cost; got fp_cost={fp_cost!r} and fn_cost={fn_cost!r}."
        )
    else:
        total = _binary_cost(
            y_true, y_pred, present, fp_cost, fn_cost, pos_label, weight
        )
    if not normalize:
        return float(total)
    return float(total / weight.sum()) if weight.sum() > 0 else 0.0


def _matrix_cost(y_true, y_pred, present, cost_matrix, labels, weight):
    labels = present if labels is None else np.asarray(labels)
    unknown = np.setdiff1d(present, labels)
    if unknown.size:
        raise ValueError(
            "expected_cost: y_true and y_pred hold labels that are not in labels: "
            f"{_listing(unknown)}."
        )
    try:
        cost = np.asarray(cost_matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"cost_matrix must be a square array of numbers; got {cost_matrix!r}."
        ) from exc
    n = len(labels)
    if cost.shape != (n, n):
        raise ValueError(
            f"cost_matrix must have shape ({n}, {n}), one row and one column per "
            f"label in {_listing(labels)}; got shape {cost.shape}. "
            "Pass labels= when a fold may miss a class."
        )
    if not np.isfinite(cost).all():
        raise ValueError("cost_matrix must hold finite numbers.")
    # sklearn's confusion_matrix warns on a single label even when it is given
    sorter = np.argsort(labels, kind="stable")
    rows = sorter[np.searchsorted(labels, y_true, sorter=sorter)]
    cols = sorter[np.searchsorted(labels, y_pred, sorter=sorter)]
    return float(np.dot(cost[rows, cols], weight))


def _binary_cost(y_true, y_pred, present, fp_cost, fn_cost, pos_label, weight):
    if len(present) > 2:
        raise ValueError(
            "expected_cost: fp_cost and fn_cost are for binary targets; y has "
            f"{len(present)} classes, give a cost_matrix instead."
        )
    if len(present) == 2 and pos_label not in present.tolist():
        raise ValueError(
            f"pos_label={label_repr(pos_label)} is not a valid label: it must be "
            f"one of {_listing(present)}."
        )
    true_pos, pred_pos = y_true == pos_label, y_pred == pos_label
    false_pos = weight[~true_pos & pred_pos].sum()
    false_neg = weight[true_pos & ~pred_pos].sum()
    return fp_cost * false_pos + fn_cost * false_neg


@validate_params(
    {
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "squared": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_index_balanced_accuracy(*, alpha=0.1, squared=True):
    """Decorator factory turning a label metric into its index balanced accuracy.

    ``make_index_balanced_accuracy(alpha=a, squared=s)(metric)`` is a function
    with the signature of ``metric`` that returns
    ``(1 + a * (sensitivity - specificity)) * metric(...) ** (2 if s else 1)``
    (García et al. [1]_), the sensitivity and specificity computed with the
    ``labels``, ``pos_label``, ``average`` and ``sample_weight`` given to the
    metric. A metric without an ``average`` parameter is scored as binary.

    Decorating :func:`geometric_mean_score` gives
    :func:`index_balanced_accuracy`: for ``average='binary'``, ``'micro'``,
    ``None`` and ``'multiclass'`` the values of
    :func:`imblearn.metrics.make_index_balanced_accuracy`, the latter taking
    the dominance of the macro-averaged rates as imbalanced-learn does. For
    ``'macro'`` and ``'weighted'`` the metric is computed per class and the
    per-class IBA averaged; imbalanced-learn instead weighs the averaged
    metric by the dominance of the averaged rates, which for two classes is
    always 0.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    alpha : float, default=0.1
        Weight of the dominance ``sensitivity - specificity``.
    squared : bool, default=True
        Square the metric before weighing it, as in the paper.

    Returns
    -------
    decorate : callable
        Takes a metric ``metric(y_true, y_pred, ...)`` of predicted labels and
        returns its index balanced accuracy.

    See Also
    --------
    index_balanced_accuracy : The IBA of the G-mean.

    References
    ----------
    .. [1] V. García, J. S. Sánchez and R. A. Mollineda, "On the effectiveness
       of preprocessing methods when dealing with different levels of class
       imbalance", Knowledge-Based Systems 25(1), pp. 13-21, 2012.

    Examples
    --------
    >>> from imbestimators.metrics import (
    ...     geometric_mean_score, make_index_balanced_accuracy)
    >>> iba = make_index_balanced_accuracy(alpha=0.1, squared=True)
    >>> iba_gmean = iba(geometric_mean_score)
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_pred = [0, 0, 0, 1, 1, 0]
    >>> round(iba_gmean(y_true, y_pred, average="binary"), 4)  # 0.975 * 0.375
    0.3656
    >>> iba_gmean(y_true, y_pred, average=None).round(4).tolist()
    [0.3844, 0.3656]
    """

    def decorate(metric):
        signature = inspect.signature(metric)
        scores = {"y_score", "y_prob", "y2"} & set(signature.parameters)
        if scores:
            raise TypeError(
                f"make_index_balanced_accuracy needs a metric of predicted labels "
                f"(y_true, y_pred); {metric.__name__} takes {sorted(scores)}, "
                "whose dominance sensitivity - specificity is undefined."
            )

        @functools.wraps(metric)
        def iba_metric(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return _iba_of(metric, bound, alpha, squared)

        return iba_metric

    return decorate


def _iba_of(metric, bound, alpha, squared):
    """The IBA of ``metric`` called with the arguments ``bound``."""
    arguments = bound.arguments
    shared = {"y_true", "y_pred", "labels", "pos_label", "sample_weight"}
    rates_kwargs = {k: arguments[k] for k in shared & arguments.keys()}
    average = arguments.get("average", "binary")
    per_class = average in ("macro", "weighted")
    if per_class:
        # the IBA of each class, averaged, as index_balanced_accuracy does
        arguments["average"] = None
    score = metric(*bound.args, **bound.kwargs)
    score = np.power(score, 2) if squared else score
    # the multiclass G-mean has no per-class value: imbalanced-learn's rule
    rates_average = {"multiclass": "macro", "macro": None, "weighted": None}
    sensitivity, specificity, support = sensitivity_specificity_support(
        **rates_kwargs, average=rates_average.get(average, average)
    )
    iba = (1.0 + alpha * np.subtract(sensitivity, specificity)) * score
    if not per_class:
        return iba if np.ndim(iba) else float(iba)
    return _average_per_class(iba, support, average)


def _average_per_class(values, support, average):
    """Mean of per-class values: plain for 'macro', by support for 'weighted'."""
    weights = support if average == "weighted" else None
    if weights is not None and weights.sum() == 0:
        return 0.0
    return float(np.average(values, weights=weights))


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def macro_averaged_mean_absolute_error(y_true, y_pred, *, sample_weight=None):
    """Mean absolute error of each true class, averaged over the classes.

    For ordinal classification (labels are ordered numbers, such as ratings):
    the mean absolute error ``|y_true - y_pred|`` of the rows of each class of
    ``y_true``, averaged with equal weight per class (Baccianella et al.
    [1]_), so a rare class counts as much as a frequent one. Lower is better;
    0 is perfect. Equal to
    :func:`imblearn.metrics.macro_averaged_mean_absolute_error` wherever that
    is defined; a label that only ``y_pred`` holds has no rows and is not
    averaged over (imbalanced-learn raises on it, its issue #1094).

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True ordinal labels (numbers).
    y_pred : array-like of shape (n_samples,)
        Predicted ordinal labels (numbers).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; the MAE of a class is its weighted mean.

    Returns
    -------
    loss : float

    References
    ----------
    .. [1] S. Baccianella, A. Esuli and F. Sebastiani, "Evaluation measures
       for ordinal regression", ISDA, pp. 283-287, 2009.

    Examples
    --------
    >>> from sklearn.metrics import mean_absolute_error
    >>> from imbestimators.metrics import macro_averaged_mean_absolute_error
    >>> y_true = [1, 2, 2, 2]
    >>> y_pred = [1, 2, 1, 2]
    >>> mean_absolute_error(y_true, y_pred)
    0.25
    >>> macro_averaged_mean_absolute_error(y_true, y_pred)  # (0 + 1/3) / 2
    0.166...
    """
    _, y_true, y_pred, _, sample_weight = _check_targets(y_true, y_pred, sample_weight)
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
            raise TypeError(
                f"macro_averaged_mean_absolute_error needs ordinal labels that "
                f"are numbers; {name} has dtype {y.dtype}."
            )
    weight = np.ones(len(y_true)) if sample_weight is None else sample_weight
    error = np.abs(y_true.astype(np.float64) - y_pred.astype(np.float64))
    classes, rows = np.unique(y_true, return_inverse=True)
    class_weight = np.bincount(rows, weights=weight, minlength=len(classes))
    if (class_weight == 0).any():
        empty = classes[class_weight == 0]
        raise ValueError(
            "macro_averaged_mean_absolute_error: sample_weight sums to 0 over "
            f"the rows of class {_listing(empty)}, whose error is then undefined."
        )
    class_error = np.bincount(rows, weights=weight * error, minlength=len(classes))
    return float(np.mean(class_error / class_weight))
