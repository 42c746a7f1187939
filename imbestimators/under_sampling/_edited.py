"""Edited nearest neighbours: ENN, repeated ENN and AllKNN."""

import numbers

import numpy as np
from sklearn.utils import _safe_indexing

from imbestimators.base import BaseCleaningSampler
from imbestimators.under_sampling._base import (
    check_n_samples,
    class_codes,
    grouped_by_class,
    minority_code,
    neighbors_param,
    numeric_view,
    query_in_chunks,
    targeted_mask,
)
from imbestimators.under_sampling._neighbourhoods import (
    rows_with_own_class_first,
    witness_device,
)
from imbestimators.under_sampling._segments import declared_originals, find_segments
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex, scaled_to_safe_range
from imbestimators.utils._param_validation import HasMethods, Interval, StrOptions

__all__ = [
    "AllKNN",
    "EditedNearestNeighbours",
    "RepeatedEditedNearestNeighbours",
]


class EditedNeighbourhoods:
    """ENN decisions on a data set from which rows are removed step by step.

    Neighbourhoods are tie-inclusive: a row's ``k``-neighbourhood is its
    ``k`` nearest alive rows plus every row at exactly the ``k``-th distance,
    so no decision depends on the order of the rows. For each row it
    remembers what its last answer depended on (witness rows, its nearest row
    of another class, or its neighbour list) and recomputes the answer only
    after one of those rows was removed: removing other rows cannot change
    it. Repeated ENN and AllKNN therefore pay for the rows near the removals
    only, not for a full search per iteration.

    Parameters
    ----------
    X : {ndarray, sparse matrix}
        Rows (floating point).
    codes : ndarray of int
        Class code of each row.
    max_k : int
        Largest number of neighbours that will be examined.
    estimator : estimator, default=None
        Neighbours estimator used instead of the built-in engine.
    """

    def __init__(self, X, codes, max_k, estimator=None):
        # float64 data of extreme magnitude are searched scaled by a power of
        # two: the same neighbours, from distances that neither overflow nor
        # underflow (a user's estimator keeps the data as given)
        self.X = X if estimator is not None else scaled_to_safe_range(X)
        self.codes = codes
        self.max_k = max_k
        self.estimator = estimator
        n_samples = len(codes)
        self.alive = np.ones(n_samples, dtype=bool)
        self._found = np.full(n_samples, -1, dtype=np.intp)
        self._found_deps = np.full((n_samples, max_k + 1), -1, dtype=np.intp)
        self._lists = _ListCache(n_samples, max_k + _LIST_SLACK)
        # after SMOTE (declared by the combination): rows on segments between
        # original rows, whose bounds replace most of the searches. Not on a
        # torch device: there the searches they replace cost less than
        # finding the segments on the host
        n_original = declared_originals()
        self.segments = None
        on_host = witness_device(self.X) is None
        if estimator is None and n_original is not None and on_host:
            self.segments = find_segments(self.X, codes, n_original)

    def edit(self, targeted, k, kind_sel):
        """Rows ENN keeps among the alive rows (rows of other classes are kept).

        Parameters
        ----------
        targeted : ndarray of bool
            Per class code, whether the class is cleaned.
        k : int
            Number of neighbours examined (at most ``max_k``).
        kind_sel : {"all", "mode"}
            Imbalanced-learn's rule.

        Returns
        -------
        ndarray of bool of shape (n_samples,)
        """
        rows = np.flatnonzero(self.alive & targeted[self.codes])
        keep = self.alive.copy()
        keep[rows[~self._keeps(rows, k, kind_sel)]] = False
        return keep

    def remove(self, rows):
        """Remove rows and forget the answers that depended on them."""
        if not len(rows):
            return
        self.alive[rows] = False
        gone = ~self.alive
        stale = (self._found >= 0) & _depends_on_any(self._found_deps, gone)
        self._found[stale] = -1
        self._lists.forget(gone)

    def _keeps(self, rows, k, kind_sel):
        keep = self._own_class_first(rows, lists=kind_sel == "mode") >= k
        if kind_sel == "mode" and not keep.all():
            undecided = rows[~keep]
            dist, ind = self._neighbours(undecided)
            keep[~keep] = self._mode_of(dist, ind, k) == self.codes[undecided]
        return keep

    def _mode_of(self, dist, ind, k):
        """Most frequent class of each tie-inclusive k-neighbourhood.

        Ties between classes go to the smallest code, as ``scipy.stats.mode``.
        """
        inside = (ind >= 0) & (dist <= dist[:, k - 1 : k])
        n_codes = int(self.codes.max()) + 1
        keys = np.flatnonzero(inside) // ind.shape[1] * n_codes
        keys += self.codes[ind[inside]]
        counts = np.bincount(keys, minlength=len(ind) * n_codes)
        return np.argmax(counts.reshape(len(ind), n_codes), axis=1)

    def _own_class_first(self, rows, lists=False):
        """How many rows of each row's class are closer than any other class's.

        Capped at ``max_k``: the row's tie-inclusive ``k``-neighbourhood is
        all of its class exactly when the count reaches ``k``. With ``lists``,
        the neighbour lists the witness scan can gather for the rows it
        leaves short are kept for ``_neighbours``.
        """
        todo = rows[self._found[rows] < 0]
        if todo.size and self.estimator is not None:
            self._found_from_lists(todo)
        elif todo.size:
            for code in np.unique(self.codes[todo]):
                self._found_for_class(todo[self.codes[todo] == code], code, lists)
        return self._found[rows]

    def _found_for_class(self, rows, code, lists=False):
        alive = np.flatnonzero(self.alive)
        same = alive[self.codes[alive] == code]
        other = alive[self.codes[alive] != code]
        found, depends_on, *listed = rows_with_own_class_first(
            self.X, rows, same, other, self.max_k, segments=self.segments, lists=lists
        )
        if listed:
            positions, dist, ind = listed[0]
            fresh = ~self._lists.has(rows[positions])
            self._lists.store(rows[positions[fresh]], dist[fresh], ind[fresh])
        self._found[rows] = found
        self._found_deps[rows] = depends_on

    def _found_from_lists(self, rows):
        """The counts of ``_own_class_first`` from tie-inclusive neighbour lists."""
        dist, ind = self._neighbours(rows)
        listed = ind >= 0
        other = listed & (self.codes[ind] != self.codes[rows][:, None])
        has_other = other.any(axis=1)
        first_other = np.argmax(other, axis=1)
        radius = np.where(has_other, dist[np.arange(len(rows)), first_other], np.inf)
        witness = listed & ~other & (dist < radius[:, None])
        found = np.minimum(self.max_k, np.count_nonzero(witness, axis=1))
        # the answer depends on the first witnesses and the nearest other row
        order = np.argsort(~witness, axis=1, kind="stable")[:, : self.max_k]
        deps = np.take_along_axis(ind, order, axis=1)
        deps[np.arange(deps.shape[1]) >= found[:, None]] = -1
        self._found[rows] = found
        self._found_deps[rows, : deps.shape[1]] = deps
        self._found_deps[rows, self.max_k] = np.where(
            found < self.max_k, ind[np.arange(len(rows)), first_other], -1
        )

    def _neighbours(self, rows):
        """Tie-inclusive ``max_k``-neighbourhoods among the alive rows.

        Returns the distances and rows, nearest first, padded with ``inf``
        and -1.
        """
        fresh = ~self._lists.has(rows)
        todo = rows[fresh]
        if not todo.size:
            return self._lists.get(rows)
        alive = np.flatnonzero(self.alive)
        index = NeighborsIndex(self.X[alive], estimator=self.estimator)
        new_dist, new_ind = query_in_chunks(
            index,
            self.max_k,
            self.X,
            todo,
            exclude=np.searchsorted(alive, todo),
            return_distance=True,
            ties="include",
        )
        new_ind = np.where(new_ind >= 0, alive[new_ind], -1)
        dist, ind = self._lists.get(rows, width=new_ind.shape[1])
        dist[fresh, : new_ind.shape[1]] = new_dist
        ind[fresh, : new_ind.shape[1]] = new_ind
        self._lists.store(todo, new_dist, new_ind)
        return dist, ind


