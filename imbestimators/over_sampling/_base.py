"""Machinery shared by the SMOTE family: parameters, interpolation, output buffer."""

import numbers

import numpy as np
from scipy import sparse
from sklearn.utils import check_random_state

from imbestimators.base import (
    BaseOverSampler,
    check_class_sizes,
    n_neighbors_from,
    neighbors_estimator,
)
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval

__all__ = ["BaseSMOTE", "interpolate"]

# rows interpolated per chunk: bounds the temporaries to a few MB
_CHUNK_ELEMENTS = 2**17


class BaseSMOTE(BaseOverSampler):
    """Base class of the SMOTE family: ``k_neighbors``, interpolation, output.

    Subclasses implement ``_generate_class(X, y, klass, n_new, rng, buffer)``,
    which appends the new rows of one class to ``buffer``; this base allocates
    the output once, copies the original rows, and visits the classes in
    ``sampling_strategy_`` order, so peak memory stays close to the size of the
    result.
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.k_neighbors = k_neighbors

    @property
    def _k(self):
        return n_neighbors_from(self.k_neighbors, "k_neighbors")

    def _resampled_classes(self):
        return [klass for klass, n in self.sampling_strategy_.items() if n > 0]

    def _check_sizes(self, y):
        """Fail early, naming the class, when k_neighbors cannot work."""
        k = self._k
        check_class_sizes(
            y,
            self._resampled_classes(),
            k + 1,
            parameter="k_neighbors",
            value=self.k_neighbors,
            estimator=type(self).__name__,
            hint=(
                "Lower k_neighbors to at most the smallest class size minus one, "
                "or use RandomOverSampler, which needs a single sample per class."
            ),
        )

    def _class_neighbors(self, X_class):
        """Each row's k nearest neighbours within its own class (itself excluded)."""
        index = NeighborsIndex(X_class, estimator=neighbors_estimator(self.k_neighbors))
        return index.kneighbors(self._k)

    def _fit_resample(self, X, y):
        self._check_sizes(y)
        rng = check_random_state(self.random_state)
        buffer = _OutputBuffer(X, y, sum(self.sampling_strategy_.values()))
        for klass in self._resampled_classes():
            self._generate_class(
                X, y, klass, self.sampling_strategy_[klass], rng, buffer
            )
        return buffer.result()

    @staticmethod
    def _draw_pairs(n_base, n_neighbors, n_new, rng):
        """Random (base row, neighbour column, step in [0, 1)) triples."""
        rows = rng.randint(n_base, size=n_new)
        cols = rng.randint(n_neighbors, size=n_new)
        steps = rng.uniform(size=n_new)
        return rows, cols, steps


class _OutputBuffer:
    """The resampled arrays, filled in place: originals first, then new rows.

    For dense input the output array is allocated once at its final size and
    new rows are interpolated straight into it, instead of stacking a list of
    blocks (which needs twice the memory at the end).
    """

    def __init__(self, X, y, n_max_new):
        self.is_sparse = sparse.issparse(X)
        self.y_parts = [y]
        self.dtype = X.dtype
        if self.is_sparse:
            self.X_parts = [X]
        else:
            self.X = np.empty((X.shape[0] + n_max_new, X.shape[1]), dtype=X.dtype)
            self.X[: X.shape[0]] = X
            self.position = X.shape[0]

    def add_interpolated(self, klass, X_base, base_rows, X_nbr, nbr_rows, steps):
        """Append ``X_base[b] + step * (X_nbr[n] - X_base[b])`` rows of ``klass``."""
        n_new = len(base_rows)
        if self.is_sparse:
            self.X_parts.append(interpolate(X_base, base_rows, X_nbr, nbr_rows, steps))
        else:
            out = self.X[self.position : self.position + n_new]
            interpolate(X_base, base_rows, X_nbr, nbr_rows, steps, out=out)
            self.position += n_new
        self.y_parts.append(np.full(n_new, klass, dtype=self.y_parts[0].dtype))
        return n_new

    def result(self):
        y_res = np.concatenate(self.y_parts)
        if self.is_sparse:
            X_res = sparse.vstack(self.X_parts, format=self.X_parts[0].format)
            return X_res.astype(self.dtype), y_res
        X_res = self.X
        if self.position < X_res.shape[0]:
            # some class produced fewer rows than planned (BorderlineSMOTE
            # without samples in danger): give the unused tail back
            X_res = X_res[: self.position].copy()
        return X_res, y_res


def interpolate(X_base, base_rows, X_nbr, nbr_rows, steps, out=None):
    """Points ``X_base[base_rows] + steps * (X_nbr[nbr_rows] - X_base[base_rows])``.

    Parameters
    ----------
    X_base, X_nbr : {ndarray, sparse matrix} of shape (n, n_features)
        Arrays holding the base rows and the neighbour rows.
    base_rows, nbr_rows : ndarray of int of shape (n_new,)
        Row indices into ``X_base`` and ``X_nbr``.
    steps : ndarray of shape (n_new,)
        Interpolation steps in [0, 1].
    out : ndarray of shape (n_new, n_features), default=None
        Dense output to fill; its dtype is kept. Integer outputs receive
        rounded values.

    Returns
    -------
    ndarray or sparse matrix of shape (n_new, n_features)
    """
    if sparse.issparse(X_base):
        base = X_base[base_rows]
        diff = X_nbr[nbr_rows] - base
        new = base + sparse.diags(steps.astype(X_base.dtype)) @ diff
        return new.asformat(X_base.format).astype(X_base.dtype)
    if out is None:
        out = np.empty((len(base_rows), X_base.shape[1]), dtype=X_base.dtype)
    if out.dtype.kind in "iub":
        return _interpolate_integer(X_base, base_rows, X_nbr, nbr_rows, steps, out)
    chunk = max(1, _CHUNK_ELEMENTS // max(1, X_base.shape[1]))
    for start in range(0, len(base_rows), chunk):
        stop = min(start + chunk, len(base_rows))
        # computed in place in the output: two gathers, three in-place updates
        new = out[start:stop]
        base = np.take(X_base, base_rows[start:stop], axis=0)
        np.take(X_nbr, nbr_rows[start:stop], axis=0, out=new)
        new -= base
        new *= steps[start:stop, None].astype(out.dtype)
        new += base
    return out


def _interpolate_integer(X_base, base_rows, X_nbr, nbr_rows, steps, out):
    """Integer data: interpolate in float64 and round to the nearest integer."""
    chunk = max(1, _CHUNK_ELEMENTS // max(1, X_base.shape[1]))
    for start in range(0, len(base_rows), chunk):
        stop = min(start + chunk, len(base_rows))
        base = X_base[base_rows[start:stop]].astype(np.float64)
        new = X_nbr[nbr_rows[start:stop]].astype(np.float64) - base
        new *= steps[start:stop, None]
        new += base
        out[start:stop] = np.rint(new)
    return out
