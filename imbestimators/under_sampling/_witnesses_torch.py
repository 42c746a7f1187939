"""The witness scans of the cleaning rules on a torch device.

:mod:`imbestimators.under_sampling._neighbourhoods` settles a row ``x`` by
*witnesses*: rows of its class strictly closer than a threshold (its nearest
row of another class). On the CPU the scans are NumPy products over pivot
cells and growing blocks of the class. Under a torch device setting
(``config_context(device="cuda")``, or ``"cpu-torch"``), this module runs the
same scan on the device, with the same answers:

- the products ``|c|^2 - 2 q.c`` of a block of query rows and a block of
  candidates are computed on the device, in the precision the NumPy kernel
  would use (float32 only where it can neither overflow nor underflow), with
  TF32 and bfloat16 products switched off;
- only the ``k + 1`` smallest entries of each row leave the product (``topk``):
  those below the threshold by more than the product's rounding bound are
  surely witnesses, and ``k`` sure ones always hold the new witnesses a row
  needs;
- entries within the rounding bound of the threshold are decided on the host
  from exact float64 differences, as in the NumPy kernel (a row whose last
  kept entry is within the bound has its block screened again for every such
  entry).

Which witnesses are found (and so which rows a later answer depends on) may
differ from the NumPy scan; how many are found, capped at ``k``, does not, so
every decision is the same. The NumPy kernel's pivot cells and bounds are
not used on a device; a coarser layout by cells is searched first
(:func:`search_cells_on_device`), then random blocks of the class.
"""

import numpy as np

from imbestimators.under_sampling._neighbourhoods import (
    _rounding_bound,
    _row_sq_norms,
    exact_sq_distances,
    scan_order,
)
from imbestimators.utils._neighbors import screening_dtype
from imbestimators.utils._neighbors_torch import (
    _column_blocks,
    _ieee_matmul,
    _mask_excluded,
    _smallest_in_block,
    _to_device,
    _torch,
)

__all__ = ["scan_on_device", "search_cells_on_device"]

#: entries of one block of products on the device (float32: 256 MiB)
_BLOCK_ENTRIES = 2**26
#: candidate columns per product: wider blocks are screened in column chunks
_MAX_COLUMNS = 2**16
#: rows per pivot cell, query rows per run of the cell search, and rows of the
#: layout scanned on either side of a run
_CELL_ROWS = 1024
_RUN_ROWS = 4096
_WINDOW = 2048


def search_cells_on_device(witnesses, selected, same, device):
    """Look for each row's witnesses first among rows of nearby pivot cells.

    The rows of the class are split into cells (each row belongs to its
    nearest pivot, a random row of the class), the cells are laid out in
    the order of their pivots along the pivots' principal axis, and each run
    of ``_RUN_ROWS`` query rows scans the rows of its cells and ``_WINDOW``
    rows on either side in that layout: one product per run. A row's close
    rows mostly lie in its own cell, so most rows are settled at a fraction of
    the cost of random blocks (which then only see the rest).

    Parameters
    ----------
    witnesses : _Witnesses
        The scan's state; updated.
    selected : ndarray of int
        Positions in ``witnesses.rows`` of the rows to settle.
    same : ndarray of int
        Sorted rows of the class (``witnesses.rows`` among them).
    device : torch.device
        Where the products are computed.
    """
    X, rows = witnesses.X, witnesses.rows
    n_pivots = max(1, len(same) // _CELL_ROWS)
    pivots = same[scan_order(len(same))[:n_pivots]]
    with _ieee_matmul():
        cell = _nearest_pivot(X, same, pivots, device)
    # the layout: cells along the pivots' principal axis, rows by cell
    centred = X[pivots].astype(np.float64) - X[pivots].mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0]
    rank = np.empty(n_pivots, dtype=np.intp)
    rank[np.argsort(centred @ axis, kind="stable")] = np.arange(n_pivots)
    layout = np.lexsort((same, rank[cell]))
    position = np.empty(len(same), dtype=np.intp)
    position[layout] = np.arange(len(same))
    query_position = position[np.searchsorted(same, rows[selected])]
    by_position = np.argsort(query_position, kind="stable")
    selected, query_position = selected[by_position], query_position[by_position]
    for start in range(0, len(selected), _RUN_ROWS):
        stop = min(start + _RUN_ROWS, len(selected))
        first = max(0, query_position[start] - _WINDOW)
        last = min(len(same), query_position[stop - 1] + _WINDOW + 1)
        candidates = np.sort(same[layout[first:last]])
        scan_on_device(witnesses, selected[start:stop], candidates, device)


