"""Random over-sampling, with an optional smoothed bootstrap."""

import numbers
from collections.abc import Mapping

import numpy as np
from scipy import sparse
from sklearn.utils import _safe_indexing, check_array, check_random_state

from imbestimators.base import BaseOverSampler, _AnyValuesMixin
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._param_validation import Interval
from imbestimators.utils._validation import label_repr

__all__ = ["RandomOverSampler"]


@fill_doc
class RandomOverSampler(_AnyValuesMixin, BaseOverSampler):
    """Over-sample by drawing rows of each class at random, with replacement.

    With ``shrinkage`` the copies are perturbed with Gaussian noise (a smoothed
    bootstrap, as in ROSE [1]_). A drop-in replacement for
    :class:`imblearn.over_sampling.RandomOverSampler`: any data (strings,
    missing values, sparse, dataframes) is accepted when ``shrinkage=None``.

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    {sampling_strategy_over}

    {random_state}

    shrinkage : float or dict, default=None
        Scale of the smoothed bootstrap. ``None`` copies rows exactly; a float
        applies to every resampled class; a dict maps each resampled class to
        its factor. The noise of class ``c`` has per-feature standard deviation
        ``shrinkage[c] * h * std_c`` with the rule-of-thumb bandwidth
        ``h = (4 / ((n_features + 2) * n_samples)) ** (1 / (n_features + 4))``.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per resampled class.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Index in ``X`` of each output row (for a smoothed bootstrap, of the
        row that was perturbed).
    shrinkage_ : dict or None
        The shrinkage factor of each resampled class.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTE : Interpolate new rows instead of copying them.

    References
    ----------
    .. [1] G Menardi, N. Torelli, "Training and assessing classification rules
       with imbalanced data", Data Mining and Knowledge Discovery, 28(1),
       pp. 92-122, 2014.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.over_sampling import RandomOverSampler
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1],
    ...                            flip_y=0, random_state=10)
    >>> ros = RandomOverSampler(random_state=42)
    >>> X_res, y_res = ros.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    >>> bool((X_res == X[ros.sample_indices_]).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "shrinkage": [Interval(numbers.Real, 0, None, closed="left"), dict, None],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, shrinkage=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.shrinkage = shrinkage

    @property
    def _copies_rows(self):
        return self.shrinkage is None

    def _resolve_shrinkage(self):
        if self.shrinkage is None:
            return None
        if not isinstance(self.shrinkage, Mapping):
            return dict.fromkeys(self.sampling_strategy_, self.shrinkage)
        missing = set(self.sampling_strategy_) - set(self.shrinkage)
        if missing:
            names = ", ".join(label_repr(k) for k in sorted(missing, key=str))
            raise ValueError(
                "RandomOverSampler: shrinkage must give a factor for each resampled "
                f"class; missing {names}."
            )
        negative = {k: v for k, v in self.shrinkage.items() if v < 0}
        if negative:
            raise ValueError(
                f"RandomOverSampler: shrinkage factors must be >= 0; got {negative!r}."
            )
        return dict(self.shrinkage)

    def _fit_resample(self, X, y):
        self.shrinkage_ = self._resolve_shrinkage()
        if self.shrinkage_ is not None:
            X = self._numeric(X)
        rng = check_random_state(self.random_state)
        bootstrap = [
            rng.choice(np.flatnonzero(y == klass), size=n_new, replace=True)
            for klass, n_new in self.sampling_strategy_.items()
        ]
        self.sample_indices_ = np.concatenate([np.arange(len(y)), *bootstrap])
        y_res = y[self.sample_indices_]
        X_res = _safe_indexing(X, self.sample_indices_)
        if self.shrinkage_ is not None:
            X_res = self._perturb(X, y, X_res, bootstrap, rng)
        return X_res, y_res

    @staticmethod
    def _numeric(X):
        try:
            return check_array(X, accept_sparse=["csr", "csc"], dtype="numeric")
        except ValueError as exc:
            raise ValueError(
                "RandomOverSampler: shrinkage needs numeric, finite X (the "
                "smoothed bootstrap adds Gaussian noise); use shrinkage=None to "
                f"copy rows of any type. Original error: {exc}"
            ) from exc

    def _perturb(self, X, y, X_res, bootstrap, rng):
        """Smoothed bootstrap: add per-class Gaussian noise to the copies."""
        n_samples, n_features = X.shape
        bandwidth = (4 / ((n_features + 2) * n_samples)) ** (1 / (n_features + 4))
        is_sparse = sparse.issparse(X_res)
        X_res = X_res.toarray() if is_sparse else np.array(X_res, copy=True)
        if X_res.dtype.kind != "f":
            X_res = X_res.astype(np.float64)
        start = n_samples
        for (klass, n_new), _ in zip(self.sampling_strategy_.items(), bootstrap):
            X_class = X[np.flatnonzero(y == klass)]
            scale = _column_std(X_class) * self.shrinkage_[klass] * bandwidth
            noise = rng.standard_normal((n_new, n_features)) * scale
            X_res[start : start + n_new] += noise.astype(X_res.dtype)
            start += n_new
        return sparse.csr_matrix(X_res).asformat(X.format) if is_sparse else X_res

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        tags.sampler_tags.sample_indices = True
        return tags


def _column_std(X):
    if sparse.issparse(X):
        X = X.toarray()
    return np.std(np.asarray(X, dtype=np.float64), axis=0)
