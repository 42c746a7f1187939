"""Exact neighbourhood questions of the cleaning rules, without all-pairs searches.

TomekLinks and the edited-nearest-neighbours family mostly ask, for a row
``x`` of class ``c``: "are all the rows of x's ``k``-neighbourhood of class
``c``?" (ENN keeps x when they are; x is in no Tomek link when a row of its
class is closer than any row of another class). The neighbourhood is
tie-inclusive (the ``k`` nearest rows and every row at exactly the ``k``-th
distance; see :mod:`imbestimators.utils._neighbors`), so that the answer does
not depend on the order of the rows: it is yes exactly when at least ``k``
rows of class ``c`` lie *strictly* closer to x than its nearest row of another
class. Such rows are called *witnesses* here; two thresholds let them settle x
cheaply:

- *exact threshold*: the nearest row of another class (``m`` at distance
  ``r``), which costs a search over the other classes only;
- *pivot bound*: when class ``c`` and the other classes are both large (after
  SMOTE, for instance), no search over the other classes is needed. For pivot
  rows ``p`` of class ``c`` the exact distance ``D_p`` to the other classes is
  computed; by the triangle inequality every row ``z`` of another class
  satisfies ``d(x, z) >= D_p - d(x, p)``, so witnesses closer than that bound
  settle x. The bound is first tried on a few pivots and used only where it
  settles most of their rows: in high dimension, with classes that mix, it
  settles almost nothing.

Witnesses are looked for where they are likely: the pivots split class ``c``
into cells (each row belongs to its nearest pivot), and x's witnesses are
first searched in its own cell and the cells of the pivots nearest to its
pivot. Rows that are still not settled scan the whole class in growing blocks,
which also gives the exact count for the rows that ENN removes. The choice of
pivots and the scan order change the speed, never the answers.

Counting rows under a threshold is not a k-NN query: it is done here by a
small blocked kernel (one matrix product per block, like the k-NN engine's
screening) whose float32/float64 rounding is bounded; pairs within the bound of
the threshold are decided from exact float64 differences. As in the engine,
float32 products are used only where they can neither overflow nor underflow
(else float64), and float64 data of extreme magnitude are scaled by a power of
two first, so the answers do not depend on the unit of the data. Under a
torch device setting the kernel runs on the device, without pivot cells
(:mod:`imbestimators.under_sampling._witnesses_torch`). The neighbour queries
go through the engine (and its device), except the nearest row of another
class of dense rows on the CPU in the engine's brute-force regime: a running
row minimum per block of the same kind of product finds it at about two thirds
of the engine's cost, refined and tie-inclusive in the same float64 distances.
"""

import numpy as np
from scipy import sparse

from imbestimators._config import get_config
from imbestimators.under_sampling._base import query_in_chunks
from imbestimators.utils._neighbors import (
    _KDTREE_MAX_FEATURES,
    _KDTREE_MIN_REFERENCE,
    NeighborsIndex,
    _blas_controller,
    _map_threads,
    scaled_to_safe_range,
    screening_dtype,
)

__all__ = [
    "nearest_in",
    "rows_with_own_class_first",
    "tomek_link_mask",
]

#: the scan of a class gathers neighbour lists only when the other classes
#: hold at most 1 / _FEW_OTHERS of its rows (see _gathering_applies)
_FEW_OTHERS = 8
#: rows scanned in the first block of the full scan; later blocks double,
#: up to the last size
_FIRST_BLOCK = 2048
_LAST_BLOCK = 2**16
#: the same on a torch device. A row costs about max(first block, 6 n / c)
#: entries, c being the rows of its class closer than its threshold (often
#: hundreds): a small first block settles those, larger ones the rest
_FIRST_DEVICE_BLOCK = 2**12
_LAST_DEVICE_BLOCK = 2**18
#: nearest pivots of a row whose cells are searched for its witnesses
_N_NEAR_PIVOTS = 8
#: pivot cells are built only for classes with at least this many rows
_MIN_CELLED = 2048
#: pivots per square root of the class size, when the other classes are small
#: (cells sized for the witness search) and when they are large (a tight bound)
_SPARSE_PIVOTS = 2
_DENSE_PIVOTS = 8
#: pivots whose cells are tried before the bound is used for a class, and the
#: share of their rows it must settle
_BOUND_TRIAL_PIVOTS = 16
_BOUND_TRIAL_SUCCESS = 0.5
#: relative safety margin of the pivot bound: far above float64 rounding of
#: distances (about 1e-16 relative), far below any distance gap that matters
_BOUND_MARGIN = 1e-9
#: rows of the consecutive cells searched together in the first pass
_RUN = 1024
#: query rows and candidate rows per block of the threshold kernel
_QUERY_BLOCK = 1024
_CANDIDATE_BLOCK = 512
_BLOCK_ENTRIES = _QUERY_BLOCK * _CANDIDATE_BLOCK
#: bytes of candidate copies held by the scan tasks in flight
_TASK_BYTES = 2**24
#: candidate rows per product of the nearest-row search: the float32 block of
#: a query block stays in a core's cache for the row minimum that follows
_NEAREST_ROWS = 256
_NEAREST_COLUMNS = 1024


def _single_blas_thread():
    """Run the kernel's small matrix products on one BLAS thread.

    Products of a few hundred rows gain little from a second thread, and on a
    busy machine two threads per product make them an order of magnitude
    slower (measured here: 0.19 ms against 8 ms for 1024 x 31 x 256).
    """
    return _blas_controller().limit(limits=1, user_api="blas")


def scan_order(n):
    """A fixed pseudo-random order of ``n`` rows.

    Scanning in this order spreads sorted or clustered input over all blocks;
    the generator is local and seeded because the order only affects speed.
    """
    return np.random.default_rng(0).permutation(n)


def nearest_in(X, rows, candidates, ties=False):
    """Each row's nearest row among ``candidates`` (sorted row indices).

    Returns the distances and the row indices in ``X``: one row, the lower
    index among equally near ones, or with ``ties=True`` all of them (padded
    with -1, distances with ``inf``), which costs no more.
    """
    if _brute_nearest_applies(X, candidates):
        sq, owner, found = _nearest_brute(X, rows, candidates)
        return _nearest_output(sq, owner, found, len(rows), ties)
    dist, ind = query_in_chunks(
        NeighborsIndex(X[candidates]),
        1,
        X,
        rows,
        return_distance=True,
        ties="include" if ties else "lower_index",
    )
    if ties:
        return dist, np.where(ind >= 0, candidates[ind], -1)
    return dist[:, 0], candidates[ind[:, 0]]


