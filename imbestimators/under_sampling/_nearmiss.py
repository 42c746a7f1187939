"""NearMiss: keep the rows of the larger classes that are closest to the minority."""

import numbers
import warnings

import numpy as np
from scipy import sparse
from sklearn.utils import _safe_indexing

from imbestimators.base import BaseUnderSampler
from imbestimators.exceptions import InsufficientSamplesWarning
from imbestimators.under_sampling._base import (
    QUERY_CHUNK,
    check_n_samples,
    class_codes,
    class_name,
    minority_code,
    neighbors_param,
    numeric_view,
    query_in_chunks,
)
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval

__all__ = ["NearMiss"]

# NearMiss-2 with a user estimator asks it for all minority distances: rows per
# request, so that the (rows x n_minority) block stays near 64 MB
_ESTIMATOR_BLOCK_ELEMENTS = 2**23


@fill_doc
class NearMiss(BaseUnderSampler):
    """Under-sample by keeping the rows closest to the minority class (NearMiss).

    Each row of an under-sampled class gets a score from its distances to
    the minority class, and the best-scored rows are kept [1]_:

    - version 1: smallest mean distance to its ``n_neighbors`` nearest
      minority rows;
    - version 2: smallest mean distance to its ``n_neighbors`` farthest
      minority rows;
    - version 3: among the rows that are one of the ``n_neighbors_ver3``
      nearest rows of some minority row, largest mean distance to its
      ``n_neighbors`` nearest minority rows (this can keep fewer rows than
      asked, with a warning).

    A drop-in replacement for :class:`imblearn.under_sampling.NearMiss` that
    returns the same rows in the same order. Only distances to the minority
    class are computed, in blocks of bounded size: version 2 needs no
    ``(n_samples, n_minority)`` distance matrix (imbalanced-learn sorts one
    in full).

    Read more in the :ref:`User Guide <controlled_under_sampling>`.

    Parameters
    ----------
    {sampling_strategy_under}

    version : int, default=1
        Version of the NearMiss heuristic: 1, 2 or 3.

    n_neighbors : int or object, default=3
        Number of minority rows the score averages over; an int, or a
        neighbours estimator with ``kneighbors`` whose ``n_neighbors`` is that
        number (it does not count the sample itself).

    n_neighbors_ver3 : int or object, default=3
        Version 3 only: number of nearest rows of each under-sampled class
        that every minority row pre-selects; an int or a neighbours
        estimator, as ``n_neighbors``.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples kept per under-sampled class.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Index in ``X`` of each output row: class after class (sorted labels);
        best score first within an under-sampled class, increasing otherwise.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    RandomUnderSampler : Keep rows at random.
    InstanceHardnessThreshold : Keep the rows a classifier finds easiest.

    Notes
    -----
    Distances are exact Euclidean distances (float64 from the coordinate
    differences), unless a neighbours estimator is given. The scores of
    versions 1 and 2 are means of distances, which ties cannot change;
    version 3 pre-selects, for each minority row, its ``n_neighbors_ver3``
    nearest rows plus every row at exactly that distance (tie-inclusive, as
    R's ``class::knn``). Equal scores are ordered by the rows' values
    (lexicographic order of their features), then by row index among
    identical rows, so that the rows kept do not depend on the order of the
    rows. On data without equal scores or tied distances, the rows kept and
    their order are imbalanced-learn's (which orders equal scores by row
    index). The minority class is imbalanced-learn's: among the smallest
    classes, the one that appears first in ``y``.

    References
    ----------
    .. [1] I. Mani, I. Zhang, "kNN approach to unbalanced data distributions:
       a case study involving information extraction", Proceedings of the
       Workshop on Learning from Imbalanced Data Sets, 2003.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import NearMiss
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> nm = NearMiss(version=2)
    >>> X_res, y_res = nm.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 100)]
    >>> nm.sample_indices_[100:103].tolist()  # after the minority: best scores
    [169, 810, 672]
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "version": [Interval(numbers.Integral, 1, 3, closed="both")],
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "n_neighbors_ver3": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        version=1,
        n_neighbors=3,
        n_neighbors_ver3=3,
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.version = version
        self.n_neighbors = n_neighbors
        self.n_neighbors_ver3 = n_neighbors_ver3
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y):
        classes, codes = class_codes(y)
        minority = np.flatnonzero(codes == minority_code(classes, codes))
        k, estimator = self._checked_neighbors(classes, codes, minority)
        X_num = numeric_view(X)
        minority_index = NeighborsIndex(X_num[minority], estimator=estimator)
        parts = []
        for code, klass in enumerate(classes.tolist()):
            rows = np.flatnonzero(codes == code)
            if klass in self.sampling_strategy_:
                n_keep = self.sampling_strategy_[klass]
                rows = self._select(X_num, rows, n_keep, minority, minority_index, k)
            parts.append(rows)
        self.sample_indices_ = np.concatenate(parts)
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def _checked_neighbors(self, classes, codes, minority):
        """Validate both neighbour parameters against the class sizes."""
        k, estimator = neighbors_param(
            self.n_neighbors, "n_neighbors", "NearMiss", counts_self=False
        )
        minority_label = class_name(classes, codes[minority[0]])
        check_n_samples(
            len(minority),
            k,
            parameter="n_neighbors",
            value=self.n_neighbors,
            estimator="NearMiss",
            where=f"the minority class {minority_label}",
        )
        if self.version == 3:
            k3, _ = neighbors_param(
                self.n_neighbors_ver3, "n_neighbors_ver3", "NearMiss", counts_self=False
            )
            for code, klass in enumerate(classes.tolist()):
                if klass in self.sampling_strategy_:
                    check_n_samples(
                        int(np.sum(codes == code)),
                        k3,
                        parameter="n_neighbors_ver3",
                        value=self.n_neighbors_ver3,
                        estimator="NearMiss",
                        where=f"class {class_name(classes, code)}",
                    )
        if estimator is not None and self.n_jobs is not None:
            estimator.set_params(n_jobs=self.n_jobs)
        return k, estimator

    def _select(self, X, rows, n_keep, minority, minority_index, k):
        """The ``n_keep`` best-scored rows of one class, best first."""
        if self.version == 3:
            return self._select_ver3(X, rows, n_keep, minority, minority_index, k)
        if self.version == 1:
            score = _nearest_scores(X, rows, n_keep, minority_index, k)
        else:
            # imbalanced-learn sums the distances in increasing order: same sums
            score = self._farthest(X, rows, minority, minority_index, k).sum(axis=1)
        return rows[best_first(X, rows, score, n_keep)]

    def _farthest(self, X, rows, minority, minority_index, k):
        """Distances to the ``k`` farthest minority rows, increasing."""
        if minority_index.estimator is None:
            dist, _ = query_in_chunks(
                minority_index, k, X, rows, largest=True, return_distance=True
            )
            return np.ascontiguousarray(dist[:, ::-1])
        # a user estimator cannot search for the farthest rows: ask for all
        # minority distances, block by block, and keep the last k
        n_minority = len(minority)
        step = max(1, _ESTIMATOR_BLOCK_ELEMENTS // n_minority)
        blocks = [
            minority_index.estimator.kneighbors(
                X[rows[start : start + step]], n_neighbors=n_minority
            )[0][:, -k:]
            for start in range(0, len(rows), step)
        ]
        return np.vstack(blocks)

    def _select_ver3(self, X, rows, n_keep, minority, minority_index, k):
        k3, estimator3 = neighbors_param(
            self.n_neighbors_ver3,
            "n_neighbors_ver3",
            "NearMiss",
            counts_self=False,
            n_jobs=self.n_jobs,
        )
        class_index = NeighborsIndex(X[rows], estimator=estimator3)
        # every row tied with a minority row's k3-th nearest is pre-selected
        short_list = query_in_chunks(class_index, k3, X, minority, ties="include")
        short_list = np.unique(short_list[short_list >= 0])
        if len(short_list) < n_keep:
            warnings.warn(
                f"NearMiss(version=3): only {len(short_list)} rows of the class are "
                f"among the n_neighbors_ver3={k3} nearest rows of a minority row, "
                f"fewer than the {n_keep} asked; all of them are kept.",
                InsufficientSamplesWarning,
            )
        dist, _ = query_in_chunks(
            minority_index, k, X, rows[short_list], return_distance=True
        )
        # farthest first
        order = best_first(X, rows[short_list], -dist.sum(axis=1), n_keep)
        return rows[short_list[order]]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags


def best_first(X, rows, score, n_keep):
    """Positions of the ``n_keep`` smallest scores, smallest first.

    Equal scores are ordered by the rows' values (lexicographic order of
    ``X[rows]``), then by position among identical rows: which of several
    equally scored rows is kept does not depend on the order of the rows.
    Without equal scores this is ``np.argsort(score, kind="stable")[:n_keep]``
    (imbalanced-learn's order).
    """
    order = np.argsort(score, kind="stable")
    n_keep = min(n_keep, len(order))
    if n_keep == 0:
        return order[:0]
    sorted_score = score[order]
    # the kept rows and the rows tied with the last kept one
    n_head = np.searchsorted(sorted_score, sorted_score[n_keep - 1], side="right")
    head, head_score = order[:n_head], sorted_score[:n_head]
    equal_next = head_score[1:] == head_score[:-1]
    tied = np.zeros(n_head, dtype=bool)
    tied[1:] |= equal_next
    tied[:-1] |= equal_next
    if not tied.any():
        return order[:n_keep]
    values = X[rows[head[tied]]]
    values = values.toarray() if sparse.issparse(values) else np.asarray(values)
    rank = np.zeros(n_head, dtype=np.intp)
    # np.lexsort sorts by its last key first: the first column decides first
    rank[np.flatnonzero(tied)[np.lexsort(values.T[::-1])]] = np.arange(tied.sum())
    return head[np.lexsort((head, rank, head_score))][:n_keep]


def _nearest_scores(X, rows, n_keep, minority_index, k):
    """Version 1 scores, exact wherever they can rank among the ``n_keep`` best.

    A score (the sum of the distances to the ``k`` nearest minority rows) is
    at least ``k`` times the distance to the nearest one, whose lower bound
    costs one matrix product per block. Exact scores are computed for the
    ``2 * n_keep`` rows of smallest bound, then for every row whose bound does
    not exceed the ``n_keep``-th best score found; the other rows get an
    infinite score. They rank after the kept rows, so the selection and its
    order are those of the exact scores.
    """
    n_rows = len(rows)
    if n_keep == 0:
        return np.zeros(n_rows)
    if n_rows <= 4 * n_keep:
        return _exact_nearest_scores(X, rows, minority_index, k)
    chunks = [
        rows[start : start + QUERY_CHUNK] for start in range(0, n_rows, QUERY_CHUNK)
    ]
    bound = k * np.concatenate(
        [minority_index.nearest_distance_bound(X[chunk]) for chunk in chunks]
    )
    score = np.full(n_rows, np.inf)
    first = np.argsort(bound, kind="stable")[: 2 * n_keep]
    score[first] = _exact_nearest_scores(X, rows[first], minority_index, k)
    threshold = np.partition(score[first], n_keep - 1)[n_keep - 1]
    # the slack covers the rounding of the float64 sums
    rest = np.flatnonzero((bound <= threshold * (1 + 1e-9)) & np.isinf(score))
    if rest.size:
        score[rest] = _exact_nearest_scores(X, rows[rest], minority_index, k)
    return score


def _exact_nearest_scores(X, rows, minority_index, k):
    dist, _ = query_in_chunks(minority_index, k, X, rows, return_distance=True)
    # imbalanced-learn sums the distances in increasing order: same sums
    return dist.sum(axis=1)