#: tie-inclusive neighbour lists up to max_k + this many rows are kept between
#: the rounds of RENN and AllKNN; longer ones (large tie groups) are recomputed
_LIST_SLACK = 8


class _ListCache:
    """Neighbour lists of some rows, forgotten when one of their rows is removed.

    Lists are kept only for the rows asked for (those near another class), in
    slots of a fixed width; a longer list is not kept.
    """

    def __init__(self, n_samples, width):
        self.width = width
        self._slot = np.full(n_samples, -1, dtype=np.intp)
        self._dist = np.empty((0, width))
        self._ind = np.empty((0, width), dtype=np.intp)
        self._n_slots = 0

    def has(self, rows):
        return self._slot[rows] >= 0

    def get(self, rows, width=0):
        """The kept lists of ``rows`` (``inf`` and -1 for the others).

        The arrays are at least ``width`` wide.
        """
        width = max(width, self.width)
        dist = np.full((len(rows), width), np.inf)
        ind = np.full((len(rows), width), -1, dtype=np.intp)
        slot = self._slot[rows]
        kept = slot >= 0
        dist[kept, : self.width] = self._dist[slot[kept]]
        ind[kept, : self.width] = self._ind[slot[kept]]
        return dist, ind

    def store(self, rows, dist, ind):
        fits = np.count_nonzero(ind >= 0, axis=1) <= self.width
        rows, dist, ind = rows[fits], dist[fits], ind[fits]
        needed = self._n_slots + len(rows)
        if needed > len(self._ind):
            capacity = max(needed, 2 * len(self._ind))
            self._dist = _grown(self._dist, capacity, np.inf)
            self._ind = _grown(self._ind, capacity, -1)
        slots = np.arange(self._n_slots, needed)
        n = min(self.width, ind.shape[1])
        self._dist[slots, :n] = dist[:, :n]
        self._ind[slots, :n] = ind[:, :n]
        self._slot[rows] = slots
        self._n_slots = needed

    def forget(self, gone):
        """Forget the lists holding a row of ``gone`` (a mask over all rows)."""
        rows = np.flatnonzero(self._slot >= 0)
        if rows.size:
            stale = _depends_on_any(self._ind[self._slot[rows]], gone)
            self._slot[rows[stale]] = -1