def _brute_nearest_applies(X, candidates):
    """Whether the engine would search these rows by brute force on NumPy.

    Then one nearest row needs no list of candidates: a running row minimum
    per block of the product does, at about 1.5x the product's cost against
    2.3x for the engine's general k-NN selection (measured on 20k x 98k rows,
    d = 30, SMOTEENN's search, on a loaded machine). Sparse rows, low
    dimension (a KD-tree) and other devices stay with the engine.
    """
    if sparse.issparse(X) or get_config()["device"] != "cpu":
        return False
    low_dim = X.shape[1] <= _KDTREE_MAX_FEATURES
    return not (low_dim and len(candidates) >= _KDTREE_MIN_REFERENCE)


def _nearest_brute(X, rows, candidates):
    """Every candidate at each row's smallest exact squared distance.

    Returns ``(sq, owner, found)``: squared distances, positions in ``rows``
    and rows of ``X``, grouped by owner, candidates in increasing order.
    """
    cand_X = X[candidates]
    cand_sq = _row_sq_norms(cand_X)
    max_cand_sq = cand_sq.max()
    cand_augs = {}
    tasks = []
    for start in range(0, len(rows), _NEAREST_ROWS):
        block = np.arange(start, min(start + _NEAREST_ROWS, len(rows)))
        q_sq = _row_sq_norms(X[rows[block]])
        dtype = screening_dtype(X.dtype, max(max_cand_sq, q_sq.max()))
        if dtype not in cand_augs:
            cand_augs[dtype] = _augmented_candidates(cand_X, cand_sq, dtype)
        tasks.append((block, q_sq, cand_augs[dtype]))

    def nearest_of_block(task):
        block, q_sq, cand_aug = task
        positions, columns = _screen_nearest(
            X[rows[block]], q_sq, cand_aug, max_cand_sq
        )
        return block[positions], candidates[columns]

    with _single_blas_thread():
        parts = _map_threads(nearest_of_block, tasks)
    owner = np.concatenate([part[0] for part in parts])
    found = np.concatenate([part[1] for part in parts])
    return tied_nearest(X, rows, owner, found)


def tied_nearest(X, rows, owner, found):
    """Per owner, every candidate at its smallest exact squared distance.

    ``owner`` holds positions in ``rows`` and ``found`` a candidate row of
    ``X`` for each. Returns ``(sq, owner, found)`` grouped by owner, the
    candidates of an owner in increasing order.
    """
    sq = exact_sq_distances(X, rows[owner], found)
    order = np.lexsort((found, sq, owner))
    owner, found, sq = owner[order], found[order], sq[order]
    first = np.r_[True, owner[1:] != owner[:-1]]
    best = np.repeat(sq[first], np.diff(np.r_[np.flatnonzero(first), len(owner)]))
    tied = sq == best
    return sq[tied], owner[tied], found[tied]


def _screen_nearest(query, q_sq, cand_aug, max_cand_sq):
    """Candidate columns that may be a row's nearest, from screened products.

    Screened values are within ``error`` of the exact ones, so every row at
    the exact minimum screens at most ``2 * error`` above the screened
    minimum; the running minimum only falls, so entries within ``2 * error``
    of it when their block is screened include all of those. Rows whose block
    minimum is farther need no look at the block: after the first blocks,
    nearly all.
    """
    dtype = cand_aug.dtype
    query_aug = _augmented_query(query, dtype)
    margin = 2 * _rounding_bound(dtype, query_aug.shape[1], q_sq, max_cand_sq)
    running = np.full(len(query), np.inf)
    positions, columns, values = [], [], []
    out = np.empty((len(query), _NEAREST_COLUMNS), dtype=dtype)
    for first in range(0, cand_aug.shape[1], _NEAREST_COLUMNS):
        block = cand_aug[:, first : first + _NEAREST_COLUMNS]
        shifted = np.matmul(query_aug, block, out=out[:, : block.shape[1]])
        block_min = shifted.min(axis=1).astype(np.float64)
        hot = np.flatnonzero(block_min <= running + margin)
        np.minimum(running, block_min, out=running)
        if not hot.size:
            continue
        sub = shifted[hot].astype(np.float64)
        flat = np.flatnonzero(sub <= (running[hot] + margin[hot])[:, None])
        r, c = np.divmod(flat, sub.shape[1])
        positions.append(hot[r])
        columns.append(c + first)
        values.append(sub.ravel()[flat])
    positions = np.concatenate(positions)
    values = np.concatenate(values)
    keep = values <= running[positions] + margin[positions]
    return positions[keep], np.concatenate(columns)[keep]


def _nearest_output(sq, owner, found, n_rows, ties):
    """``nearest_in``'s arrays from the tied nearest rows of each owner."""
    firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    if not ties:
        dist = np.empty(n_rows)
        ind = np.empty(n_rows, dtype=np.intp)
        dist[owner[firsts]] = np.sqrt(sq[firsts])
        ind[owner[firsts]] = found[firsts]
        return dist, ind
    counts = np.diff(np.r_[firsts, len(owner)])
    rank = np.arange(len(owner)) - np.repeat(firsts, counts)
    dist = np.full((n_rows, counts.max()), np.inf)
    ind = np.full((n_rows, counts.max()), -1, dtype=np.intp)
    dist[owner, rank] = np.sqrt(sq)
    ind[owner, rank] = found
    return dist, ind


