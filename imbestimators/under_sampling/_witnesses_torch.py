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
- an entry below the threshold by more than the product's rounding bound is
  surely a witness; the ``2k`` smallest entries of each row are kept (at most
  ``k`` witnesses are needed, and at most ``k`` may already be known);
- entries within the rounding bound of the threshold are decided on the host
  from exact float64 differences, as in the NumPy kernel.

Which witnesses are found (and so which rows a later answer depends on) may
differ from the NumPy scan; how many are found, capped at ``k``, does not, so
every decision is the same. The pivot cells are not used on a device: one
product over a random block of the class settles most rows there, at a small
fraction of the cost of building the cells on the host.
"""

import numpy as np

from imbestimators.under_sampling._neighbourhoods import (
    _rounding_bound,
    _row_sq_norms,
    exact_sq_distances,
)
from imbestimators.utils._neighbors import screening_dtype
from imbestimators.utils._neighbors_torch import (
    _ieee_matmul,
    _mask_excluded,
    _torch,
)

__all__ = ["scan_on_device"]

#: entries of one block of products on the device (float32: 256 MiB)
_BLOCK_ENTRIES = 2**26
#: candidate columns per product: wider blocks are screened in column chunks
_MAX_COLUMNS = 2**16


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
    cand_sq = _row_sq_norms(X[candidates])
    q_sq = _row_sq_norms(X[rows[selected]])
    dtype = screening_dtype(X.dtype, max(cand_sq.max(), q_sq.max()))
    # the row's own column, where the row is among the candidates
    position = np.minimum(
        np.searchsorted(candidates, rows[selected]), len(candidates) - 1
    )
    own = np.where(candidates[position] == rows[selected], position, -1)
    limit = witnesses.threshold_sq[selected] - q_sq
    # the product has one more term than the NumPy kernel's augmented one
    error = _rounding_bound(dtype, X.shape[1] + 1, q_sq, cand_sq.max())
    error += 4 * np.finfo(dtype).eps * np.abs(limit)
    with _ieee_matmul():
        screened = _DeviceBlock(X, candidates, cand_sq, dtype, device)
        owner, found = screened.witnesses(
            X[rows[selected]], own, limit - error, limit + error, 2 * witnesses.k
        )
    # candidates within the rounding bound of the threshold: exact float64
    owner_pos, cand_pos, surely = owner, found, np.ones(len(owner), dtype=bool)
    unsure = screened.unsure
    if unsure[0].size:
        sq = exact_sq_distances(X, rows[selected[unsure[0]]], candidates[unsure[1]])
        strictly = sq < witnesses.threshold_sq[selected[unsure[0]]]
        owner_pos = np.concatenate([owner, unsure[0][strictly]])
        cand_pos = np.concatenate([found, unsure[1][strictly]])
        surely = np.ones(len(owner_pos), dtype=bool)
    new = candidates[cand_pos]
    owners = selected[owner_pos]
    # a known witness is not counted twice
    for known in witnesses.witnesses[owners].T:
        surely &= new != known
    order = np.lexsort((cand_pos, owners))
    keep = order[surely[order]]
    witnesses._add_hits(owners[keep], new[keep])


class _DeviceBlock:
    """The candidates on the device, and the products of query rows with them."""

    def __init__(self, X, candidates, cand_sq, dtype, device):
        torch = _torch()
        self.torch, self.device = torch, device
        cand = np.ascontiguousarray(X[candidates], dtype=dtype)
        self.cand = torch.from_numpy(cand).to(device)
        self.cand_sq = torch.from_numpy(cand_sq.astype(dtype)).to(device)
        self.dtype = dtype
        self.unsure = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp))

    def witnesses(self, query, own, low, high, n_keep):
        """Per query row, up to ``n_keep`` surely closer candidates, and the
        unsure entries (stored in ``self.unsure``).

        Returns the positions (query, candidate) of the sure witnesses.
        """
        torch = self.torch
        n_cand = self.cand.shape[0]
        width = min(n_cand, _MAX_COLUMNS)
        n_rows = max(1, _BLOCK_ENTRIES // width)
        owners, founds, unsure_rows, unsure_cols = [], [], [], []
        for start in range(0, len(query), n_rows):
            stop = min(start + n_rows, len(query))
            q = torch.from_numpy(np.ascontiguousarray(query[start:stop], self.dtype))
            q = q.to(self.device)
            lo = torch.from_numpy(low[start:stop].astype(self.dtype)).to(self.device)
            hi = torch.from_numpy(high[start:stop].astype(self.dtype)).to(self.device)
            excl = torch.from_numpy(own[start:stop].astype(np.int64)).to(self.device)
            best_val = best_ind = None
            for first in range(0, n_cand, width):
                last = min(first + width, n_cand)
                block = torch.addmm(
                    self.cand_sq[first:last], q, self.cand[first:last].T, alpha=-2.0
                )
                _mask_excluded(block, excl, first, last)
                maybe = (block >= lo[:, None]) & (block <= hi[:, None])
                r, c = torch.nonzero(maybe, as_tuple=True)
                if r.numel():
                    unsure_rows.append(r + start)
                    unsure_cols.append(c + first)
                val, ind = torch.topk(
                    block, min(n_keep, last - first), dim=1, largest=False
                )
                ind += first
                if best_val is not None:
                    val = torch.cat((best_val, val), dim=1)
                    ind = torch.cat((best_ind, ind), dim=1)
                    val, pick = torch.topk(
                        val, min(n_keep, val.shape[1]), dim=1, largest=False
                    )
                    ind = ind.gather(1, pick)
                best_val, best_ind = val, ind
            sure = best_val < lo[:, None]
            r, c = torch.nonzero(sure, as_tuple=True)
            owners.append(r + start)
            founds.append(best_ind[r, c])
        self.unsure = (_host(unsure_rows), _host(unsure_cols))
        return _host(owners), _host(founds)


def _host(parts):
    if not parts:
        return np.zeros(0, dtype=np.intp)
    return _torch().cat(parts).cpu().numpy().astype(np.intp, copy=False)
