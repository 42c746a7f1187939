"""Small input/output validation helpers shared by the estimators."""

import math
import numbers
from collections import OrderedDict

import numpy as np
from imblearn.utils import check_sampling_strategy
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _num_samples, column_or_1d

__all__ = [
    "cast_like_frame",
    "check_X_y_lengths",
    "check_classification_y",
    "count_from_ratio",
    "is_pandas_frame",
    "is_pandas_series",
    "label_repr",
    "resolve_sampling_strategy",
]

#: a float target count this many units in the last place from an integer is
#: that integer: the ratio's own rounding and the product's add up to about 1
_ULP_TOLERANCE = 4


def is_pandas_frame(obj):
    """True for a pandas DataFrame, without importing pandas."""
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "iloc")


def is_pandas_series(obj):
    """True for a pandas Series, without importing pandas."""
    return type(obj).__name__ == "Series" and hasattr(obj, "iloc")


def _is_integer_like(dtype):
    """Integer or boolean dtype, NumPy or pandas nullable."""
    import pandas as pd

    return pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def cast_like_frame(values, frame):
    """Build a DataFrame from a 2-D array with the columns and dtypes of ``frame``.

    Integer and boolean columns receive values rounded to the nearest integer:
    synthetic rows (interpolations) would otherwise not fit their column's
    dtype, and silently truncating (NumPy's cast) or upcasting the column are
    both worse.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_columns)
        New values, one column per column of ``frame``.
    frame : pandas.DataFrame
        Frame whose columns and dtypes the result takes.

    Returns
    -------
    pandas.DataFrame
        A frame with a fresh RangeIndex.
    """
    import pandas as pd

    values = np.asarray(values)
    columns = {}
    for j, dtype in enumerate(frame.dtypes):
        column = values[:, j]
        if _is_integer_like(dtype) and column.dtype.kind == "f":
            column = np.rint(column)
        columns[j] = pd.Series(column).astype(dtype)
    out = pd.DataFrame(columns)
    out.columns = frame.columns
    return out