def exact_sq_distances(X, rows, others):
    """Squared distances between ``X[rows[i]]`` and ``X[others[i]]``, in float64.

    Computed from the coordinate differences, so equal rows are at distance 0
    and the value does not depend on how it was batched.
    """
    out = np.empty(len(rows), dtype=np.float64)
    # chunks bound the float64 differences to a few MB
    step = max(1, 2**19 // max(1, X.shape[1]))
    for start in range(0, len(rows), step):
        a, b = rows[start : start + step], others[start : start + step]
        if sparse.issparse(X):
            diff = (X[b] - X[a]).astype(np.float64)
            out[start : start + step] = np.asarray(
                diff.multiply(diff).sum(axis=1)
            ).ravel()
        else:
            diff = X[b].astype(np.float64) - X[a]
            out[start : start + step] = np.einsum("ij,ij->i", diff, diff)
    return out


class _Witnesses:
    """Per query row: the witnesses found so far (at most ``k``) and its threshold.

    A candidate ``w`` is a witness of row ``x`` when ``d(x, w)^2`` is strictly
    below x's ``threshold_sq``: a row at exactly the threshold is tied with
    it, and a tie never decides by row order.
    """

    def __init__(self, X, rows, k, threshold_sq):
        self.X = X
        self.rows = rows
        self.k = k
        self.threshold_sq = threshold_sq
        self.found = np.zeros(len(rows), dtype=np.intp)
        self.witnesses = np.full((len(rows), k), -1, dtype=np.intp)
        # see collect()
        self.collect_sq = None
        self._collected = []

    def collect(self, selected, radius_sq):
        """From now on, also keep the candidates that may lie within
        ``radius_sq`` (at least the threshold) of ``rows[selected]``.

        Screened with the kernel's margin, so the pairs returned by
        ``collected`` hold every candidate scanned within the radius, and
        more; a row's own index is left out.
        """
        self.collect_sq = np.full(len(self.rows), -np.inf)
        self.collect_sq[selected] = radius_sq

    def collected(self):
        """Positions in ``rows`` and candidates kept since ``collect``."""
        if not self._collected:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        owner, new = zip(*self._collected)
        return np.concatenate(owner), np.concatenate(new)

    def unsettled(self, selected):
        return selected[self.found[selected] < self.k]

    def scan(self, selected, candidates):
        """Look for witnesses of ``rows[selected]`` among sorted ``candidates``."""
        self.scan_many([(selected, candidates)])

    def scan_many(self, groups):
        """``scan`` for each ``(selected, candidates)`` pair; the selected rows
        of different pairs must differ.

        The pairs and the query blocks of each pair are independent (a row's
        witnesses depend on its own scan only), so they are spread over one
        thread per core, each on a sequential BLAS. Under a torch device
        setting the scans run there instead.
        """
        device = witness_device(self.X)
        if device is not None:
            from imbestimators.under_sampling._witnesses_torch import scan_on_device

            for selected, candidates in groups:
                scan_on_device(self, selected, candidates, device)
            return
        tasks, held = [], 0
        for selected, candidates in groups:
            selected = self.unsettled(selected)
            if selected.size and candidates.size:
                tasks.extend(self._tasks(selected, candidates))
                held += candidates.size * (2 * self.X.shape[1] + 3) * 8
            # the candidates' copies of the tasks in flight stay bounded
            if held >= _TASK_BYTES:
                self._run(tasks)
                tasks, held = [], 0
        self._run(tasks)

    def scan_columns(self, tasks, candidates, cand_aug, cand_sq):
        """Scans of dense rows against prepared screening columns.

        ``tasks`` holds ``(block, columns)`` pairs: query rows ``rows[block]``
        (at most ``_QUERY_BLOCK``, different for each task) and the entries
        (a slice or indices) of ``candidates``, of ``cand_aug`` (the rows of
        ``_augmented_candidates``'s columns, in a precision safe for the query
        rows too) and of ``cand_sq`` they scan, gathered by the thread that
        scans them.
        """

        def scan(task):
            block, columns = task
            block = self.unsettled(block)
            if block.size:
                self._scan_query_block(
                    block, candidates[columns], cand_aug[columns].T, cand_sq[columns]
                )

        if tasks:
            with _single_blas_thread():
                _map_threads(scan, tasks)

    def _run(self, tasks):
        if not tasks:
            return
        if sparse.issparse(self.X):
            for selected, candidates in tasks:
                self._scan_with_engine(selected, candidates)
            return
        with _single_blas_thread():
            _map_threads(lambda task: self._scan_query_block(*task), tasks)

    def _tasks(self, selected, candidates):
        """Independent pieces of a scan: blocks of query rows."""
        if sparse.issparse(self.X):
            return [(selected, candidates)]
        cand_X = self.X[candidates]
        cand_sq = _row_sq_norms(cand_X)
        max_cand_sq = cand_sq.max()
        cand_augs = {}
        tasks = []
        for start in range(0, len(selected), _QUERY_BLOCK):
            block = selected[start : start + _QUERY_BLOCK]
            q_max = _row_sq_norms(self.X[self.rows[block]]).max()
            dtype = screening_dtype(self.X.dtype, max(max_cand_sq, q_max))
            if dtype not in cand_augs:
                cand_augs[dtype] = _augmented_candidates(cand_X, cand_sq, dtype)
            tasks.append((block, candidates, cand_augs[dtype], cand_sq))
        return tasks

    def _scan_query_block(self, block, candidates, cand_aug, cand_sq):
        query = self.X[self.rows[block]]
        q_sq = _row_sq_norms(query)
        query_aug = _augmented_query(query, cand_aug.dtype)
        # few query rows scan more candidates per product: the products stay
        # large enough to cost more than the numpy calls around them
        step = max(_CANDIDATE_BLOCK, _BLOCK_ENTRIES // len(block))
        for first in range(0, len(candidates), step):
            keep = self.found[block] < self.k
            if not keep.all():
                block, query_aug, q_sq = block[keep], query_aug[keep], q_sq[keep]
            if not block.size:
                return
            last = first + step
            self._scan_block(
                block,
                query_aug,
                q_sq,
                candidates[first:last],
                cand_aug[:, first:last],
                cand_sq[first:last].max(),
            )

    def _scan_block(self, selected, query_aug, q_sq, candidates, cand_aug, max_c_sq):
        shifted = query_aug @ cand_aug
        limit = self.threshold_sq[selected] - q_sq
        dtype = shifted.dtype
        base_error = _rounding_bound(dtype, query_aug.shape[1], q_sq, max_c_sq)
        error = base_error + 4 * np.finfo(dtype).eps * np.abs(limit)
        reach, reach_error = limit, error
        if self.collect_sq is not None:
            reach = np.maximum(limit, self.collect_sq[selected] - q_sq)
            reach_error = base_error + 4 * np.finfo(dtype).eps * np.abs(reach)
        # one pass over the block keeps the few entries that may be witnesses;
        # everything else works on them (row-major: first columns first)
        flat = np.flatnonzero(shifted <= (reach + reach_error).astype(dtype)[:, None])
        if not flat.size:
            return
        r, c = np.divmod(flat, shifted.shape[1])
        new = candidates[c]
        owner = selected[r]
        if self.collect_sq is not None:
            not_self = new != self.rows[owner]
            self._collected.append((owner[not_self], new[not_self]))
            maybe = shifted.ravel()[flat] <= (limit + error).astype(dtype)[r]
            flat, r, new, owner = flat[maybe], r[maybe], new[maybe], owner[maybe]
        # a row is not its own witness, nor twice the same one
        fresh = new != self.rows[owner]
        for known in self.witnesses[owner].T:
            fresh &= new != known
        surely = shifted.ravel()[flat] < (limit - error).astype(dtype)[r]
        close = np.flatnonzero(fresh & ~surely)
        if close.size:
            sq = exact_sq_distances(self.X, self.rows[owner[close]], new[close])
            surely[close] = sq < self.threshold_sq[owner[close]]
        hit = fresh & surely
        self._add_hits(owner[hit], new[hit])

    def _add_hits(self, owner, new):
        """Record up to the missing number of witnesses per row, in the given order.

        ``owner`` (grouped by row) and ``new``: a witness of each row.
        """
        if not owner.size:
            return
        firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        counts = np.diff(np.r_[firsts, len(owner)])
        rank = np.arange(len(owner)) - np.repeat(firsts, counts)
        slot = self.found[owner] + rank
        take = slot < self.k
        self.witnesses[owner[take], slot[take]] = new[take]
        rows = owner[firsts]
        self.found[rows] = np.minimum(self.k, self.found[rows] + counts)

    def _add(self, surely, selected, candidates):
        """Record up to the missing number of witnesses per row, first columns first.

        ``candidates`` holds the candidate of each column (1-D) or of each
        entry (2-D, one row per selected row).
        """
        counts = np.count_nonzero(surely, axis=1)
        hit = np.flatnonzero(counts)
        if not hit.size:
            return
        rows = selected[hit]
        take = np.minimum(self.k - self.found[rows], counts[hit])
        pending = surely[hit]
        for j in range(int(take.max())):
            active = np.flatnonzero(take > j)
            column = np.argmax(pending[active], axis=1)
            if candidates.ndim == 1:
                values = candidates[column]
            else:
                values = candidates[hit[active], column]
            self.witnesses[rows[active], self.found[rows[active]]] = values
            self.found[rows[active]] += 1
            pending[active, column] = False

    def _scan_with_engine(self, selected, candidates):
        # sparse rows: the engine's distances are the ones compared (squared)
        index = NeighborsIndex(self.X[candidates])
        query = self.rows[selected]
        pos = np.minimum(np.searchsorted(candidates, query), len(candidates) - 1)
        inside = candidates[pos] == query
        for group, exclude in ((inside, pos[inside]), (~inside, None)):
            rows_in = selected[group]
            n_available = len(candidates) - int(exclude is not None)
            if not rows_in.size or n_available < 1:
                continue
            # the nearest 2k hold every new witness needed: at most k - 1
            # known witnesses can come first
            n_ask = min(2 * self.k, n_available)
            dist, ind = query_in_chunks(
                index,
                n_ask,
                self.X,
                self.rows[rows_in],
                exclude=exclude,
                return_distance=True,
            )
            neighbours = candidates[ind]
            surely = dist**2 < self.threshold_sq[rows_in][:, None]
            for j in range(self.k):
                surely &= neighbours != self.witnesses[rows_in, j][:, None]
            self._add(surely, rows_in, neighbours)


def witness_device(X):
    """The torch device of the witness scans, or None for the NumPy kernel.

    Dense rows go to the device of the engine's setting; torch is imported
    only when that setting asks for it.
    """
    if sparse.issparse(X) or get_config()["device"] == "cpu":
        return None
    from imbestimators.utils._neighbors_torch import resolve_device

    return resolve_device()


def _row_sq_norms(X):
    return np.einsum("ij,ij->i", X, X, dtype=np.float64)


def _augmented_candidates(cand_X, cand_sq, dtype):
    """``[-2 c, |c|^2]`` as columns: with the query ``[q, 1]``, one product
    gives ``|c|^2 - 2 q.c``, i.e. ``|q - c|^2 - |q|^2``."""
    cand_aug = np.empty((cand_X.shape[1] + 1, len(cand_X)), dtype)
    np.multiply(cand_X.T, -2, out=cand_aug[:-1], dtype=dtype)  # no float32 overflow
    cand_aug[-1] = cand_sq
    return cand_aug


def _augmented_query(query, dtype):
    query_aug = np.empty((len(query), query.shape[1] + 1), dtype)
    query_aug[:, :-1] = query
    query_aug[:, -1] = 1
    return query_aug


def _rounding_bound(dtype, n_features, q_sq, max_c_sq):
    # |q|^2 + |c|^2 - 2 q.c in the product's precision: each term carries at
    # most about n_features units in the last place of |q|^2 + |c|^2 (Higham,
    # Accuracy and Stability of Numerical Algorithms, ch. 3), plus the casts
    # of the threshold; doubled for safety, as in the k-NN engine
    unit = np.finfo(dtype).eps
    return (2 * n_features + 16) * unit * (q_sq + max_c_sq)


class _Cells:
    """Pivot cells of one class: each row of the class belongs to its nearest pivot.

    A row's close rows mostly lie in its own cell and in the cells of the
    pivots nearest to its pivot, so searching those cells first finds
    witnesses at a small fraction of the cost of a scan of the class.
    """

    def __init__(self, X, same, density):
        n_pivots = int(np.clip(density * np.sqrt(len(same)), 1, len(same)))
        self.pivots = np.sort(same[scan_order(len(same))[:n_pivots]])
        self.same = same
        cell = _nearest_pivot(X, same, self.pivots)
        # search order of a row: its cell, then the cells of the pivots
        # nearest to its pivot
        n_near = min(_N_NEAR_PIVOTS, n_pivots)
        neighbours = np.arange(n_pivots)[:, None]
        if n_near > 1:
            near_pivots = NeighborsIndex(X[self.pivots]).kneighbors(n_near - 1)
            neighbours = np.column_stack([neighbours, near_pivots])
        self._near_pivots = neighbours
        self.near = neighbours[cell].astype(np.int32)
        self._X_all = X
        order = np.argsort(cell, kind="stable")
        self._members = same[order]
        self._starts = np.searchsorted(cell[order], np.arange(n_pivots + 1))
        self._prepared = None

    def distance(self, position, n_columns=None):
        """Exact distances of the rows ``same[position]`` to their near pivots.

        Computed when asked (only the pivot bound needs them), so that a class
        of a million rows does not hold them all.
        """
        near = self.near[position, :n_columns]
        sq = exact_sq_distances(
            self._X_all,
            np.repeat(self.same[position], near.shape[1]),
            self.pivots[near].ravel(),
        )
        return np.sqrt(sq).reshape(near.shape)

    def members(self, cell):
        """The rows of a cell, sorted."""
        return self._members[self._starts[cell] : self._starts[cell + 1]]

    def search(self, witnesses, selected, position, n_cells=None):
        """Search each selected row's cell, then ``n_cells - 1`` neighbouring cells.

        The first search is done by runs of consecutive cells of about
        ``_RUN`` rows: every row of a run scans the whole run, so the products
        are few and large, and the extra rows are extra chances. The rows left
        then scan the members of their pivot's near cells, one product per
        cell (with label noise, a quarter of the rows may be left: one
        product per pair of cells cost ten times as much).
        """
        n_cells = min(n_cells or self.near.shape[1], self.near.shape[1])
        if sparse.issparse(self._X_all):
            self._search_sparse(witnesses, selected, position, n_cells)
            return
        witnesses.scan_columns(self._run_tasks(selected, position), *self._columns())
        if n_cells < 2:
            return
        selected = witnesses.unsettled(selected)
        witnesses.scan_columns(
            self._near_tasks(selected, position, n_cells), *self._columns()
        )

    def _columns(self):
        """The members (in cell order), their screening columns and norms.

        Computed once per set of cells, so that a member's columns are not
        rebuilt for each of the up to ``_N_NEAR_PIVOTS`` searches it is part
        of (with label noise, that rebuilding cost more than the products).
        """
        if self._prepared is None:
            members_X = self._X_all[self._members]
            sq = _row_sq_norms(members_X)
            dtype = screening_dtype(members_X.dtype, sq.max())
            # a member per row: a task gathers contiguous rows, not strided
            # columns (on a busy machine, a gather of columns cost more than
            # the product)
            aug = np.empty((len(sq), members_X.shape[1] + 1), dtype)
            np.multiply(members_X, -2, out=aug[:, :-1], dtype=dtype)
            aug[:, -1] = sq
            self._prepared = (self._members, aug, sq)
        return self._prepared

    def _by_cell(self, selected, position):
        """``selected`` sorted by cell, and where each cell's rows start."""
        cell_of = self.near[position[selected], 0]
        order = np.argsort(cell_of, kind="stable")
        bounds = np.searchsorted(cell_of[order], np.arange(len(self.pivots) + 1))
        return selected[order], bounds

    def _runs(self, selected, position):
        """``(rows, first cell, end cell)`` of the runs of whole cells, cut
        where a run reaches ``_RUN`` rows; the rows of ``selected`` in them."""
        rows, bounds = self._by_cell(selected, position)
        run_of_cell = self._starts[:-1] // _RUN
        cuts = np.flatnonzero(np.diff(run_of_cell)) + 1
        for first, last in zip(np.r_[0, cuts], np.r_[cuts, len(self.pivots)]):
            yield rows[bounds[first] : bounds[last]], first, last

    def _run_tasks(self, selected, position):
        """``(query rows, member columns)`` of the runs of whole cells."""
        tasks = []
        for rows_in, first, last in self._runs(selected, position):
            columns = slice(self._starts[first], self._starts[last])
            for start in range(0, len(rows_in), _QUERY_BLOCK):
                tasks.append((rows_in[start : start + _QUERY_BLOCK], columns))
        return tasks

    def _near_tasks(self, selected, position, n_cells):
        """``(query rows, member columns)`` of the near cells of each cell."""
        rows, bounds = self._by_cell(selected, position)
        tasks = []
        for cell in np.flatnonzero(np.diff(bounds)):
            near = self._near_pivots[cell, 1:n_cells]
            starts, stops = self._starts[near], self._starts[near + 1]
            sizes = stops - starts
            offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes)
            columns = offsets + np.arange(sizes.sum())
            rows_in = rows[bounds[cell] : bounds[cell + 1]]
            for start in range(0, len(rows_in), _QUERY_BLOCK):
                tasks.append((rows_in[start : start + _QUERY_BLOCK], columns))
        return tasks

    def _search_sparse(self, witnesses, selected, position, n_cells):
        self._search_runs(witnesses, selected, position)
        if n_cells < 2:
            return
        rows, bounds = self._by_cell(witnesses.unsettled(selected), position)
        groups = []
        for cell in np.flatnonzero(np.diff(bounds)):
            near = self._near_pivots[cell, 1:n_cells]
            members = np.concatenate([self.members(c) for c in near])
            groups.append((rows[bounds[cell] : bounds[cell + 1]], np.sort(members)))
        witnesses.scan_many(groups)

    def _search_runs(self, witnesses, selected, position):
        groups = []
        for rows_in, first, last in self._runs(selected, position):
            if rows_in.size:
                # candidates in increasing row order (each cell's are)
                members = self._members[self._starts[first] : self._starts[last]]
                groups.append((rows_in, np.sort(members)))
        witnesses.scan_many(groups)


def _nearest_pivot(X, rows, pivots):
    """The (about) nearest pivot of each row.

    Which cell a row falls in only affects speed, so the screening products
    decide without refinement; sparse rows ask the engine.
    """
    if sparse.issparse(X):
        return query_in_chunks(NeighborsIndex(X[pivots]), 1, X, rows)[:, 0]
    piv_X = X[pivots]
    piv_sq = _row_sq_norms(piv_X)
    piv_augs = {}
    nearest = np.empty(len(rows), dtype=np.intp)
    n_block = max(1, 2**20 // len(pivots))
    with _single_blas_thread():
        for start in range(0, len(rows), n_block):
            query = X[rows[start : start + n_block]]
            max_sq = max(piv_sq.max(), _row_sq_norms(query).max())
            dtype = screening_dtype(X.dtype, max_sq)
            if dtype not in piv_augs:
                piv_augs[dtype] = _augmented_candidates(piv_X, piv_sq, dtype)
            query_aug = _augmented_query(query, dtype)
            nearest[start : start + len(query)] = np.argmin(
                query_aug @ piv_augs[dtype], axis=1
            )
    return nearest


def rows_with_own_class_first(
    X, rows, same, other, k, *, nearest_ties=False, segments=None, lists=False
):
    """How many rows of each row's own class are closer than any other class's.

    Parameters
    ----------
    X : {ndarray, sparse matrix}
        All rows (floating point).
    rows : ndarray of int
        Sorted query rows, all of one class.
    same : ndarray of int
        Sorted rows of that class, the query rows among them.
    other : ndarray of int
        Sorted rows of the other classes.
    k : int
        Number of neighbours examined.
    nearest_ties : bool, default=False
        Also return, for the rows with ``found < k``, every row of another
        class at the nearest distance.
    segments : Segments, default=None
        Rows known to lie on segments between other rows (after SMOTE): the
        bounds they give replace searches (see
        :mod:`imbestimators.under_sampling._segments`); same answers.
    lists : bool, default=False
        Also return tie-inclusive ``k``-neighbourhoods among ``same`` and
        ``other`` of rows with ``found < k``, where the scan of the class can
        gather them (dense rows on the CPU, few rows of other classes): the
        rows that ENN-mode examines then do not pay for the class a second
        time.

    Returns
    -------
    found : ndarray of int
        ``min(k, number of rows of the class strictly closer to the row than
        its nearest row of another class)``: the row's tie-inclusive
        ``k``-neighbourhood is all of its class exactly when ``found == k``.
    depends_on : ndarray of shape (len(rows), k + 1)
        The rows this answer depends on (witnesses, and the nearest row of
        another class when ``found < k``), padded with -1: the answer holds as
        long as none of them is removed.
    nearest : tuple of ndarray
        Only with ``nearest_ties=True``: the squared distance to the nearest
        row of another class (NaN where ``found == k``), and those rows,
        padded with -1.
    listed : tuple of ndarray
        Only with ``lists=True``: positions in ``rows`` (some of the rows with
        ``found < k``, maybe none), their neighbours' distances and rows,
        nearest first (ties by row), padded with ``inf`` and -1.
    """
    found = np.full(len(rows), k, dtype=np.intp)
    depends_on = np.full((len(rows), k + 1), -1, dtype=np.intp)
    nearest_sq = np.full(len(rows), np.nan)
    ties = np.full((len(rows), 1), -1, dtype=np.intp)
    listed = (np.zeros(0, dtype=np.intp), np.zeros((0, k)), np.zeros((0, k), np.intp))
    todo = np.arange(len(rows) if other.size else 0)
    if todo.size and segments is not None:
        todo = _unsettled_on_segments(X, rows, same, other, k, segments, depends_on)
    cells = None
    # on a device the cells are built and searched there (_witnesses_torch)
    if todo.size and len(same) >= _MIN_CELLED and witness_device(X) is None:
        cells = _Cells(X, same, _SPARSE_PIVOTS)
        todo_deps = depends_on[todo]
        left = _unsettled_by_bound(X, rows[todo], other, k, cells, todo_deps)
        depends_on[todo] = todo_deps
        todo = todo[left]
    if todo.size:
        witnesses, nearest, todo_listed = _exact_witnesses(
            X, rows[todo], same, other, k, cells, nearest_ties, segments, lists
        )
        if todo_listed is not None:
            listed = (todo[todo_listed[0]], *todo_listed[1:])
        found[todo] = witnesses.found
        depends_on[todo, :k] = witnesses.witnesses
        short = witnesses.found < k
        depends_on[todo[short], k] = nearest[short, 0]
        nearest_sq[todo[short]] = witnesses.threshold_sq[short]
        ties = np.full((len(rows), nearest.shape[1]), -1, dtype=np.intp)
        ties[todo[short]] = nearest[short]
    out = (found, depends_on)
    if nearest_ties:
        out += ((nearest_sq, ties),)
    if lists:
        out += (listed,)
    return out


def _unsettled_on_segments(X, rows, same, other, k, segments, depends_on):
    """Positions of the rows their segments do not settle (as the pivot bound)."""
    # import here: _segments uses this module's exact distances
    from imbestimators.under_sampling._segments import settle_on_segments

    found, witnesses = settle_on_segments(
        X, rows, same, other, k, segments, lambda r, c: nearest_in(X, r, c)
    )
    settled = found >= k
    depends_on[settled, :k] = witnesses[settled]
    return np.flatnonzero(~settled)


def _unsettled_by_bound(X, rows, other, k, cells, depends_on):
    """Positions of the rows the pivot bound does not settle.

    All of them when the bound is not promising; the witnesses of the settled
    rows are recorded in ``depends_on``.
    """
    if not _bound_promising(X, rows, other, k, cells):
        return np.arange(len(rows))
    # dense pivots make the bound tight (after over-sampling, most rows are
    # then settled without any search over the other classes)
    bound_cells = _Cells(X, cells.same, _DENSE_PIVOTS)
    bound_found, bound_witnesses = _settle_by_bound(X, rows, other, k, bound_cells)
    settled = bound_found >= k
    depends_on[settled, :k] = bound_witnesses[settled]
    return np.flatnonzero(~settled)


def _exact_witnesses(
    X, rows, same, other, k, cells, nearest_ties=False, segments=None, lists=False
):
    """Witnesses strictly closer than each row's nearest row of another class.

    Returns the witnesses (exact counts), the nearest rows of another class,
    one per row (the lower index) or, with ``nearest_ties``, all of them
    (padded with -1), and with ``lists`` the neighbour lists the scan
    gathered (see ``rows_with_own_class_first``), or None.
    """
    distance, nearest = _nearest_other(X, rows, other, nearest_ties, segments)
    if nearest_ties:
        distance = distance[:, 0]
    else:
        nearest = nearest[:, None]
    if sparse.issparse(X):
        threshold_sq = distance**2
    else:
        threshold_sq = exact_sq_distances(X, rows, nearest[:, 0])
    witnesses = _Witnesses(X, rows, k, threshold_sq)
    selected = np.arange(len(rows))
    if cells is not None:
        cells.search(witnesses, selected, np.searchsorted(same, rows))
    elif len(same) >= _MIN_CELLED and (device := witness_device(X)) is not None:
        from imbestimators.under_sampling._witnesses_torch import (
            search_cells_on_device,
        )

        search_cells_on_device(witnesses, selected, same, device)
    gathered = None
    if lists and _gathering_applies(X, same, other, k):
        gathered = _start_gathering(witnesses, selected, other, k)
    _scan_in_blocks(witnesses, selected, same)
    if gathered is not None:
        gathered = _gathered_lists(witnesses, *gathered, k)
    return witnesses, nearest, gathered


def _kth_smallest(group, values, n_groups, k):
    """The ``k``-th smallest value of each group, counting repeated values
    (each group holds at least ``k`` values)."""
    kth = np.full(n_groups, -np.inf)
    reached = np.zeros(n_groups, dtype=bool)
    for _ in range(k):
        above = values > kth[group]
        nearest = np.full(n_groups, np.inf)
        np.minimum.at(nearest, group[above], values[above])
        kth = np.where(reached, kth, nearest)
        reached = np.bincount(group[values <= kth[group]], minlength=n_groups) >= k
    return kth


def _gathering_applies(X, same, other, k):
    """Whether the class scan gathers the neighbour lists of its short rows.

    Each row still scanning needs its ``k`` nearest rows of the other
    classes first (the radius of its gathering): cheap when they are few.
    """
    return (
        not sparse.issparse(X)
        and witness_device(X) is None
        and k <= len(other)
        and len(other) * _FEW_OTHERS <= len(same)
    )


def _start_gathering(witnesses, selected, other, k):
    """Gather, during the scan of the class, the rows of the class within each
    unsettled row's ``(k - f)``-th nearest row of another class, ``f`` being
    its witnesses found so far.

    Those and the nearest rows of the other classes hold the row's
    tie-inclusive ``k``-neighbourhood: at least ``k`` rows lie within that
    radius (the witnesses lie closer than any other class). Returns the
    positions gathered for, their other-class neighbours' rows and exact
    squared distances, and the squared radii.
    """
    left = witnesses.unsettled(selected)
    X = witnesses.X
    _, ind = query_in_chunks(
        NeighborsIndex(X[other]),
        k,
        X,
        witnesses.rows[left],
        return_distance=True,
        ties="include",
    )
    valid = ind >= 0
    others = np.where(valid, other[np.where(valid, ind, 0)], -1)
    owner = np.repeat(left, valid.sum(axis=1))
    others_sq = np.full(ind.shape, np.inf)
    others_sq[valid] = exact_sq_distances(X, witnesses.rows[owner], others[valid])
    nth = k - 1 - witnesses.found[left]
    radius_sq = np.sort(others_sq, axis=1)[np.arange(len(left)), nth]
    witnesses.collect(left, radius_sq)
    return left, others, others_sq, radius_sq


def _gathered_lists(witnesses, left, others, others_sq, radius_sq, k):
    """Tie-inclusive ``k``-neighbourhoods of the rows left short by the scan.

    Returns their positions, distances and rows as ``rows_with_own_class_first``.
    """
    short = witnesses.found[left] < witnesses.k
    left, others, others_sq = left[short], others[short], others_sq[short]
    radius_sq = radius_sq[short]
    slot = np.full(len(witnesses.rows), -1, dtype=np.intp)
    slot[left] = np.arange(len(left))
    owner, found = witnesses.collected()
    owner = slot[owner]
    found = found[owner >= 0]
    owner = owner[owner >= 0]
    sq = exact_sq_distances(witnesses.X, witnesses.rows[left[owner]], found)
    within = sq <= radius_sq[owner]
    valid = others_sq <= radius_sq[:, None]
    owner = np.r_[owner[within], np.repeat(np.arange(len(left)), valid.sum(axis=1))]
    found = np.r_[found[within], others[valid]]
    sq = np.r_[sq[within], others_sq[valid]]
    # per row: the rows up to its k-th distance (ties included), then nearest
    # first, ties by row (sorting all the gathered rows cost more than the scan)
    inside = sq <= _kth_smallest(owner, sq, len(left), k)[owner]
    owner, found, sq = owner[inside], found[inside], sq[inside]
    order = np.lexsort((found, sq, owner))
    owner, found, sq = owner[order], found[order], sq[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    width = int(rank.max()) + 1 if rank.size else k
    dist = np.full((len(left), width), np.inf)
    ind = np.full((len(left), width), -1, dtype=np.intp)
    dist[owner, rank] = np.sqrt(sq)
    ind[owner, rank] = found
    return left, dist, ind


def _nearest_other(X, rows, other, ties, segments):
    """``nearest_in``, through the segments of ``other`` where they shrink it."""
    if segments is not None:
        # import here: _segments uses this module's exact distances
        from imbestimators.under_sampling._segments import nearest_through_segments

        found = nearest_through_segments(
            X, rows, other, segments, lambda r, c: nearest_in(X, r, c, ties=True)
        )
        if found is not None:
            return _nearest_output(*found, len(rows), ties)
    return nearest_in(X, rows, other, ties=ties)


def _scan_in_blocks(witnesses, selected, same):
    """Scan all of ``same`` in growing blocks, stopping for each settled row."""
    order = scan_order(len(same))
    start, size, last = 0, _FIRST_BLOCK, _LAST_BLOCK
    if witness_device(witnesses.X) is not None:
        # a device's products are cheap: large blocks, few host round trips
        size, last = _FIRST_DEVICE_BLOCK, _LAST_DEVICE_BLOCK
    while start < len(same):
        selected = witnesses.unsettled(selected)
        if not selected.size:
            return
        stop = min(start + size, len(same))
        witnesses.scan(selected, np.sort(same[order[start:stop]]))
        # blocks double up to the last size: their copies stay small
        start, size = stop, min(2 * size, last)


def _bound_promising(X, rows, other, k, cells):
    """Whether the pivot bound settles most rows, judged on a few cells.

    In high dimension with classes that mix, the distance to the other
    classes is not much larger than within a class and the bound settles
    almost nothing; its pivots would then cost a search for nothing (at a
    million rows, several seconds). A few random pivots tell.
    """
    if len(other) < _MIN_CELLED or len(rows) < _MIN_CELLED:
        return False
    sample = scan_order(len(cells.pivots))[:_BOUND_TRIAL_PIVOTS]
    pivot_distance, _ = nearest_in(X, cells.pivots[sample], other)
    position = np.searchsorted(cells.same, rows)
    in_sample = np.isin(cells.near[position, 0], sample)
    if not in_sample.any():
        return False
    tried = np.flatnonzero(in_sample)
    own = cells.near[position[tried], 0]
    distance_of = dict(zip(sample.tolist(), pivot_distance.tolist()))
    own_distance = cells.distance(position[tried], 1)[:, 0]
    bound = np.array([distance_of[p] for p in own.tolist()]) - own_distance
    bound -= _BOUND_MARGIN * (pivot_distance.max() + own_distance)
    witnesses = _Witnesses(X, rows[tried], k, np.where(bound > 0, bound, 0.0) ** 2)
    positive = np.flatnonzero(bound > 0)
    witnesses.scan_many(
        [
            (positive[own[positive] == cell], cells.members(cell))
            for cell in np.unique(own[positive])
        ]
    )
    return np.mean(witnesses.found >= k) >= _BOUND_TRIAL_SUCCESS


def _settle_by_bound(X, rows, other, k, cells):
    """Witnesses closer than a pivot lower bound on the distance to other classes.

    Returns ``found`` (``>= k`` where the row is settled) and the witnesses.
    """
    pivot_distance, _ = nearest_in(X, cells.pivots, other)
    position = np.searchsorted(cells.same, rows)
    near, dist = cells.near[position], cells.distance(position)
    # d(x, z) >= D_p - d(x, p) for every row z of another class
    bound = np.max(pivot_distance[near] - dist, axis=1)
    bound -= _BOUND_MARGIN * (pivot_distance.max() + dist[:, -1])
    threshold_sq = np.where(bound > 0, bound, 0.0) ** 2
    witnesses = _Witnesses(X, rows, k, threshold_sq)
    # the bound settles rows with close witnesses (their own cell holds them);
    # the others are settled more cheaply by the exact threshold
    cells.search(witnesses, np.flatnonzero(bound > 0), position, n_cells=1)
    return witnesses.found, witnesses.witnesses


def tomek_link_mask(X, codes):
    """Rows that belong to a Tomek link.

    Rows ``x`` and ``y`` of different classes form a link when no row ``z``
    has ``d(x, z) < d(x, y)`` or ``d(y, z) < d(x, y)`` (Tomek's definition,
    which needs no tie rule: with ties a row can be in several links).

    A link always has one end outside the largest class, so only the rows of
    the other classes are examined: a row with a row of its own class
    strictly closer than any other class's is in no link; otherwise its
    partners are its nearest rows of another class, which needs a search over
    the other classes only. A partner outside the largest class was examined
    too; one in the largest class closes the link when no row is strictly
    closer to it, which the first row found closer refutes.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Rows (floating point).
    codes : ndarray of int
        Class code of each row.

    Returns
    -------
    ndarray of bool of shape (n_samples,)
    """
    # float64 data of extreme magnitude: the same links, from distances that
    # neither overflow nor underflow
    X = scaled_to_safe_range(X)
    n_samples = len(codes)
    counts = np.bincount(codes)
    largest = int(np.argmax(counts))
    # per examined row: whether no row of its class is strictly closer than
    # its nearest row of another class, and that nearest squared distance
    open_end = np.zeros(n_samples, dtype=bool)
    nearest_sq = np.full(n_samples, np.nan)
    ends, partners, pair_sq = [], [], []
    for code in np.flatnonzero(counts):
        if code == largest:
            continue
        rows = np.flatnonzero(codes == code)
        found, _, (sq, ties) = rows_with_own_class_first(
            X, rows, rows, np.flatnonzero(codes != code), 1, nearest_ties=True
        )
        is_open = found == 0
        open_end[rows[is_open]] = True
        nearest_sq[rows[is_open]] = sq[is_open]
        width = np.count_nonzero(ties[is_open] >= 0, axis=1)
        ends.append(np.repeat(rows[is_open], width))
        partners.append(ties[is_open][ties[is_open] >= 0])
        pair_sq.append(np.repeat(sq[is_open], width))
    mask = np.zeros(n_samples, dtype=bool)
    if not ends:
        return mask
    ends, partners = np.concatenate(ends), np.concatenate(partners)
    pair_sq = np.concatenate(pair_sq)
    # a partner outside the largest class was examined: nothing is strictly
    # closer to it exactly when it is open at the same distance
    linked = open_end[partners] & (nearest_sq[partners] == pair_sq)
    in_largest = codes[partners] == largest
    if in_largest.any():
        # several ends may share a partner at the same distance: ask once
        keys, inverse = np.unique(
            np.column_stack([partners[in_largest], pair_sq[in_largest]]),
            axis=0,
            return_inverse=True,
        )
        closed = _nothing_strictly_closer(X, keys[:, 0].astype(np.intp), keys[:, 1])
        linked[in_largest] = closed[inverse.reshape(-1)]
    mask[ends[linked]] = True
    mask[partners[linked]] = True
    return mask


def _nothing_strictly_closer(X, rows, threshold_sq):
    """Whether no row lies strictly closer to ``rows[i]`` than ``threshold_sq[i]``.

    The scan of a row stops at the first row found strictly closer.
    """
    if not len(rows):
        return np.zeros(0, dtype=bool)
    witnesses = _Witnesses(X, rows, 1, threshold_sq)
    _scan_in_blocks(witnesses, np.arange(len(rows)), np.arange(X.shape[0]))
    return witnesses.found == 0
