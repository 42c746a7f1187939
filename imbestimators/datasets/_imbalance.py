"""Make a data set imbalanced by random under-sampling."""

from collections import Counter
from collections.abc import Mapping

import numpy as np

from imbestimators.under_sampling import RandomUnderSampler
from imbestimators.utils._param_validation import validate_params
from imbestimators.utils._validation import resolve_sampling_strategy

__all__ = ["make_imbalance"]


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "sampling_strategy": [Mapping, callable, None],
        "random_state": ["random_state"],
        "verbose": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_imbalance(
    X, y, *, sampling_strategy=None, random_state=None, verbose=False, **kwargs
):
    """Turn a data set into an imbalanced one with a given count per class.

    The twin of :func:`imblearn.datasets.make_imbalance`: the rows kept are
    drawn without replacement by
    :class:`~imbestimators.under_sampling.RandomUnderSampler`.

    Parameters
    ----------
    X : {array-like, dataframe} of shape (n_samples, n_features)
        Data to make imbalanced. It is never modified.
    y : array-like of shape (n_samples,)
        Class labels.
    sampling_strategy : dict or callable, default=None
        Rows to keep per class. Required, despite the default (kept for
        imbalanced-learn's signature).

        - When ``dict``, class label -> number of rows to keep; classes left
          out keep all their rows.
        - When callable, ``sampling_strategy(y, **kwargs)`` returns such a
          dict.
    random_state : int, RandomState instance or None, default=None
        Seed or generator of the draw.
    verbose : bool, default=False
        Print the class counts before and after.
    **kwargs : dict
        Keyword arguments passed to a callable ``sampling_strategy``.

    Returns
    -------
    X_resampled : {ndarray, dataframe} of shape (n_samples_new, n_features)
        The kept rows, in the container type of ``X``.
    y_resampled : {ndarray, series} of shape (n_samples_new,)
        Their labels, in the container type of ``y``.

    See Also
    --------
    imbestimators.under_sampling.RandomUnderSampler : The sampler used.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import load_iris
    >>> from imbestimators.datasets import make_imbalance
    >>> X, y = load_iris(return_X_y=True)
    >>> X_res, y_res = make_imbalance(
    ...     X, y, sampling_strategy={0: 10, 1: 20, 2: 30}, random_state=42
    ... )
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 10), (1, 20), (2, 30)]
    """
    if sampling_strategy is None:
        # imbalanced-learn fails here with an UnboundLocalError
        raise ValueError(
            "make_imbalance needs sampling_strategy: a dict {class: rows to keep} "
            "or a callable that returns one from y; got None."
        )
    target_counts = resolve_sampling_strategy(
        sampling_strategy, np.asarray(y), "under-sampling", **kwargs
    )
    if verbose:
        print(f"The original target distribution in the dataset is: {_counts(y)}")
    sampler = RandomUnderSampler(
        sampling_strategy=target_counts, replacement=False, random_state=random_state
    )
    X_resampled, y_resampled = sampler.fit_resample(X, y)
    if verbose:
        print(f"Make the dataset imbalanced: {_counts(y_resampled)}")
    return X_resampled, y_resampled


def _counts(y):
    # Python scalars print as 0, not np.int64(0)
    return Counter(np.asarray(y).tolist())