def _grown(values, capacity, fill):
    out = np.full((capacity, values.shape[1]), fill, dtype=values.dtype)
    out[: len(values)] = values
    return out


def _depends_on_any(depends_on, gone):
    return np.where(depends_on >= 0, gone[depends_on], False).any(axis=1)


class _BaseEdited(BaseCleaningSampler):
    """Parameters and validation shared by the ENN family."""

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "kind_sel": [StrOptions({"all", "mode"})],
        "n_jobs": [numbers.Integral, None],
    }

    def _neighbourhoods(self, X, y):
        """Validate ``n_neighbors`` against X and build the shared ENN state."""
        name = type(self).__name__
        k, estimator = neighbors_param(
            self.n_neighbors, "n_neighbors", name, counts_self=True, n_jobs=self.n_jobs
        )
        check_n_samples(
            len(y),
            k + 1,
            parameter="n_neighbors",
            value=self.n_neighbors,
            estimator=name,
            where="X (each sample and its nearest other samples)",
        )
        classes, codes = class_codes(y)
        return classes, EditedNeighbourhoods(numeric_view(X), codes, k, estimator), k

    def _resampled(self, X, y, state):
        self.sample_indices_ = grouped_by_class(state.codes, state.alive)
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags


@fill_doc
class EditedNearestNeighbours(_BaseEdited):
    """Under-sample by editing: remove rows that disagree with their neighbours.

    A row of a cleaned class is removed when any (``kind_sel="all"``) or most
    (``kind_sel="mode"``) of its ``n_neighbors`` nearest neighbours belong to
    another class [1]_. A drop-in replacement for
    :class:`imblearn.under_sampling.EditedNearestNeighbours` that returns the
    same rows, much faster on large data: a row's nearest neighbours are only
    computed in full when they reach another class.

    Read more in the :ref:`User Guide <edited_nearest_neighbors>`.

    Parameters
    ----------
    {sampling_strategy_cleaning}

    n_neighbors : int or object, default=3
        Size of the neighbourhood examined. Either an int, searched exactly by
        the library's k-NN engine, or a neighbours estimator with
        scikit-learn's ``kneighbors`` API whose ``n_neighbors`` counts the
        sample itself (pass ``NearestNeighbors(n_neighbors=4)`` to examine 3
        neighbours), as in imbalanced-learn.

    kind_sel : {"all", "mode"}, default="all"
        ``"all"``: a row is kept only if all its neighbours are of its class;
        ``"mode"``: it is kept if its class is the most frequent among its
        neighbours (ties between classes towards the smallest label, as
        ``scipy.stats.mode``). ``"all"`` removes more rows.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The cleaned classes (keys) and their number of samples before cleaning.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Indices in ``X`` of the rows kept, class after class (sorted labels),
        increasing within a class.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    RepeatedEditedNearestNeighbours : Repeat the editing until nothing changes.
    AllKNN : Repeat the editing with a growing neighbourhood.
    NeighbourhoodCleaningRule : Editing plus cleaning around misclassified
        minority rows.

    Notes
    -----
    {edited_ties}

    A row's neighbourhood is all of its class exactly when at least
    ``n_neighbors`` rows of its class lie strictly closer than its nearest
    row of another class. That nearest row costs a search over the other
    classes only (or none: a lower bound through pivot rows settles most rows
    after over-sampling), and rows of the class closer than it are looked for
    in the row's pivot cell first, then in growing blocks, so that a full scan
    of the class is only paid by rows near another class; only those rows
    need their exact neighbours (for ``kind_sel="mode"``). Classes are cleaned
    one-vs-rest.

    References
    ----------
    .. [1] D. Wilson, "Asymptotic Properties of Nearest Neighbor Rules Using
       Edited Data", IEEE Transactions on Systems, Man, and Cybernetics, 2(3),
       pp. 408-421, 1972.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import EditedNearestNeighbours
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> sorted(Counter(y.tolist()).items())
    [(0, 100), (1, 900)]
    >>> enn = EditedNearestNeighbours()
    >>> X_res, y_res = enn.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 887)]
    >>> bool((X_res == X[enn.sample_indices_]).all())
    True
    """

    def __init__(
        self, *, sampling_strategy="auto", n_neighbors=3, kind_sel="all", n_jobs=None
    ):
        self.sampling_strategy = sampling_strategy
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y):
        classes, state, k = self._neighbourhoods(X, y)
        targeted = targeted_mask(classes, self.sampling_strategy_)
        state.remove(np.flatnonzero(~state.edit(targeted, k, self.kind_sel)))
        return self._resampled(X, y, state)


