"""Class weights from a misclassification cost matrix (rescaling)."""

import numpy as np

from imbestimators.class_weight._class_weight import _check_classes
from imbestimators.utils._param_validation import validate_params
from imbestimators.utils._validation import label_repr

__all__ = ["class_weight_from_cost_matrix"]


def _check_cost_matrix(cost_matrix, n_classes):
    try:
        cost = np.asarray(cost_matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"cost_matrix must be a square array of numbers; got {cost_matrix!r}."
        ) from exc
    if cost.shape != (n_classes, n_classes):
        raise ValueError(
            f"cost_matrix must have shape ({n_classes}, {n_classes}), one row and "
            f"one column per class; got shape {cost.shape}."
        )
    if not np.isfinite(cost).all():
        raise ValueError("cost_matrix must hold finite numbers.")
    return cost


def _check_reasonable(regret, classes):
    """Elkan's reasonableness: a wrong prediction never costs less than a right one."""
    bad = np.argwhere(regret < 0)
    if bad.size:
        true, pred = bad[0]
        raise ValueError(
            f"cost_matrix[{true}, {pred}] is smaller than cost_matrix[{true}, {true}]: "
            f"predicting {label_repr(classes[pred])} for a sample of class "
            f"{label_repr(classes[true])} would cost less than the right answer. "
            "Rows are true classes, columns predicted classes."
        )
    if not regret.any():
        raise ValueError(
            "cost_matrix gives every error the cost of the right answer; at least "
            "one misclassification must cost more."
        )


@validate_params(
    {"cost_matrix": ["array-like"], "classes": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def class_weight_from_cost_matrix(cost_matrix, *, classes):
    """Class weights that make a weighted learner cost-sensitive (rescaling).

    The weight of class ``c`` is the total extra cost of misclassifying one of
    its samples, ``w_c = sum_j (C[c, j] - C[c, c])``. For two classes the
    weighted posterior's argmax is then exactly the cost-minimising decision
    (Elkan [1]_); for more classes this is the usual rescaling heuristic,
    exact only for "consistent" cost matrices (Zhou and Liu [2]_).

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes)
        ``cost_matrix[i, j]`` is the cost of predicting ``classes[j]`` for a
        sample of class ``classes[i]`` (rows true, columns predicted). A wrong
        prediction must never cost less than the right one.

    classes : array-like of shape (n_classes,)
        The labels of the rows and columns.

    Returns
    -------
    class_weight : dict
        ``{label: weight}``, ready for the ``class_weight`` parameter of
        :func:`compute_class_weight` or of an estimator. Scaling all weights by
        one constant leaves the weighted decision unchanged.

    See Also
    --------
    compute_class_weight : Weights from class counts.

    References
    ----------
    .. [1] C. Elkan, "The Foundations of Cost-Sensitive Learning", IJCAI 2001.
    .. [2] Z.-H. Zhou, X.-Y. Liu, "On Multi-Class Cost-Sensitive Learning",
       Computational Intelligence 26(3), 2010.

    Examples
    --------
    >>> from imbestimators.class_weight import class_weight_from_cost_matrix
    >>> cost = [[0, 1],   # a false alarm costs 1
    ...         [10, 0]]  # a missed fraud costs 10
    >>> class_weight_from_cost_matrix(cost, classes=["ok", "fraud"])
    {'ok': 1.0, 'fraud': 10.0}
    """
    classes = _check_classes(classes)
    cost = _check_cost_matrix(cost_matrix, len(classes))
    regret = cost - np.diag(cost)[:, np.newaxis]
    _check_reasonable(regret, classes)
    weights = regret.sum(axis=1)
    return dict(zip(classes.tolist(), weights.tolist()))