def _nearest_pivot(X, rows, pivots, device):
    """The (about) nearest pivot of each row: screened products, no refinement
    (a row's cell only affects speed)."""
    torch = _torch()
    piv_sq = _row_sq_norms(X[pivots])
    dtype = screening_dtype(X.dtype, max(piv_sq.max(), _row_sq_norms(X[rows]).max()))
    block = _DeviceBlock(X, pivots, piv_sq, dtype, device)
    n_rows = max(1, _BLOCK_ENTRIES // len(pivots))
    cell = []
    for start in range(0, len(rows), n_rows):
        q = block.on_device(X[rows[start : start + n_rows]])
        products = torch.addmm(block.cand_sq, q, block.cand.T, alpha=-2.0)
        cell.append(torch.argmin(products, dim=1))
    return torch.cat(cell).cpu().numpy().astype(np.intp, copy=False)


def scan_on_device(witnesses, selected, candidates, device):
    """Look for witnesses of ``witnesses.rows[selected]`` among ``candidates``.

    Parameters
    ----------
    witnesses : _Witnesses
        The scan's state (rows, thresholds, witnesses found so far); updated.
    selected : ndarray of int
        Positions in ``witnesses.rows`` of the rows to settle.
    candidates : ndarray of int
        Sorted rows of ``witnesses.X`` to look among.
    device : torch.device
        Where the products are computed.
    """
    selected = witnesses.unsettled(selected)
    if not selected.size or not candidates.size:
        return
    X, rows = witnesses.X, witnesses.rows
    query = X[rows[selected]]
    cand_sq = _row_sq_norms(X[candidates])
    q_sq = _row_sq_norms(query)
    dtype = screening_dtype(X.dtype, max(cand_sq.max(), q_sq.max()))
    # the row's own column, where the row is among the candidates
    position = np.minimum(
        np.searchsorted(candidates, rows[selected]), len(candidates) - 1
    )
    own = np.where(candidates[position] == rows[selected], position, -1)
    limit = witnesses.threshold_sq[selected] - q_sq
    # the bound of the NumPy kernel's augmented product (n_features + 1 terms)
    error = _rounding_bound(dtype, X.shape[1] + 1, q_sq, cand_sq.max())
    error += 4 * np.finfo(dtype).eps * np.abs(limit)
    with _ieee_matmul():
        block = _DeviceBlock(X, candidates, cand_sq, dtype, device)
        sure, unsure = block.screen(
            query, own, limit - error, limit + error, witnesses.k
        )
    _add_fresh(witnesses, selected[sure[0]], candidates[sure[1]])
    # candidates within the rounding bound of the threshold: exact float64
    owner_pos, cand_pos = unsure
    sq = exact_sq_distances(X, rows[selected[owner_pos]], candidates[cand_pos])
    strictly = sq < witnesses.threshold_sq[selected[owner_pos]]
    order = np.argsort(owner_pos[strictly], kind="stable")  # grouped by row
    owner_pos, cand_pos = owner_pos[strictly][order], cand_pos[strictly][order]
    _add_fresh(witnesses, selected[owner_pos], candidates[cand_pos])


def _add_fresh(witnesses, owners, new):
    """Record the witnesses not known yet (``owners`` grouped by row)."""
    fresh = np.ones(len(owners), dtype=bool)
    for known in witnesses.witnesses[owners].T:
        fresh &= new != known
    witnesses._add_hits(owners[fresh], new[fresh])


class _DeviceBlock:
    """The candidates on the device, and the products of query rows with them
    (the k-NN engine's blocked ``addmm`` and ``topk``)."""

    def __init__(self, X, candidates, cand_sq, dtype, device):
        self.device, self.dtype = device, dtype
        self.cand = _to_device(X[candidates], dtype, device)
        self.cand_sq = _to_device(cand_sq, dtype, device)

    def screen(self, query, own, low, high, k):
        """Sure witnesses and unsure entries of each query row.

        Per row, the ``k + 1`` smallest products are kept: those below
        ``low`` are sure witnesses (at most ``k`` are needed, and however many
        are known already, ``k`` sure ones hold enough new ones); those in
        ``[low, high]`` are unsure. A row whose last kept entry is unsure may
        have more unsure entries than were kept: its products are screened
        again, entry by entry.

        Returns
        -------
        sure, unsure : tuple of ndarray
            ``(query positions, candidate positions)`` of each, grouped by
            query row.
        """
        torch = _torch()
        width = min(self.cand.shape[0], _MAX_COLUMNS)
        n_rows = max(1, _BLOCK_ENTRIES // width)
        buffer = torch.empty(
            min(n_rows, len(query)) * width, dtype=self.cand.dtype, device=self.device
        )
        sure, unsure = [], []
        for start in range(0, len(query), n_rows):
            stop = min(start + n_rows, len(query))
            q = self.on_device(query[start:stop])
            lo, hi = self.on_device(low[start:stop]), self.on_device(high[start:stop])
            excl = torch.from_numpy(own[start:stop].astype(np.int64)).to(self.device)
            # one more than k: a tie at the threshold (Tomek's partner) then
            # rarely makes a row look as if it had more unsure entries
            val, ind = _smallest_in_block(
                q, self.cand, self.cand_sq, k + 1, excl, 1.0, width, buffer
            )
            val, order = torch.sort(val, dim=1)
            ind = ind.gather(1, order)
            is_sure = val < lo[:, None]
            maybe = ~is_sure & (val <= hi[:, None])
            full = val.shape[1] == self.cand.shape[0]
            overflow = ~is_sure[:, -1] & maybe[:, -1]
            if not full and bool(overflow.any()):
                rows_over = torch.nonzero(overflow).ravel()
                maybe[rows_over] = False  # their unsure entries come whole
                r, c = self._unsure_entries(
                    q[rows_over],
                    excl[rows_over],
                    lo[rows_over],
                    hi[rows_over],
                    width,
                    buffer,
                )
                unsure.append((rows_over[r] + start, c))
            # k sure entries hold the k - found new witnesses a row needs
            r, c = torch.nonzero(is_sure[:, :k], as_tuple=True)
            sure.append((r + start, ind[r, c]))
            r, c = torch.nonzero(maybe, as_tuple=True)
            unsure.append((r + start, ind[r, c]))
        return _host(sure), _host(unsure)

    def on_device(self, array):
        return _to_device(array, self.dtype, self.device)

    def _unsure_entries(self, q, excl, lo, hi, width, buffer):
        """Every entry in ``[lo, hi]`` of each row: ``(row, column)``."""
        torch = _torch()
        rows, columns = [], []
        blocks = _column_blocks(q, self.cand, self.cand_sq, 1.0, width, buffer)
        for first, block in blocks:
            _mask_excluded(block, excl, first, first + block.shape[1])
            inside = (block >= lo[:, None]) & (block <= hi[:, None])
            r, c = torch.nonzero(inside, as_tuple=True)
            rows.append(r)
            columns.append(c + first)
        return torch.cat(rows), torch.cat(columns)


def _host(pairs):
    """Concatenated ``(rows, columns)`` pairs of device tensors, on the host."""
    if not pairs:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    torch = _torch()
    return tuple(
        torch.cat(part).cpu().numpy().astype(np.intp, copy=False)
        for part in zip(*pairs)
    )
