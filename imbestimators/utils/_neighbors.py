"""The one exact k-nearest-neighbours engine of imbestimators.

Every sampler and diagnostic asks its neighbour questions here, in whichever
shape it needs (a class against itself, the minority against all rows, the
majority against the minority, all rows against all rows), through
:class:`NeighborsIndex`.

How the exact answer is obtained
--------------------------------
Euclidean neighbours are found in two stages:

1. *Screening*: squared distances are approximated with the BLAS-friendly
   expansion ``|q|^2 + |r|^2 - 2 q.r`` block by block, in the input's own
   precision (float32 stays float32), keeping ``m >= k`` candidates per query
   row. Memory is bounded by ``working_memory`` whatever the number of rows:
   one block of distances, never the full matrix. In low dimension a
   :class:`scipy.spatial.cKDTree` produces the candidates instead.
2. *Refinement and certification*: the candidates' distances are recomputed
   in float64 from the coordinate differences (no cancellation), ordered by
   ``(distance, index)``, and the result is certified against a rigorous bound
   on the screening error. Rows that cannot be certified (near ties, heavy
   duplication) are screened again with more candidates until they are.

So the neighbours returned are the exact ``k`` nearest, ties broken towards
the lower reference index, and they do not depend on how many threads BLAS
used for the screening.

Nor do they depend on the unit of the data. float32 squared norms overflow
above ``|x| ~ 1.8e19`` and lose their accuracy below ``~1e-19``, so float32
data beyond ``_FLOAT32_SCREENING_SQ`` (read from the squared norms, which the
screening computes anyway) are screened in float64; float64 data beyond
``_FLOAT64_MAGNITUDE`` (about 1e-120 to 1e120) are searched on a copy scaled
by a power of two, which is exact, and the distances scaled back.

Distance ties
-------------
On discrete data (binary, one-hot or integer features, duplicated rows)
several reference rows often lie exactly at the ``k``-th distance. Which of
them the lower-index rule returns depends on the order of the rows, which
carries no information, so every decision of the samplers and diagnostics is
taken on the *tie-inclusive* neighbourhood instead: the ``k`` nearest rows
plus every row whose float64 distance equals the ``k``-th one, as R's
``class::knn`` includes every tie for the ``k``-th neighbour in its vote.
``kneighbors(..., ties="include")`` returns it, and :meth:`NeighborsIndex.label_counts`
counts its labels without holding it. Both come at no extra cost: a row is
certified only when every unscreened row is *strictly* farther than its
``k``-th candidate, so all rows tied with the ``k``-th are already among the
candidates (rows whose candidates end on a tie are screened again with more
candidates, as for any near tie). On data without ties the tie-inclusive
neighbourhood is the ``k`` nearest rows.

Two rows tie when their refined float64 squared distances are equal; these
are computed from the coordinate differences, the same way for every pair,
so a tie does not depend on where a row sits in the data.

Devices
-------
``NeighborsIndex(...)`` follows :func:`imbestimators.set_config`: under
``device="cuda"``, ``"cuda:N"``, ``"cpu-torch"`` (or ``"auto"`` with a GPU) it
builds a :class:`~imbestimators.utils._neighbors_torch.TorchNeighborsIndex`,
which screens on the torch device and inherits everything else (refinement,
certification, tie rules), so the answer is the same on every device. Sparse
data, a custom ``estimator`` and the KD-tree stay with NumPy. The cleaning
rules' witness and pivot scans (``imbestimators/under_sampling/_neighbourhoods.py``)
compute their own blocked products with NumPy and stay on the CPU under every
setting; their neighbour queries go through this engine.
"""

import copy
import functools
import math
import numbers
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree
from sklearn.base import clone
from threadpoolctl import ThreadpoolController

from imbestimators._config import get_config

__all__ = ["NeighborsIndex", "kneighbors"]

#: default bound on the temporary memory of one screening block, in bytes
WORKING_MEMORY = 256 * 2**20

# cKDTree beats BLAS screening only in low dimension: on make_classification
# data, 5k queries against 200k rows took 0.5 s (tree) vs 1.2 s (brute) with 8
# features, but 2.8 s vs 1.3 s with 12 (python benchmarks/bench_neighbors.py)
_KDTREE_MAX_FEATURES = 10
_KDTREE_MIN_REFERENCE = 512

# extra candidates screened beyond k, so that near ties rarely need a second pass
_MIN_EXTRA_CANDIDATES = 4

# columns screened by a full selection before the cheaper threshold filter starts
_SEED_COLUMNS = 512
# up to this many neighbours, selection by repeated argmin beats argpartition
_MAX_ARGMIN_PASSES = 16
# from this many columns, few-neighbour selection goes through group minima
_MIN_GROUPED_COLUMNS = 4096
# float32 screening only where its products neither overflow nor lose accuracy
# to underflow: the largest squared row norm between 2**-60 and 2**100 (|x|
# from about 1e-9 to 1e15); other float32 data are screened in float64. The
# neighbours are exact either way: out of this range the error bound would
# not hold (float32 |x|^2 overflows above |x| ~ 1.8e19, underflows below 1e-19)
_FLOAT32_SCREENING_SQ = (2.0**-60, 2.0**100)
# float64 squared distances neither overflow nor lose accuracy to underflow
# while |x| stays between 2**-400 and 2**400 (about 1e-120 and 1e120): always
# for float32 data; float64 data beyond are searched scaled by a power of two,
# which is exact, so the neighbours do not depend on the unit of the data
_FLOAT64_MAGNITUDE = (2.0**-400, 2.0**400)
# float64 differences refined per block, in bytes
_REFINE_BLOCK_BYTES = 2**21
# temporaries per (query row, candidate) of a pass (indices, float64 distances,
# sort order and screening values), which bound the rows screened together
_BYTES_PER_CANDIDATE = 64
# screening block: small enough to stay in cache, large enough for BLAS efficiency
_BLOCK_ROWS = 512
_BLOCK_COLUMNS = 4096
# distances (query rows x reference rows) of the first, seeding product of a
# block of query rows: 16 MB of float32
_SEED_ENTRIES = 2**22