def _class_check(state, n_classes, minority, n_minority):
    """Imbalanced-learn's stopping tests on the rows still alive.

    Returns whether a cleaned class became smaller than the original minority
    class, and whether a class disappeared.
    """
    counts = np.bincount(state.codes[state.alive], minlength=n_classes)
    present = counts > 0
    others = present & (np.arange(n_classes) != minority)
    became_smaller = bool(np.any(counts[others] < n_minority))
    return became_smaller, bool(present.sum() < n_classes)


def _check_enough_left(state, k, name, step):
    n_alive = int(state.alive.sum())
    if n_alive < k + 1:
        raise ValueError(
            f"{name}: after {step}, {n_alive} samples remain, fewer than the "
            f"n_neighbors + 1 = {k + 1} needed for the next editing step. Lower "
            "n_neighbors."
        )


@fill_doc
class RepeatedEditedNearestNeighbours(_BaseEdited):
    """Under-sample by repeating the edited nearest neighbours rule.

    :class:`EditedNearestNeighbours` is applied again to its own output until
    (i) ``max_iter`` repetitions were made, (ii) a repetition removes nothing,
    (iii) a cleaned class becomes smaller than the minority class, or (iv) a
    class disappears [1]_. A drop-in replacement for
    :class:`imblearn.under_sampling.RepeatedEditedNearestNeighbours` returning
    the same rows (see Notes for the one difference): after the first
    repetition, only the rows whose neighbourhood lost a row are examined
    again.

    Read more in the :ref:`User Guide <edited_nearest_neighbors>`.

    Parameters
    ----------
    {sampling_strategy_cleaning}

    n_neighbors : int or object, default=3
        Size of the neighbourhood examined; an int, or a neighbours estimator
        whose ``n_neighbors`` counts the sample itself (imbalanced-learn's
        convention).

    max_iter : int, default=100
        Maximum number of repetitions.

    kind_sel : {"all", "mode"}, default="all"
        ``"all"``: a row is kept only if all its neighbours are of its class;
        ``"mode"``: it is kept if its class is the most frequent among them.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The cleaned classes (keys) and their number of samples before cleaning.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Indices in ``X`` of the rows kept, class after class (sorted labels),
        increasing within a class.
    n_iter_ : int
        Number of repetitions made.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    EditedNearestNeighbours : One editing pass.
    AllKNN : Repeat the editing with a growing neighbourhood.

    Notes
    -----
    {edited_ties}

    The cleaned classes are those of ``sampling_strategy_``, resolved once on
    the input: a class it does not name never loses a row. Imbalanced-learn
    resolves ``sampling_strategy`` again on the remaining rows at every
    repetition, so with a relative strategy (``"majority"``,
    ``"not majority"``, or ``"not minority"`` when class sizes become equal)
    it may clean a class that ``sampling_strategy_`` does not name, or stop
    cleaning one it names; everywhere else the rows kept are the same.
    When the first repetition removes nothing, imbalanced-learn applies its
    class grouping to ``sample_indices_`` twice (the same rows in another
    order); here they stay grouped by class.

    References
    ----------
    .. [1] I. Tomek, "An Experiment with the Edited Nearest-Neighbor Rule",
       IEEE Transactions on Systems, Man, and Cybernetics, 6(6), pp. 448-452,
       1976.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import RepeatedEditedNearestNeighbours
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> renn = RepeatedEditedNearestNeighbours()
    >>> X_res, y_res = renn.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 887)]
    >>> renn.n_iter_
    2
    """

    _parameter_constraints: dict = {
        **_BaseEdited._parameter_constraints,
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        n_neighbors=3,
        max_iter=100,
        kind_sel="all",
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.n_neighbors = n_neighbors
        self.max_iter = max_iter
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y):
        classes, state, k = self._neighbourhoods(X, y)
        minority = minority_code(classes, state.codes)
        n_minority = int(np.sum(state.codes == minority))
        targeted = targeted_mask(classes, self.sampling_strategy_)
        for n_iter in range(self.max_iter):
            if n_iter:
                _check_enough_left(state, k, type(self).__name__, f"{n_iter} passes")
            keep = state.edit(targeted, k, self.kind_sel)
            removed = np.flatnonzero(state.alive & ~keep)
            state.remove(removed)
            became_smaller, vanished = _class_check(
                state, len(classes), minority, n_minority
            )
            if not removed.size or became_smaller or vanished:
                break
        self.n_iter_ = n_iter + 1
        return self._resampled(X, y, state)


