"""Class weights from class counts: small pure functions behind a dispatch table.

Every count-based scheme gives weights ``w_c`` proportional to some decreasing
function of the (weighted) class count ``n_c``, then rescales them so that the
total weight of the samples is unchanged, ``sum_c n_c w_c = sum_c n_c``. With
that one normalisation, ``'balanced'`` is exactly scikit-learn's
``N / (K n_c)``, the mean sample weight is 1 whatever the scheme (so the loss
keeps its scale and a learning rate tuned without weights stays sensible), and
the schemes can be compared directly.
"""

import numbers

import numpy as np

from imbestimators.utils._param_validation import Interval, StrOptions, validate_params
from imbestimators.utils._validation import label_repr

__all__ = ["SCHEMES", "compute_class_weight", "compute_sample_weight"]


def _inverse_frequency(counts, beta):
    """'balanced': w_c proportional to 1 / n_c (King and Zeng, 2001)."""
    return 1.0 / counts


def _inverse_sqrt_frequency(counts, beta):
    """'inverse_sqrt': w_c proportional to 1 / sqrt(n_c), a milder reweighting."""
    return 1.0 / np.sqrt(counts)


def _inverse_effective_number(counts, beta):
    """'effective_number': w_c proportional to (1 - beta) / (1 - beta ** n_c).

    Cui et al. (2019): ``(1 - beta ** n) / (1 - beta)`` is the expected volume
    covered by ``n`` samples. The constant ``1 - beta`` cancels in the
    normalisation; ``-expm1(n log beta)`` keeps ``1 - beta ** n`` accurate when
    ``beta`` is close to 1 and ``n`` small.
    """
    if beta == 0:
        # beta ** n is 0 for n > 0: every class has effective number 1
        return np.ones_like(counts)
    return 1.0 / -np.expm1(counts * np.log(beta))


#: scheme name -> function of (weighted class counts, beta) -> unnormalised weights
SCHEMES = {
    "balanced": _inverse_frequency,
    "inverse_sqrt": _inverse_sqrt_frequency,
    "effective_number": _inverse_effective_number,
}


def _normalise(weights, counts):
    """Rescale so that the samples' total weight equals their total count."""
    return weights * (counts.sum() / np.dot(counts, weights))


def _check_y(y, name="y"):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of class labels; got an array of shape "
            f"{y.shape}. Multi-output targets are not supported."
        )
    return y


def _check_sample_weight(sample_weight, n_samples, *, allow_all_zero=False):
    """Validate sample weights: 1-D, one per sample, finite and non-negative."""
    if sample_weight is None:
        return np.ones(n_samples)
    try:
        weight = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"sample_weight must be an array of numbers; got {sample_weight!r}."
        ) from exc
    if weight.ndim == 0:
        weight = np.full(n_samples, float(weight))
    if weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have shape ({n_samples},), one weight per sample; "
            f"got shape {weight.shape}."
        )
    if not np.isfinite(weight).all() or (weight < 0).any():
        raise ValueError("sample_weight must be finite and non-negative.")
    if not allow_all_zero and n_samples and not weight.any():
        raise ValueError(
            "Sample weights must contain at least one non-zero number; all "
            f"{n_samples} sample weights are zero."
        )
    return weight


def _class_positions(classes, y):
    """Position in ``classes`` of each label of ``y``; unknown labels raise."""
    sorter = np.argsort(classes, kind="stable")
    pos = np.searchsorted(classes, y, sorter=sorter)
    pos = sorter[np.clip(pos, 0, len(classes) - 1)]
    unknown = classes[pos] != y
    if np.any(unknown):
        names = ", ".join(label_repr(k) for k in np.unique(y[unknown])[:5])
        raise ValueError(
            f"classes must include every label of y; y also holds {names}. "
            "Pass classes=np.unique(y)."
        )
    return pos


def _check_classes(classes):
    classes = np.asarray(classes)
    if classes.ndim != 1 or classes.size == 0:
        raise ValueError(
            "classes must be a non-empty 1-D array of class labels; got shape "
            f"{classes.shape}."
        )
    if np.unique(classes).size != classes.size:
        raise ValueError("classes must not contain duplicates; pass np.unique(y).")
    return classes


def _weights_from_dict(class_weight, classes):
    """Weights of a user dict; classes it does not name keep weight 1."""
    known = {
        label.item() if isinstance(label, np.generic) else label for label in classes
    }
    extra = [key for key in class_weight if key not in known]
    if extra:
        names = ", ".join(repr(key) for key in extra[:5])
        raise ValueError(
            f"class_weight names labels that are not classes of y: {names}. "
            f"The classes are {', '.join(label_repr(c) for c in classes)}."
        )
    weight = np.array([float(class_weight.get(c, 1.0)) for c in classes.tolist()])
    if not np.isfinite(weight).all() or (weight < 0).any():
        raise ValueError(
            "class_weight values must be finite and non-negative; got "
            f"{class_weight!r}."
        )
    return weight


def _weights_from_scheme(scheme, classes, positions, sample_weight, beta):
    counts = np.bincount(positions, weights=sample_weight, minlength=len(classes))
    empty = counts == 0
    if empty.any():
        names = ", ".join(label_repr(c) for c in classes[empty][:5])
        raise ValueError(
            f"class_weight={scheme!r} needs samples of every class; these classes "
            f"have none in y (or only zero sample weights): {names}. Drop them "
            "from classes or give the weights in a dict."
        )
    return _normalise(SCHEMES[scheme](counts, beta), counts)


