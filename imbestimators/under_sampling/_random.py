"""Random under-sampling."""

import numpy as np
from sklearn.utils import _safe_indexing, check_random_state

from imbestimators.base import BaseUnderSampler, _AnyValuesMixin
from imbestimators.utils._docstring import fill_doc

__all__ = ["RandomUnderSampler"]


@fill_doc
class RandomUnderSampler(_AnyValuesMixin, BaseUnderSampler):
    """Under-sample by drawing rows of each targeted class at random.

    A drop-in replacement for :class:`imblearn.under_sampling.RandomUnderSampler`:
    same parameters, and with the same ``random_state`` the same rows in the
    same order. Rows are only copied, so any data is accepted (strings,
    missing values, sparse matrices, dataframes).

    Read more in the :ref:`User Guide <controlled_under_sampling>`.

    Parameters
    ----------
    {sampling_strategy_under}

    {random_state}

    replacement : bool, default=False
        Whether rows are drawn with replacement (a row may then appear
        several times).

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples kept per under-sampled class.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Index in ``X`` of each output row: class after class (sorted labels);
        in draw order within an under-sampled class, increasing otherwise.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    NearMiss : Keep the rows closest to the minority class.
    RandomOverSampler : Duplicate rows of the smaller classes instead.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import RandomUnderSampler
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> rus = RandomUnderSampler(random_state=42)
    >>> X_res, y_res = rus.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 100)]
    >>> bool((X_res == X[rus.sample_indices_]).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "replacement": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, replacement=False
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.replacement = replacement

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state)
        parts = []
        for klass in np.unique(y):
            rows = np.flatnonzero(y == klass)
            if klass in self.sampling_strategy_:
                drawn = rng.choice(
                    len(rows),
                    size=self.sampling_strategy_[klass],
                    replace=self.replacement,
                )
                rows = rows[drawn]
            parts.append(rows)
        self.sample_indices_ = np.concatenate(parts)
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        tags.sampler_tags.sample_indices = True
        return tags