def label_repr(label):
    """A class label as users wrote it: ``1`` rather than ``np.int64(1)``."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def check_classification_y(y, owner):
    """``y`` as a 1-D array of class labels, and its classes (at least two).

    The check of the meta-estimators that learn a decision from ``y``
    (threshold tuning, prior correction, the strategy search); ``owner`` is
    the estimator named in the error.
    """
    y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(
            f"{type(owner).__name__} needs at least two classes in y; y has "
            f"1 class: {classes.tolist()!r}."
        )
    return y, classes


def check_X_y_lengths(X, y, estimator):
    """Raise a ValueError unless ``X`` and ``y`` have the same number of samples.

    Samplers that accept any values skip scikit-learn's ``check_X_y``, and a
    shorter ``y`` would then silently select or misalign rows; this check
    runs before any other work, for every container.

    Parameters
    ----------
    X : {array-like, dataframe, sparse matrix}
        The data.
    y : array-like
        The labels.
    estimator : str
        Name of the estimator, for the message.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.utils._validation import check_X_y_lengths
    >>> check_X_y_lengths(np.zeros((3, 2)), [0, 1], "RandomOverSampler")
    Traceback (most recent call last):
        ...
    ValueError: RandomOverSampler: X and y have inconsistent numbers of samples: ...
    """
    try:
        n_X, n_y = _num_samples(X), _num_samples(y)
    except TypeError:
        # not array-like (None, a scalar): the input validation that follows
        # gives its own message
        return
    if n_X != n_y:
        raise ValueError(
            f"{estimator}: X and y have inconsistent numbers of samples: X has "
            f"{n_X} rows but y has {n_y} labels. Pass one label per row of X."
        )


def count_from_ratio(value):
    """The whole number of samples a float product or quotient stands for.

    ``value`` is the target count computed from a float ``sampling_strategy``
    (``n_majority * ratio`` or ``n_minority / ratio``). In binary floating
    point it often lands just below the intended integer: ``100 * 0.29`` is
    ``28.999999999999996``. A value within a few units in the last place of
    an integer is that integer; any other value is truncated, which is
    imbalanced-learn's rule (issue #1215).

    Parameters
    ----------
    value : float
        A non-negative target count.

    Returns
    -------
    count : int

    Examples
    --------
    >>> from imbestimators.utils._validation import count_from_ratio
    >>> 100 * 0.29
    28.999999999999996
    >>> count_from_ratio(100 * 0.29)
    29
    >>> count_from_ratio(28.5)
    28
    """
    nearest = round(value)
    if abs(value - nearest) <= _ULP_TOLERANCE * math.ulp(nearest):
        return int(nearest)
    return math.floor(value)


def resolve_sampling_strategy(sampling_strategy, y, sampling_type, **kwargs):
    """Resolve ``sampling_strategy`` into target counts per class.

    imbalanced-learn's :func:`~imblearn.utils.check_sampling_strategy`, with
    one change: a float ratio becomes counts through
    :func:`count_from_ratio`, so that a ratio whose exact target is a whole
    number gives that number rather than one less. Strings, dicts, lists,
    callables and invalid ratios keep imbalanced-learn's behaviour and
    messages.

    Parameters
    ----------
    sampling_strategy : float, str, dict, list or callable
        The sampler's parameter.
    y : ndarray of shape (n_samples,)
        Labels (not one-vs-all encoded).
    sampling_type : {"over-sampling", "under-sampling", "clean-sampling"}
        The kind of sampler.
    **kwargs : dict
        Passed to a callable ``sampling_strategy``.

    Returns
    -------
    sampling_strategy_ : OrderedDict
        Samples to add per class (over-sampling) or target counts per class
        (under- and clean-sampling), sorted by class.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.utils._validation import resolve_sampling_strategy
    >>> y = np.array([0] * 100 + [1] * 28)
    >>> dict(resolve_sampling_strategy(0.29, y, "over-sampling"))
    {np.int64(1): 1}
    """
    if not _is_binary_ratio(sampling_strategy, y, sampling_type):
        return check_sampling_strategy(sampling_strategy, y, sampling_type, **kwargs)
    classes, counts = np.unique(y, return_counts=True)
    counts = counts.tolist()
    if sampling_type == "over-sampling":
        targets = _over_sampling_targets(float(sampling_strategy), classes, counts)
    else:
        targets = _under_sampling_targets(float(sampling_strategy), classes, counts)
    return OrderedDict(sorted(targets.items()))


def _is_binary_ratio(sampling_strategy, y, sampling_type):
    """A valid float ratio for a binary target and a sampler that takes one."""
    return (
        isinstance(sampling_strategy, numbers.Real)
        and not isinstance(sampling_strategy, bool)
        and 0 < sampling_strategy <= 1
        and sampling_type in ("over-sampling", "under-sampling")
        and type_of_target(y) == "binary"
    )


def _over_sampling_targets(ratio, classes, counts):
    """Samples to add so the minority is ``ratio`` times the majority."""
    # the first largest class is the majority, as in imbalanced-learn
    reference = counts.index(max(counts))
    n_majority = counts[reference]
    target = count_from_ratio(n_majority * ratio)
    for i, (klass, count) in enumerate(zip(classes, counts)):
        if i != reference and target <= count:
            raise ValueError(
                f"sampling_strategy={ratio!r} of the {n_majority} samples of the "
                f"majority class {label_repr(classes[reference])} is {target} "
                f"samples, but class {label_repr(klass)} already has {count}: the "
                "specified ratio required to remove samples from the minority "
                "class while trying to generate new samples. Please increase the "
                f"ratio above {count}/{n_majority}."
            )
    return {
        klass: target - count
        for i, (klass, count) in enumerate(zip(classes, counts))
        if i != reference
    }


def _under_sampling_targets(ratio, classes, counts):
    """Counts to keep so the minority is ``ratio`` times each other class."""
    # the first smallest class is the minority, as in imbalanced-learn
    reference = counts.index(min(counts))
    target = count_from_ratio(counts[reference] / ratio)
    for i, (klass, count) in enumerate(zip(classes, counts)):
        if i != reference and target > count:
            raise ValueError(
                f"sampling_strategy={ratio!r} keeps {counts[reference]}/{ratio!r} "
                f"= {target} samples of class {label_repr(klass)}, but it has "
                f"only {count}: the specified ratio required to generate new "
                "sample in the majority class while trying to remove samples. "
                f"Please increase the ratio to at least {counts[reference]}/{count}."
            )
    return {klass: target for i, klass in enumerate(classes) if i != reference}
