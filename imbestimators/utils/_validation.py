"""Small input/output validation helpers shared by the estimators."""

import numpy as np

__all__ = ["cast_like_frame", "is_pandas_frame", "is_pandas_series", "label_repr"]


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