@fill_doc
class AllKNN(_BaseEdited):
    """Under-sample by editing with a neighbourhood that grows from 1 neighbour.

    :class:`EditedNearestNeighbours` is applied with 1 neighbour, then again
    on its output with 2, and so on up to ``n_neighbors``, stopping early when
    a cleaned class becomes smaller than the minority class (unless
    ``allow_minority=True``) or a class disappears [1]_. A drop-in replacement
    for :class:`imblearn.under_sampling.AllKNN` returning the same rows (see
    Notes for the one difference); each row's neighbourhood is computed once
    and reused by the following rounds unless one of its rows was removed.

    Read more in the :ref:`User Guide <edited_nearest_neighbors>`.

    Parameters
    ----------
    {sampling_strategy_cleaning}

    n_neighbors : int or object, default=3
        Largest neighbourhood examined: with 3, the rounds examine 1, 2 and 3
        neighbours. An int, or a neighbours estimator whose ``n_neighbors``
        counts the sample itself (imbalanced-learn's convention); the
        estimator answers every round (imbalanced-learn uses it only to read
        ``n_neighbors`` and searches with the Euclidean distance).

    kind_sel : {"all", "mode"}, default="all"
        ``"all"``: a row is kept only if all its neighbours are of its class;
        ``"mode"``: it is kept if its class is the most frequent among them.

    allow_minority : bool, default=False
        If True, a cleaned class may become smaller than the minority class
        without stopping the rounds.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The cleaned classes (keys) and their number of samples before cleaning.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Indices in ``X`` of the rows kept, class after class (sorted labels),
        increasing within a class.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    EditedNearestNeighbours : One editing pass.
    RepeatedEditedNearestNeighbours : Repeat the editing until nothing changes.

    Notes
    -----
    {edited_ties}

    The cleaned classes are those of ``sampling_strategy_``, resolved once on
    the input: a class it does not name never loses a row. Imbalanced-learn
    resolves ``sampling_strategy`` again on the remaining rows at every
    round, so with a relative strategy (``"majority"``,
    ``"not majority"``, or ``"not minority"`` when class sizes become equal)
    it may clean a class that ``sampling_strategy_`` does not name, or stop
    cleaning one it names; everywhere else the rows kept are the same.

    References
    ----------
    .. [1] I. Tomek, "An Experiment with the Edited Nearest-Neighbor Rule",
       IEEE Transactions on Systems, Man, and Cybernetics, 6(6), pp. 448-452,
       1976.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import AllKNN
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> X_res, y_res = AllKNN().fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 887)]
    """

    _parameter_constraints: dict = {
        **_BaseEdited._parameter_constraints,
        "allow_minority": ["boolean"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        n_neighbors=3,
        kind_sel="all",
        allow_minority=False,
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.allow_minority = allow_minority
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y):
        classes, state, max_k = self._neighbourhoods(X, y)
        minority = minority_code(classes, state.codes)
        n_minority = int(np.sum(state.codes == minority))
        targeted = targeted_mask(classes, self.sampling_strategy_)
        for k in range(1, max_k + 1):
            if k > 1:
                _check_enough_left(state, max_k, type(self).__name__, f"{k - 1} rounds")
            keep = state.edit(targeted, k, self.kind_sel)
            state.remove(np.flatnonzero(state.alive & ~keep))
            became_smaller, vanished = _class_check(
                state, len(classes), minority, n_minority
            )
            if (became_smaller and not self.allow_minority) or vanished:
                break
        return self._resampled(X, y, state)