@validate_params(
    {
        "class_weight": [dict, StrOptions(set(SCHEMES)), None],
        "classes": ["array-like"],
        "y": ["array-like"],
        "sample_weight": ["array-like", None],
        "beta": [Interval(numbers.Real, 0, 1, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def compute_class_weight(class_weight, *, classes, y, sample_weight=None, beta=0.999):
    """Weight of each class for class-imbalanced data.

    Same signature and meaning as
    :func:`sklearn.utils.class_weight.compute_class_weight`, with two more
    schemes.

    Parameters
    ----------
    class_weight : {'balanced', 'inverse_sqrt', 'effective_number'}, dict or None
        How to weight the classes, with ``n_c`` the number of samples of class
        ``c`` (the sum of their ``sample_weight``), ``N`` the total and ``K``
        the number of classes:

        - ``'balanced'``: ``N / (K n_c)``, scikit-learn's heuristic.
        - ``'inverse_sqrt'``: proportional to ``1 / sqrt(n_c)``.
        - ``'effective_number'``: proportional to ``(1 - beta) / (1 - beta **
          n_c)``, the inverse effective number of samples of Cui et al. [1]_;
          ``beta=0`` gives uniform weights and ``beta -> 1`` tends to
          ``'balanced'``.
        - dict: ``{label: weight}``; classes it does not name get weight 1.
        - None: every class gets weight 1.

        The count-based schemes are rescaled so that the total weight of the
        samples equals ``N`` (``sum_c n_c w_c = N``), as ``'balanced'`` is.

    classes : array-like of shape (n_classes,)
        The classes, usually ``np.unique(y)``. The weights come in this order.

    y : array-like of shape (n_samples,)
        Class label of each sample.

    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the class counts ``n_c``.

    beta : float in [0, 1), default=0.999
        Only for ``'effective_number'``: Cui et al. use 0.9 to 0.9999.

    Returns
    -------
    class_weight_vect : ndarray of shape (n_classes,)
        ``class_weight_vect[i]`` is the weight of ``classes[i]``.

    See Also
    --------
    compute_sample_weight : The same weights, one per sample.
    class_weight_from_cost_matrix : Weights from a misclassification cost matrix.

    References
    ----------
    .. [1] Y. Cui, M. Jia, T.-Y. Lin, Y. Song, S. Belongie, "Class-Balanced Loss
       Based on Effective Number of Samples", CVPR 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.class_weight import compute_class_weight
    >>> y = ["a"] * 90 + ["b"] * 10
    >>> compute_class_weight("balanced", classes=np.unique(y), y=y)
    array([0.5555..., 5. ])
    >>> compute_class_weight("inverse_sqrt", classes=np.unique(y), y=y)
    array([0.8333..., 2.5 ])
    >>> compute_class_weight({"b": 3.0}, classes=np.unique(y), y=y)
    array([1., 3.])
    """
    classes = _check_classes(classes)
    y = _check_y(y)
    # labels are checked for every scheme, as scikit-learn does
    positions = _class_positions(classes, y)
    if class_weight is None:
        return np.ones(len(classes))
    if isinstance(class_weight, dict):
        return _weights_from_dict(class_weight, classes)
    sample_weight = _check_sample_weight(sample_weight, len(y))
    return _weights_from_scheme(class_weight, classes, positions, sample_weight, beta)


@validate_params(
    {
        "class_weight": [dict, StrOptions(set(SCHEMES)), None],
        "y": ["array-like"],
        "sample_weight": ["array-like", None],
        "beta": [Interval(numbers.Real, 0, 1, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def compute_sample_weight(class_weight, y, *, sample_weight=None, beta=0.999):
    """Weight of each sample's class, for class-imbalanced data.

    As :func:`sklearn.utils.class_weight.compute_sample_weight` for a 1-D
    target, with the schemes of :func:`compute_class_weight`.

    Parameters
    ----------
    class_weight : {'balanced', 'inverse_sqrt', 'effective_number'}, dict or None
        The scheme, as in :func:`compute_class_weight`.

    y : array-like of shape (n_samples,)
        Class label of each sample.

    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample in the class counts. It is not multiplied into
        the result: an estimator that has both uses
        ``sample_weight * compute_sample_weight(...)``.

    beta : float in [0, 1), default=0.999
        Only for ``'effective_number'``.

    Returns
    -------
    sample_weight_vect : ndarray of shape (n_samples,)
        The weight of the class of each sample.

    See Also
    --------
    compute_class_weight : One weight per class.

    Examples
    --------
    >>> from imbestimators.class_weight import compute_sample_weight
    >>> compute_sample_weight("balanced", [1, 1, 1, 1, 0, 0])
    array([0.75, 0.75, 0.75, 0.75, 1.5 , 1.5 ])
    """
    y = _check_y(y)
    classes, inverse = np.unique(y, return_inverse=True)
    weight = compute_class_weight(
        class_weight, classes=classes, y=y, sample_weight=sample_weight, beta=beta
    )
    return weight[inverse]
