"""Random under-sampling."""

import numpy as np
from sklearn.utils import _safe_indexing, check_random_state

from imbestimators.base import BaseUnderSampler, _AnyValuesMixin
from imbestimators.utils._docstring import fill_doc

__all__ = ["RandomUnderSampler", "draw_under_sample"]


def draw_under_sample(class_rows, counts, *, random_state, replacement):
    """Row indices of a random under-sample, as :class:`RandomUnderSampler` draws.

    Class after class (``class_rows`` in sorted label order), from one
    generator: ``counts[i]`` rows of ``class_rows[i]`` (None keeps the whole
    class). The balanced ensembles call it with class rows found once per fit
    instead of running the sampler, and its checks, for every member.
    """
    rng = check_random_state(random_state)
    parts = []
    for rows, n_rows in zip(class_rows, counts):
        if n_rows is not None:
            rows = rows[rng.choice(len(rows), size=n_rows, replace=replacement)]
        parts.append(rows)
    return np.concatenate(parts)


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
        classes = np.unique(y)
        self.sample_indices_ = draw_under_sample(
            [np.flatnonzero(y == klass) for klass in classes],
            [self.sampling_strategy_.get(klass) for klass in classes],
            random_state=self.random_state,
            replacement=self.replacement,
        )
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        tags.sampler_tags.sample_indices = True
        return tags