class NeighborsIndex:
    """Exact k-nearest-neighbour queries against a fixed set of reference rows.

    Parameters
    ----------
    reference : {ndarray, sparse matrix} of shape (n_reference, n_features)
        Rows among which neighbours are searched. Floating dtype; it is not
        copied and never modified.
    algorithm : {"auto", "brute", "kd_tree"}, default="auto"
        ``"brute"`` screens with blocked matrix products, ``"kd_tree"`` with a
        :class:`scipy.spatial.cKDTree` (dense only). ``"auto"`` takes the tree
        in low dimension and brute force otherwise.
    estimator : object with ``fit`` and ``kneighbors``, default=None
        A scikit-learn style neighbours estimator (e.g.
        :class:`~sklearn.neighbors.NearestNeighbors` with a custom metric). It
        is cloned and fitted on ``reference`` and answers every query instead
        of the built-in engine; the exactness and tie guarantees are then its
        own.
    working_memory : int, default=None
        Bound, in bytes, on the temporary distance blocks. ``None`` means
        256 MiB.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.utils import NeighborsIndex
    >>> X = np.array([[0.0], [1.0], [3.0], [4.0]])
    >>> index = NeighborsIndex(X)
    >>> index.kneighbors(1)  # each row's nearest other row
    array([[1],
           [0],
           [3],
           [2]])
    >>> dist, ind = index.kneighbors(2, query=np.array([[2.0]]), return_distance=True)
    >>> ind, dist
    (array([[1, 2]]), array([[1., 1.]]))
    """

    def __new__(cls, *args, **kwargs):
        # set_config(device=...) moves the screening to torch (issue 14), so
        # that every sampler and diagnostic follows it with no change of its
        # own; "cpu", the default, keeps this NumPy engine. Without arguments
        # (unpickling, copy) the class is the one recorded, whatever the config.
        restoring = not (args or kwargs)
        if cls is NeighborsIndex and not restoring and get_config()["device"] != "cpu":
            # imported here: torch (and that module) load only when asked
            from imbestimators.utils._neighbors_torch import TorchNeighborsIndex

            cls = TorchNeighborsIndex
        return super().__new__(cls)

    def __init__(
        self, reference, *, algorithm="auto", estimator=None, working_memory=None
    ):
        self.reference = reference
        self.n_reference, self.n_features = reference.shape
        self.working_memory = working_memory or WORKING_MEMORY
        self.is_sparse = sparse.issparse(reference)
        self.estimator = None
        self.algorithm = self._resolve_algorithm(algorithm, estimator)
        if self.algorithm == "estimator":
            self.estimator = clone(estimator).fit(reference)
        self._index_reference()

    def _index_reference(self):
        """Build the search structure of ``self.reference``: a KD-tree, or the
        squared row norms of the screening."""
        self._magnitude = None  # largest |value|, computed when needed
        self._rescaled_indexes = {}
        self.__dict__.pop("_ref_sq_norms", None)
        if self.algorithm == "kd_tree":
            self._tree = cKDTree(np.asarray(self.reference, dtype=np.float64))
        elif self.algorithm == "brute":
            self._ref_sq_norms = _row_sq_norms(self.reference)

    def _rescaling(self, query):
        """The power of two by which ``reference`` and ``query`` are searched.

        0, with no pass over the data, unless one of them is float64: then 0
        if their magnitude is within ``_FLOAT64_MAGNITUDE``, else the exponent
        that brings it near 1. A user estimator is never rescaled.
        """
        if self.algorithm == "estimator":
            return 0
        if self.reference.dtype != np.float64 and query.dtype != np.float64:
            return 0
        if self._magnitude is None:
            self._magnitude = _magnitude(self.reference)
        query_magnitude = 0.0 if query is self.reference else _magnitude(query)
        return _range_exponent(max(self._magnitude, query_magnitude))

    def _rescaled(self, exponent):
        """This index on ``reference * 2**exponent`` (built once): the same
        neighbours, since scaling by a power of two is exact."""
        if exponent not in self._rescaled_indexes:
            index = copy.copy(self)
            # float64: a float32 reference would underflow (this happens only
            # for a float64 query of extreme magnitude, searched in float64)
            index.reference = _ldexp(
                self.reference.astype(np.float64, copy=False), exponent
            )
            index._index_reference()
            self._rescaled_indexes[exponent] = index
        return self._rescaled_indexes[exponent]

    def _resolve_algorithm(self, algorithm, estimator):
        if estimator is not None:
            return "estimator"
        if algorithm not in ("auto", "brute", "kd_tree"):
            raise ValueError(
                f"algorithm must be 'auto', 'brute' or 'kd_tree'; got {algorithm!r}."
            )
        if algorithm == "kd_tree" and self.is_sparse:
            raise ValueError("algorithm='kd_tree' does not accept sparse reference.")
        if algorithm != "auto":
            return algorithm
        low_dim = self.n_features <= _KDTREE_MAX_FEATURES
        big = self.n_reference >= _KDTREE_MIN_REFERENCE
        return "kd_tree" if (low_dim and big and not self.is_sparse) else "brute"

    def kneighbors(
        self,
        n_neighbors,
        query=None,
        *,
        exclude=None,
        largest=False,
        return_distance=False,
        ties="lower_index",
    ):
        """Find the ``n_neighbors`` nearest (or farthest) reference rows.

        Parameters
        ----------
        n_neighbors : int
            Number of neighbours per query row.
        query : {ndarray, sparse matrix} of shape (n_query, n_features), \
                default=None
            Query rows. ``None`` queries the reference rows themselves and
            excludes each row from its own neighbours (by index, so an exact
            duplicate of a row is still its neighbour).
        exclude : array-like of int of shape (n_query,), default=None
            For each query row, one reference index that may not be returned
            (typically the query row's own position in the reference), or -1.
        largest : bool, default=False
            Return the farthest rows instead of the nearest (brute force only).
        return_distance : bool, default=False
            Also return the Euclidean distances.
        ties : {"lower_index", "include"}, default="lower_index"
            ``"lower_index"``: exactly ``n_neighbors`` rows, ties at the
            ``n_neighbors``-th distance broken towards the lower index.
            ``"include"``: the ``n_neighbors`` rows plus every row at exactly
            the ``n_neighbors``-th distance (the tie-inclusive neighbourhood,
            which does not depend on the order of the reference rows), padded
            to the widest row. Its memory grows with the largest tie group:
            use :meth:`label_counts` when only the labels are needed.

        Returns
        -------
        distances : ndarray of shape (n_query, width)
            Only when ``return_distance=True``; float64, padded with ``inf``.
        indices : ndarray of shape (n_query, width)
            Reference row indices ordered by distance, ties towards the lower
            index, padded with -1 after each row's neighbourhood.
            ``width`` is ``n_neighbors`` unless ``ties="include"``: then it
            is the size of the largest neighbourhood, and
            ``(indices >= 0).sum(axis=1)`` gives each row's size.
        """
        if ties not in ("lower_index", "include"):
            raise ValueError(f"ties must be 'lower_index' or 'include'; got {ties!r}.")
        query, exclude = self._check_query(n_neighbors, query, exclude)
        exponent = self._rescaling(query)
        if exponent:
            dist, ind = self._rescaled(exponent).kneighbors(
                n_neighbors,
                _ldexp(query, exponent),
                exclude=exclude,
                largest=largest,
                return_distance=True,
                ties=ties,
            )
            return (np.ldexp(dist, -exponent), ind) if return_distance else ind
        if ties == "include":
            dist, ind = self._tie_inclusive(query, n_neighbors, exclude, largest)
        elif self.algorithm == "estimator":
            dist, ind = self._query_estimator(query, n_neighbors, exclude, largest)
        else:
            dist, ind = self._query_exact(query, n_neighbors, exclude, largest)
        return (dist, ind) if return_distance else ind

    def label_counts(
        self, n_neighbors, labels, query=None, *, exclude=None, n_labels=None
    ):
        """Count the labels of each query row's tie-inclusive neighbourhood.

        The neighbourhood is the ``n_neighbors`` nearest reference rows plus
        every row at exactly the ``n_neighbors``-th distance, as with
        ``kneighbors(..., ties="include")``, but it is never held whole: the
        memory stays bounded by ``working_memory`` however large the tie
        groups (duplicated rows). A row's counts do not depend on the order
        of the reference rows.

        Parameters
        ----------
        n_neighbors : int
            Number of neighbours per query row (before ties are added).
        labels : array-like of int or bool of shape (n_reference,)
            Label code, from 0 to ``n_labels - 1``, of each reference row
            (booleans count as 0 and 1).
        query : {ndarray, sparse matrix} of shape (n_query, n_features), \
                default=None
            Query rows; ``None`` queries the reference rows, each excluded
            from its own neighbourhood.
        exclude : array-like of int of shape (n_query,), default=None
            For each query row, one reference index left out, or -1.
        n_labels : int, default=None
            Number of label codes (columns of the result); ``None`` means
            ``labels.max() + 1``.

        Returns
        -------
        counts : ndarray of shape (n_query, n_labels)
            ``counts[i, c]``: rows of label ``c`` in row ``i``'s neighbourhood;
            each row sums to at least ``n_neighbors``.

        Examples
        --------
        >>> import numpy as np
        >>> from imbestimators.utils import NeighborsIndex
        >>> X = np.array([[0.0], [1.0], [-1.0], [5.0]])
        >>> labels = np.array([0, 0, 1, 1])
        >>> # rows 1 and 2 are both at distance 1 from row 0: both count
        >>> NeighborsIndex(X).label_counts(1, labels, X[:1], exclude=[0])
        array([[1, 1]])
        """
        labels = np.asarray(labels)
        if labels.shape != (self.n_reference,) or labels.dtype.kind not in "biu":
            raise ValueError(
                f"labels must be integer codes of shape ({self.n_reference},), "
                f"one per reference row; got {labels.dtype} of shape "
                f"{labels.shape}."
            )
        labels = labels.astype(np.intp, copy=False)
        largest = int(labels.max(initial=-1))
        if n_labels is None:
            n_labels = largest + 1
        if labels.min(initial=0) < 0 or largest >= n_labels:
            raise ValueError(
                f"labels must be codes from 0 to n_labels - 1 = {n_labels - 1}; "
                f"got codes from {labels.min()} to {largest}."
            )
        query, exclude = self._check_query(n_neighbors, query, exclude)
        exponent = self._rescaling(query)
        if exponent:
            return self._rescaled(exponent).label_counts(
                n_neighbors,
                labels,
                _ldexp(query, exponent),
                exclude=exclude,
                n_labels=n_labels,
            )
        n_query = query.shape[0]
        flat = np.zeros(n_query * n_labels, dtype=np.intp)
        for rows, _, ind, size in self._tie_groups(query, n_neighbors, exclude):
            member = np.arange(ind.shape[1]) < size[:, None]
            keys = np.repeat(rows * n_labels, size) + labels[ind[member]]
            flat += np.bincount(keys, minlength=flat.size)
        return flat.reshape(n_query, n_labels)

    def _check_query(self, n_neighbors, query, exclude):
        if query is None:
            query = self.reference
            if exclude is None:
                exclude = np.arange(self.n_reference)
        exclude = self._check_exclude(exclude, query.shape[0])
        self._check_n_neighbors(n_neighbors, exclude)
        return query, exclude

    def _tie_inclusive(self, query, k, exclude, largest):
        """Padded tie-inclusive neighbourhoods (see ``kneighbors``)."""
        n_query = query.shape[0]
        groups = list(self._tie_groups(query, k, exclude, largest))
        width = max(
            (int(size.max()) for _, _, _, size in groups if size.size), default=k
        )
        out_sq = np.full((n_query, width), np.inf)
        out_ind = np.full((n_query, width), -1, dtype=np.intp)
        for rows, sq, ind, size in groups:
            member = np.arange(sq.shape[1]) < size[:, None]
            n = min(width, sq.shape[1])
            out_sq[rows, :n] = np.where(member, sq, np.inf)[:, :n]
            out_ind[rows, :n] = np.where(member, ind, -1)[:, :n]
        if self.algorithm == "estimator":
            return out_sq, out_ind  # already the estimator's distances
        return np.sqrt(out_sq), out_ind

    def _tie_groups(self, query, k, exclude, largest=False):
        """Yield ``(rows, sq_dist, ind, size)`` for groups of query rows.

        ``sq_dist`` and ``ind`` hold, per row, its sorted candidates, of which
        the first ``size`` are its tie-inclusive neighbourhood (squared
        distances; Euclidean ones with a user estimator).
        """
        passes = (
            self._estimator_passes
            if self.algorithm == "estimator"
            else self._certified_passes
        )
        groups = _passes_by_exclusion(passes, query, k, exclude, largest)
        sign = -1.0 if largest else 1.0
        for rows, sq, ind in groups:
            signed = sign * sq
            size = np.count_nonzero(signed <= signed[:, k - 1 : k], axis=1)
            yield rows, sq, ind, size

    def nearest_distance_bound(self, query):
        """A lower bound on each query row's distance to its nearest reference row.

        Much cheaper than ``kneighbors(1, query)`` with the brute-force
        engine: one matrix product and one row minimum per block, no
        selection and no float64 refinement. Callers use it to skip the rows
        whose exact neighbours cannot matter (e.g. NearMiss keeps only the
        rows closest to the minority).

        Parameters
        ----------
        query : {ndarray, sparse matrix} of shape (n_query, n_features)
            Query rows.

        Returns
        -------
        bound : ndarray of shape (n_query,)
            float64 values, at most the exact Euclidean distance to the
            nearest reference row.
        """
        if self.algorithm == "estimator":
            return self.estimator.kneighbors(query, n_neighbors=1)[0][:, 0]
        exponent = self._rescaling(query)
        if exponent:
            bound = self._rescaled(exponent).nearest_distance_bound(
                _ldexp(query, exponent)
            )
            return np.ldexp(bound, -exponent)
        if self.algorithm == "kd_tree":
            dense = np.asarray(query, dtype=np.float64)
            dist, _ = self._tree.query(dense, k=1, workers=-1)
            # tree distances carry a few ulps of error
            return np.reshape(dist, -1) * (1 - 64 * np.finfo(np.float64).eps)
        q_sq_norms = _row_sq_norms(query)
        dtype = self._screening_dtype(query, q_sq_norms)
        n_query = query.shape[0]
        blocks = [
            slice(start, min(start + _BLOCK_ROWS, n_query))
            for start in range(0, n_query, _BLOCK_ROWS)
        ]

        def block_minimum(rows):
            query_aug = _augment_query(query[rows], dtype)
            best = np.full(query_aug.shape[0], np.inf)
            for first in range(0, self.n_reference, _BLOCK_COLUMNS):
                last = min(first + _BLOCK_COLUMNS, self.n_reference)
                dist = self._shifted_sq_distances(query_aug, first, last, 1.0, dtype)
                np.minimum(best, dist.min(axis=1), out=best)
            return best

        shifted = np.empty(n_query, dtype=np.float64)
        for rows, minimum in zip(blocks, _map_threads(block_minimum, blocks)):
            shifted[rows] = minimum
        sq_bound = shifted + q_sq_norms - self._screening_error(q_sq_norms, dtype)
        return np.sqrt(np.maximum(sq_bound, 0.0))

    def _check_exclude(self, exclude, n_query):
        if exclude is None:
            return None
        exclude = np.asarray(exclude, dtype=np.intp)
        if exclude.shape != (n_query,):
            raise ValueError(
                f"exclude must have shape ({n_query},), one index per query row; "
                f"got shape {exclude.shape}."
            )
        return exclude

    def _check_n_neighbors(self, n_neighbors, exclude):
        if not isinstance(n_neighbors, numbers.Integral) or n_neighbors < 1:
            raise ValueError(
                f"n_neighbors must be an integer >= 1; got {n_neighbors!r}."
            )
        available = self.n_reference - int(exclude is not None and np.any(exclude >= 0))
        if n_neighbors > available:
            raise ValueError(
                f"n_neighbors={n_neighbors} neighbours were requested among "
                f"{available} candidate reference rows."
            )

    # -- built-in exact engine ------------------------------------------------
    def _query_exact(self, query, k, exclude, largest):
        n_query = query.shape[0]
        out_sq = np.empty((n_query, k), dtype=np.float64)
        out_ind = np.empty((n_query, k), dtype=np.intp)
        passes = _passes_by_exclusion(
            self._certified_passes, query, k, exclude, largest
        )
        for rows, sq_dist, ind in passes:
            out_sq[rows] = sq_dist[:, :k]
            out_ind[rows] = ind[:, :k]
        return np.sqrt(out_sq), out_ind

    def _certified_passes(self, query, k, exclude, largest):
        """Yield ``(rows, sq_dist, ind)``: certified candidates of query rows.

        Each pass screens the pending rows for ``m`` candidates, refines them
        and keeps the rows whose ``k``-th candidate is *strictly* closer than
        a lower bound on every row not screened (farther, with
        ``largest``): their first ``k`` candidates are the exact ``k``
        nearest, and every row tied with the ``k``-th is among the
        candidates. The others are screened again with four times as many
        candidates. Rows come back sorted by (distance, index).
        """
        if largest and self.algorithm == "kd_tree":
            # a KD-tree cannot search for the farthest rows: screen by brute force
            self._ref_sq_norms = _row_sq_norms(self.reference)
            screen = self._screen_brute
        else:
            screen = (
                self._screen_tree if self.algorithm == "kd_tree" else self._screen_brute
            )
        q_sq_norms = _row_sq_norms(query)
        sign = -1.0 if largest else 1.0
        n_available = self.n_reference - int(
            exclude is not None and np.any(exclude >= 0)
        )
        n_candidates = min(n_available, k + _MIN_EXTRA_CANDIDATES)
        pending = np.arange(query.shape[0])
        while pending.size:
            # big tie groups (duplicated rows) need many candidates: bound the
            # (rows x candidates) arrays of a pass by the working memory
            step = max(1, self.working_memory // (_BYTES_PER_CANDIDATE * n_candidates))
            retry = []
            for start in range(0, pending.size, step):
                part = pending[start : start + step]
                candidates, bound = screen(
                    query[part],
                    q_sq_norms[part],
                    n_candidates,
                    None if exclude is None else exclude[part],
                    sign,
                )
                sq_dist, ind = self._refine(query[part], candidates, sign)
                done = (n_candidates >= n_available) | (
                    sign * sq_dist[:, k - 1] < bound
                )
                yield part[done], sq_dist[done], ind[done]
                retry.append(part[~done])
            pending = np.concatenate(retry)
            n_candidates = min(n_available, 4 * n_candidates)

    def _screen_brute(self, query, q_sq_norms, m, exclude, sign):
        """Keep, per query row, the ``m`` smallest approximate signed distances.

        Returns the candidate indices and, per row, a lower bound on the exact
        signed squared distance of every reference row that was not kept.
        """
        n_query = query.shape[0]
        dtype = self._screening_dtype(query, q_sq_norms)
        n_rows = max(1, min(_BLOCK_ROWS, self.working_memory // (_BLOCK_COLUMNS * 16)))
        blocks = [
            slice(start, min(start + n_rows, n_query))
            for start in range(0, n_query, n_rows)
        ]

        def screen(rows):
            block_excl = None if exclude is None else exclude[rows]
            return self._screen_block(query[rows], m, block_excl, sign, dtype)

        candidates = np.empty((n_query, m), dtype=np.intp)
        kept_max = np.empty(n_query, dtype=np.float64)
        for rows, (cand, vals) in zip(blocks, _map_threads(screen, blocks)):
            candidates[rows] = cand
            kept_max[rows] = vals.max(axis=1)
        # values were screened without the |q|^2 term (constant along a row)
        kept_max += sign * q_sq_norms
        return candidates, kept_max - self._screening_error(q_sq_norms, dtype)

    def _screening_dtype(self, query, q_sq_norms):
        """float32 when both are float32 and within ``_FLOAT32_SCREENING_SQ``
        (from the squared norms already computed: no pass over the data),
        else float64."""
        max_sq = max(
            self._ref_sq_norms.max(initial=0.0), np.max(q_sq_norms, initial=0.0)
        )
        return screening_dtype(_float_dtype(self.reference, query), max_sq)

    def _screening_error(self, q_sq_norms, dtype):
        # Rounding error of |q|^2 + |r|^2 - 2 q.r: each term carries at most
        # about n_features units in the last place of |q|^2 + |r|^2 (Higham,
        # Accuracy and Stability of Numerical Algorithms, ch. 3); doubled for
        # safety and taken at the largest reference norm.
        unit = np.finfo(dtype).eps
        scale = q_sq_norms + self._ref_sq_norms.max(initial=0.0)
        return (2 * self.n_features + 8) * unit * scale

    def _screen_block(self, query, m, exclude, sign, dtype):
        """Screen one block of query rows against every reference row.

        A small reference is screened in one product and one selection. A
        large one is seeded with a first, wide block of columns; after that
        only the entries of a block below their row's current m-th best are
        merged, so most blocks cost one matrix product and one row minimum.
        """
        query_aug = _augment_query(query, dtype)
        n_rows = query_aug.shape[0]
        # a wide seed gives a tight threshold: each row then improves about
        # m * log(n_reference / seed_end) times in the later blocks
        seed_entries = min(_SEED_ENTRIES, self.working_memory // 16)
        seed_end = max(_SEED_COLUMNS, 8 * m, seed_entries // n_rows)
        if self.n_reference <= seed_end + _BLOCK_COLUMNS:
            # a small reference (SMOTE within a class, NearMiss against the
            # minority): one product and one selection
            seed_end = self.n_reference
        dist = self._shifted_sq_distances(query_aug, 0, seed_end, sign, dtype)
        if exclude is not None:
            _mask_excluded(dist, exclude, 0, seed_end)
        best_val, best_ind = _smallest_per_row(dist, m)
        if seed_end == self.n_reference:
            return best_ind, best_val
        buffer = np.empty((n_rows, _BLOCK_COLUMNS), dtype=dtype)
        for first in range(seed_end, self.n_reference, _BLOCK_COLUMNS):
            last = min(first + _BLOCK_COLUMNS, self.n_reference)
            dist = self._shifted_sq_distances(
                query_aug, first, last, sign, dtype, out=buffer[:, : last - first]
            )
            if exclude is not None:
                _mask_excluded(dist, exclude, first, last)
            _merge_below_threshold(best_val, best_ind, dist, first)
        return best_ind, best_val

    def _shifted_sq_distances(self, query_aug, first, last, sign, dtype, out=None):
        """``sign * (|r|^2 - 2 q.r)`` for reference rows ``first:last``.

        The ``|q|^2`` term is constant along a row and left out. For dense data
        one matrix product of the augmented query ``[q, 1]`` with the augmented
        reference ``sign * [-2 r, |r|^2]`` gives the block with no extra pass.
        """
        ref = self.reference[first:last]
        norms = self._ref_sq_norms[first:last]
        if self.is_sparse or sparse.issparse(query_aug):
            query = query_aug[:, :-1]
            prod = query @ ref.T
            prod = prod.toarray() if sparse.issparse(prod) else np.asarray(prod)
            dist = prod.astype(dtype, copy=False)
            dist *= -2
            dist += norms.astype(dtype)[None, :]
            if sign < 0:
                np.negative(dist, out=dist)
            return dist
        ref_aug = np.empty((last - first, self.n_features + 1), dtype=dtype)
        # in the screening dtype: float32 -2 r overflows above |r| ~ 1.7e38
        np.multiply(ref, -2 * sign, out=ref_aug[:, :-1], dtype=dtype)
        ref_aug[:, -1] = sign * norms
        return np.matmul(query_aug, ref_aug.T, out=out)

    def _screen_tree(self, query, q_sq_norms, m, exclude, sign):
        n_extra = 1 + int(exclude is not None)
        n_ask = min(self.n_reference, m + n_extra)
        dense_query = np.asarray(query, dtype=np.float64)
        dist, ind = self._tree.query(dense_query, k=n_ask, workers=-1)
        dist, ind = dist.reshape(len(query), n_ask), ind.reshape(len(query), n_ask)
        if exclude is not None:
            dist, ind = _drop_excluded(dist, ind, exclude)
        candidates = ind[:, :m]
        if ind.shape[1] > m:
            # rows beyond the m candidates are at least this far (tree distances
            # are computed in float64 from the differences: error of a few ulps)
            next_sq = dist[:, m] ** 2
            bound = next_sq * (1 - 64 * np.finfo(np.float64).eps)
        else:
            bound = np.full(len(query), np.inf)
        return candidates, bound

    def _refine(self, query, candidates, sign):
        """Exact float64 squared distances of the candidates, sorted with ties
        broken towards the lower index."""
        if self.is_sparse or sparse.issparse(query):
            sq_dist = self._refine_sparse(query, candidates)
        else:
            sq_dist = _exact_sq_distances(
                np.asarray(query), self.reference, candidates, self.working_memory
            )
        order = np.lexsort((candidates, sign * sq_dist), axis=-1)
        return (
            np.take_along_axis(sq_dist, order, axis=1),
            np.take_along_axis(candidates, order, axis=1),
        )

    def _refine_sparse(self, query, candidates):
        n_query, m = candidates.shape
        query = sparse.csr_matrix(query, dtype=np.float64)
        ref = sparse.csr_matrix(self.reference, dtype=np.float64)
        repeated = query[np.repeat(np.arange(n_query), m)]
        neighbours = ref[candidates.ravel()]
        cross = np.asarray(repeated.multiply(neighbours).sum(axis=1)).ravel()
        sq_dist = (
            _row_sq_norms(repeated).astype(np.float64)
            + _row_sq_norms(neighbours).astype(np.float64)
            - 2 * cross
        )
        return np.maximum(sq_dist, 0).reshape(n_query, m)

    # -- user-provided estimator ---------------------------------------------
    def _query_estimator(self, query, k, exclude, largest):
        if largest:
            raise ValueError("largest=True is not available with a custom estimator.")
        n_ask = k + int(exclude is not None)
        dist, ind = self.estimator.kneighbors(query, n_neighbors=n_ask)
        if exclude is not None:
            dist, ind = _drop_excluded(dist, ind, exclude)
        return np.asarray(dist)[:, :k], np.asarray(ind)[:, :k]

    def _estimator_passes(self, query, k, exclude, largest):
        """Like ``_certified_passes``, with the estimator's distances.

        A row is settled once the farthest row the estimator returned (the
        excluded one still in) lies strictly beyond the ``k``-th: every row
        tied with the ``k``-th was then returned.
        """
        if largest:
            raise ValueError("largest=True is not available with a custom estimator.")
        n_extra = int(exclude is not None)
        n_ask = min(self.n_reference, k + 1 + n_extra)
        pending = np.arange(query.shape[0])
        while pending.size:
            dist, ind = self.estimator.kneighbors(query[pending], n_neighbors=n_ask)
            dist, ind = np.asarray(dist, dtype=np.float64), np.asarray(ind)
            last = dist[:, -1]
            if exclude is not None:
                dist, ind = _drop_excluded(dist, ind, exclude[pending])
            done = (n_ask >= self.n_reference) | (last > dist[:, k - 1])
            yield pending[done], dist[done], ind[done]
            pending = pending[~done]
            n_ask = min(self.n_reference, 2 * n_ask)


def kneighbors(
    reference,
    n_neighbors,
    query=None,
    *,
    exclude=None,
    largest=False,
    return_distance=False,
    ties="lower_index",
    algorithm="auto",
    estimator=None,
    working_memory=None,
):
    """Exact k nearest neighbours of query rows among reference rows.

    A one-shot shortcut for :meth:`NeighborsIndex.kneighbors`; build a
    :class:`NeighborsIndex` to query the same reference several times.

    Parameters
    ----------
    reference : {ndarray, sparse matrix} of shape (n_reference, n_features)
        Rows among which neighbours are searched.
    n_neighbors : int
        Number of neighbours per query row.
    query : {ndarray, sparse matrix} of shape (n_query, n_features), default=None
        ``None`` queries the reference rows, each excluded from its own result.
    exclude : array-like of int of shape (n_query,), default=None
        One reference index per query row that may not be returned, or -1.
    largest : bool, default=False
        Return the farthest rows instead of the nearest.
    return_distance : bool, default=False
        Also return the Euclidean distances.
    ties : {"lower_index", "include"}, default="lower_index"
        Exactly ``n_neighbors`` rows, ties towards the lower index, or the
        tie-inclusive neighbourhood, padded with -1 (see
        :meth:`NeighborsIndex.kneighbors`).
    algorithm : {"auto", "brute", "kd_tree"}, default="auto"
        Screening algorithm, see :class:`NeighborsIndex`.
    estimator : object with ``fit`` and ``kneighbors``, default=None
        A neighbours estimator to use instead of the built-in engine.
    working_memory : int, default=None
        Bound on temporary memory in bytes (256 MiB when ``None``).

    Returns
    -------
    distances : ndarray of shape (n_query, width)
        Only when ``return_distance=True``.
    indices : ndarray of shape (n_query, width)
        Reference row indices, nearest first, ties towards the lower index;
        ``width`` is ``n_neighbors`` unless ``ties="include"``.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.utils import kneighbors
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    >>> kneighbors(X, 1)
    array([[1],
           [0],
           [1]])
    """
    index = NeighborsIndex(
        reference,
        algorithm=algorithm,
        estimator=estimator,
        working_memory=working_memory,
    )
    return index.kneighbors(
        n_neighbors,
        query,
        exclude=exclude,
        largest=largest,
        return_distance=return_distance,
        ties=ties,
    )


def _passes_by_exclusion(passes, query, k, exclude, largest):
    """``passes(query, k, exclude, largest)``, run apart on the rows that
    exclude an index and on those that exclude none.

    The two kinds have ``n_reference - 1`` and ``n_reference`` rows to choose
    from: a pass's candidate count, shared by its rows, cannot end at both, and
    a row ending short of all its rows is wrongly taken as complete (k close
    to ``n_reference``: a row excluding none then lost a tied row).
    """
    if exclude is None:
        yield from passes(query, k, None, largest)
        return
    excludes = exclude >= 0
    for rows in (np.flatnonzero(excludes), np.flatnonzero(~excludes)):
        if not rows.size:
            continue
        # one kind only (the usual case): no copy of the query
        group = query if rows.size == exclude.size else query[rows]
        group_exclude = exclude[rows] if excludes[rows[0]] else None
        for part, sq_dist, ind in passes(group, k, group_exclude, largest):
            yield rows[part], sq_dist, ind


def _map_threads(func, items):
    """``map(func, items)`` on one thread per core, with single-threaded BLAS.

    The screening blocks are small matrix products: a multi-threaded BLAS
    synchronises inside each one, which costs more than the product when
    another process holds a core (measured: 10x slower under load). Threads
    over independent blocks, each with a sequential BLAS, scale instead. The
    result does not depend on the schedule: every block is certified exactly.
    """
    n_workers = min(len(items), _n_cores())
    if n_workers <= 1:
        return [func(item) for item in items]
    with (
        _blas_controller().limit(limits=1, user_api="blas"),
        ThreadPoolExecutor(max_workers=n_workers) as pool,
    ):
        return list(pool.map(func, items))


@functools.cache
def _blas_controller():
    # finding the loaded libraries reads /proc/self/maps: about 4 ms, once
    # per process instead of once per query
    return ThreadpoolController()


def _n_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _float_dtype(*arrays):
    if all(a.dtype == np.float32 for a in arrays):
        return np.float32
    return np.float64


def screening_dtype(dtype, max_sq):
    """The precision of a screening product of ``dtype`` data whose largest
    squared row norm is ``max_sq``: ``dtype``, but float64 for float32 data
    outside ``_FLOAT32_SCREENING_SQ``, where float32 products would overflow
    or lose their accuracy to underflow."""
    if dtype != np.float32:
        return np.float64
    low, high = _FLOAT32_SCREENING_SQ
    return np.float32 if max_sq == 0 or low <= max_sq <= high else np.float64


def _magnitude(X):
    """The largest absolute value of ``X`` (dense or sparse), without a copy."""
    if min(X.shape, default=0) == 0:
        return 0.0
    return float(max(X.max(), -X.min()))


def _range_exponent(magnitude):
    """0 when float64 distances of data of this magnitude are safe (see
    ``_FLOAT64_MAGNITUDE``), else ``e`` such that ``magnitude * 2**e`` lies in
    ``[0.5, 1)``."""
    low, high = _FLOAT64_MAGNITUDE
    if magnitude == 0 or low <= magnitude <= high or not np.isfinite(magnitude):
        return 0
    return -math.frexp(magnitude)[1]


def _ldexp(X, exponent):
    """``X * 2**exponent`` in X's dtype and format: exact in binary floating
    point, away from overflow and underflow."""
    if sparse.issparse(X):
        X = X.copy()
        X.data = np.ldexp(X.data, exponent)
        return X
    return np.ldexp(X, exponent)


def scaled_to_safe_range(X):
    """``X``, or ``X`` scaled by a power of two when its float64 squared
    distances could overflow or underflow (see ``_FLOAT64_MAGNITUDE``).

    For callers that compare distances themselves (the cleaning rules'
    witness scans): rows and their order of distance are unchanged. Float32
    data are returned as they are, with no pass over them.
    """
    if X.dtype != np.float64:
        return X
    exponent = _range_exponent(_magnitude(X))
    return _ldexp(X, exponent) if exponent else X


def _row_sq_norms(X):
    if sparse.issparse(X):
        X = sparse.csr_matrix(X)
        return np.asarray(X.multiply(X).sum(axis=1), dtype=np.float64).ravel()
    X = np.asarray(X)
    # float64 accumulation: the norms enter every distance of the row
    return np.einsum("ij,ij->i", X, X, dtype=np.float64)


def _mask_excluded(dist, exclude, first, last):
    rows = np.flatnonzero((exclude >= first) & (exclude < last))
    dist[rows, exclude[rows] - first] = np.inf


def _smallest_per_row(dist, m):
    """The ``m`` smallest values of each row (unordered) and their columns."""
    if dist.shape[1] <= m:
        ind = np.broadcast_to(np.arange(dist.shape[1]), dist.shape).copy()
        return dist, ind
    if m <= _MAX_ARGMIN_PASSES:
        if dist.shape[1] >= _MIN_GROUPED_COLUMNS:
            return _smallest_by_groups(dist, m)
        return _smallest_by_argmin(dist, m)
    ind = np.argpartition(dist, m - 1, axis=1)[:, :m]
    return np.take_along_axis(dist, ind, axis=1), ind


def _smallest_by_groups(dist, m):
    """Select among the columns of the ``m`` groups with the smallest minima.

    The columns are split into strided groups ``j, j + G, j + 2G, ...``; the
    ``m`` smallest values of a row lie in groups whose minimum is at most the
    m-th smallest group minimum, and the ``m`` groups with the smallest minima
    hold at least ``m`` values below it. So the answer is the ``m`` smallest
    values of those groups: one pass of element-wise minima over the block,
    then selections over ``G`` group minima and ``m`` groups. On 512 x 10000
    float32 blocks with m = 9: 0.9 ns per entry against 1.9 for ``m`` argmin
    passes over the whole block.
    """
    n_rows, n_cols = dist.shape
    group_size = max(2, int(np.sqrt(n_cols / m)))
    n_groups = n_cols // group_size
    n_main = n_groups * group_size
    group_min = dist[:, :n_main].reshape(n_rows, group_size, n_groups).min(axis=1)
    n_tail = n_cols - n_main
    if n_tail:
        # the first groups take one more column each
        np.minimum(group_min[:, :n_tail], dist[:, n_main:], out=group_min[:, :n_tail])
    _, groups = _smallest_by_argmin(group_min, m)
    cols = (groups[:, :, None] + n_groups * np.arange(group_size + 1)).reshape(
        n_rows, -1
    )
    beyond = cols >= n_cols
    cols[beyond] = 0
    values = np.take_along_axis(dist, cols, axis=1)
    values[beyond] = np.inf
    val, pick = _smallest_by_argmin(values, m)
    return val, np.take_along_axis(cols, pick, axis=1)


def _smallest_by_argmin(dist, m):
    """``m`` passes of a row argmin, each removing the minimum found.

    For a few neighbours this is about ten times faster than ``argpartition``
    (measured on 512 x 1000 float32 blocks, m = 7: 0.6 ms against 6 ms).
    """
    dist = dist.copy()
    rows = np.arange(dist.shape[0])
    val = np.empty((dist.shape[0], m), dtype=dist.dtype)
    ind = np.empty((dist.shape[0], m), dtype=np.intp)
    for j in range(m):
        cols = dist.argmin(axis=1)
        ind[:, j] = cols
        val[:, j] = dist[rows, cols]
        dist[rows, cols] = np.inf
    return val, ind


def _merge_below_threshold(best_val, best_ind, dist, first):
    """Merge, in place, the entries of ``dist`` below each row's m-th best.

    After a wide seed such entries are few (about ``m * log(n / seed)`` per
    row over all later blocks): a row minimum (an argmin and a gather: as
    fast as ``min`` on 4096-column blocks, twice as fast on 1024-column ones)
    finds the rows that hold any, and those rows merge their entries below
    the threshold with their current best in one sort.
    """
    threshold = best_val.max(axis=1)
    row_min = dist[np.arange(dist.shape[0]), dist.argmin(axis=1)]
    rows = np.flatnonzero(row_min < threshold)
    if not rows.size:
        return
    block = dist[rows]
    # flat positions: a 1-d nonzero is several times faster than a 2-d one,
    # and lists the entries row by row
    below = np.flatnonzero(block < threshold[rows, None])
    below_rows, below_cols = np.divmod(below, block.shape[1])
    n_new = np.bincount(below_rows, minlength=rows.size)
    m = best_val.shape[1]
    positions = np.arange(rows.size)
    group = np.concatenate((np.repeat(positions, m), below_rows))
    values = np.concatenate((best_val[rows].ravel(), block[below_rows, below_cols]))
    columns = np.concatenate((best_ind[rows].ravel(), below_cols + first))
    order = np.lexsort((values, group))
    sizes = m + n_new
    starts = np.cumsum(sizes) - sizes
    keep = order[(starts[:, None] + np.arange(m)).ravel()]
    best_val[rows] = values[keep].reshape(rows.size, m)
    best_ind[rows] = columns[keep].reshape(rows.size, m)


def _augment_query(query, dtype):
    """``[q, 1]``: with the augmented reference, one product gives |r|^2 - 2 q.r."""
    if sparse.issparse(query):
        ones = sparse.csr_matrix(np.ones((query.shape[0], 1), dtype=dtype))
        return sparse.hstack([query, ones], format="csr")
    query_aug = np.empty((query.shape[0], query.shape[1] + 1), dtype=dtype)
    query_aug[:, :-1] = query
    query_aug[:, -1] = 1
    return query_aug


def _drop_excluded(dist, ind, exclude):
    """Remove each row's excluded index, or its last column when absent."""
    drop = ind == exclude[:, None]
    missing = ~drop.any(axis=1)
    drop[missing, -1] = True
    keep = ~drop
    n_rows, n_cols = ind.shape
    return dist[keep].reshape(n_rows, n_cols - 1), ind[keep].reshape(n_rows, n_cols - 1)


def _exact_sq_distances(query, reference, candidates, working_memory):
    """Squared distances from the coordinate differences, in float64."""
    n_query, m = candidates.shape
    n_features = query.shape[1]
    out = np.empty((n_query, m), dtype=np.float64)
    # blocks of about 2 MB of float64 differences stay in cache: measured 10x
    # faster than blocks filling the working memory (99k rows x 7 candidates,
    # d = 30: 0.05 s against 0.53 s)
    block_bytes = min(working_memory, _REFINE_BLOCK_BYTES)
    rows_per_block = max(1, int(block_bytes // (8 * m * max(n_features, 1))))

    def refine_block(start):
        stop = min(start + rows_per_block, n_query)
        diff = np.subtract(
            reference[candidates[start:stop]],
            query[start:stop, None, :],
            dtype=np.float64,
        )
        out[start:stop] = np.einsum("ijk,ijk->ij", diff, diff)

    # each row's value is computed alone, so the threads change no bit; they
    # matter where the products run elsewhere (a GPU screens a million rows
    # in a fraction of the time one core refines them)
    _map_threads(refine_block, range(0, n_query, rows_per_block))
    return out
