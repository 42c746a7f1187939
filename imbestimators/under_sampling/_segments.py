"""Rows made by interpolation: exact distance bounds from their segments.

SMOTE and its variants make each new row ``s = a + t (b - a)``, ``t`` in
[0, 1], from two original rows ``a`` and ``b`` of its class [1]_. For every
point ``z`` and ``p = a + t (b - a)``, in exact arithmetic,

    |z - p|^2 = (1 - t) |z - a|^2 + t |z - b|^2 - t (1 - t) |a - b|^2,

so the distances of ``z`` to the few original rows (the *anchors*) give its
distance to every row made from them, and the distance of ``z`` to the whole
segment bounds all the rows on it at once. After SMOTE the anchors are about
one new row in sixty, and in high dimension a segment is much thinner than a
ball around its rows: the segment bound leaves about one segment per query
row where a pivot bound leaves a third of the rows (measured on the noisy
benchmark data, d = 30). Two questions of the cleaning rules use it:

- the nearest row of another class, when the other class is made of segments:
  anchors and segments are screened by their bounds, and only the rows whose
  lower bound does not exceed an upper bound on the nearest distance get an
  exact distance (:func:`nearest_through_segments`);
- the distance of a row on a segment to another class is at least the
  combination above of its anchors' distances to that class, and the rows of
  its own segment are its closest rows (:func:`settle_on_segments`).

The anchors and steps are recovered from the rows (a new row's two nearest
anchors, the step by projection), never trusted: each row carries its exact
distance ``e`` to the point ``p`` used, and ``|d(z, s) - d(z, p)| <= e`` by
the triangle inequality, so the bounds hold for any recovered segment and the
answers are those of the exhaustive search. A badly recovered row only costs
time: it is searched as a plain row.

References
----------
.. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE:
   synthetic minority over-sampling technique", Journal of Artificial
   Intelligence Research, 16, pp. 321-357, 2002.
"""

import contextlib
import contextvars

import numpy as np
from scipy import sparse

from imbestimators.under_sampling._neighbourhoods import (
    _single_blas_thread,
    exact_sq_distances,
    tied_nearest,
)
from imbestimators.utils._neighbors import NeighborsIndex, _map_threads

__all__ = [
    "Segments",
    "declared_originals",
    "find_segments",
    "interpolated_after",
    "nearest_through_segments",
    "settle_on_segments",
]

#: nearest anchors of each anchor tried as the far end of a segment (with
#: the anchors it is near to): SMOTE's default neighbourhood, and some more
_ANCHOR_NEIGHBOURS = 8
#: a class is searched for segments when it has at least this many new rows
#: per anchor (fewer, and the anchors' product saves little)
_MIN_NEW_PER_ANCHOR = 8
#: a row farther than this share of its segment's length from it is plain
_MAX_RESIDUAL = 1e-4
#: relative safety margin on float64 distances and their combinations: far
#: above their rounding (about 1e-16 relative per operation), far below any
#: distance gap that matters
_MARGIN = 1e-9
#: entries of one block of the anchor products (float64: 8 MiB per thread),
#: and at most this many query rows per block
_BLOCK_ENTRIES = 2**20
_BLOCK = 1024
#: the segment search replaces the exhaustive one when it shrinks the product
#: at least this much
_MIN_GAIN = 4

_ORIGINALS = contextvars.ContextVar("imbestimators_originals", default=None)


@contextlib.contextmanager
def interpolated_after(n_original):
    """Declare that rows from ``n_original`` on were interpolated from earlier rows.

    Used by the over-sample-then-clean combinations: the cleaning rules may
    then look for the segments. Only a hint for speed: the rows are checked,
    and the answers never depend on it.
    """
    token = _ORIGINALS.set(int(n_original))
    try:
        yield
    finally:
        _ORIGINALS.reset(token)


def declared_originals():
    """The ``n_original`` of the enclosing :func:`interpolated_after`, or None."""
    return _ORIGINALS.get()


class Segments:
    """Rows of ``X`` on segments between anchor rows of their class.

    Parameters
    ----------
    X : ndarray
        All rows.
    rows, a, b : ndarray of int
        The rows, and the anchor rows of each (``a < b``).
    t : ndarray of float
        Steps in [0, 1]: the row is about ``X[a] + t (X[b] - X[a])``.
    e : ndarray of float
        An upper bound on the distance of each row to that point.
    """

    def __init__(self, X, rows, a, b, t, e):
        order = np.lexsort((t, b, a))
        self.X = X
        self.rows, self.a, self.b = rows[order], a[order], b[order]
        self.t, self.e = t[order], e[order]
        first = np.r_[True, (np.diff(self.a) != 0) | (np.diff(self.b) != 0)]
        self.seg_of = np.cumsum(first) - 1
        # rows of each segment, by increasing step
        self.seg_start = np.r_[np.flatnonzero(first), len(self.rows)]
        # increasing: steps are in [0, 1]
        self.seg_key = 2 * self.seg_of + self.t
        seg_a, seg_b = self.a[first], self.b[first]
        self.anchors, inverse = np.unique(np.r_[seg_a, seg_b], return_inverse=True)
        n_seg = len(seg_a)
        self.seg_ia, self.seg_ib = inverse[:n_seg], inverse[n_seg:]
        self.seg_sq = exact_sq_distances(X, seg_a, seg_b)
        self.seg_t0 = self.t[self.seg_start[:-1]]
        self.seg_t1 = self.t[self.seg_start[1:] - 1]
        self.seg_e = np.maximum.reduceat(self.e, self.seg_start[:-1])
        # segments touching each anchor
        ends = np.r_[self.seg_ia, self.seg_ib]
        by_anchor = np.argsort(ends, kind="stable")
        self.anchor_segs = np.r_[np.arange(n_seg), np.arange(n_seg)][by_anchor]
        self.anchor_start = np.searchsorted(
            ends[by_anchor], np.arange(len(self.anchors) + 1)
        )
        # per anchor: the longest segment and the farthest row off a segment
        self.anchor_sq = np.zeros(len(self.anchors))
        np.maximum.at(self.anchor_sq, ends, np.r_[self.seg_sq, self.seg_sq])
        self.anchor_e = np.zeros(len(self.anchors))
        np.maximum.at(self.anchor_e, ends, np.r_[self.seg_e, self.seg_e])

    def positions(self, rows):
        """Position of each of ``rows`` in ``self.rows`` (-1: on no segment)."""
        by_row = np.argsort(self.rows)
        sorted_rows = self.rows[by_row]
        at = np.minimum(np.searchsorted(sorted_rows, rows), len(sorted_rows) - 1)
        return np.where(sorted_rows[at] == rows, by_row[at], -1)

    def within(self, rows):
        """The segments of the rows among sorted ``rows`` (None when none)."""
        keep = np.isin(self.rows, rows, assume_unique=True)
        if not keep.any():
            return None
        part = [self.rows, self.a, self.b, self.t, self.e]
        return Segments(self.X, *[values[keep] for values in part])


def find_segments(X, codes, n_original):
    """The rows from ``n_original`` on that lie on segments between earlier rows.

    The anchors of a new row are looked for among the rows before
    ``n_original`` of its class; a row farther than ``_MAX_RESIDUAL`` of its
    segment's length from it, or off its ends, is left out. Returns None when
    no class has enough new rows per original one (or the rows are sparse).
    """
    if sparse.issparse(X) or not 0 < n_original < len(codes):
        return None
    parts = []
    for code in np.unique(codes[n_original:]):
        new = n_original + np.flatnonzero(codes[n_original:] == code)
        anchors = np.flatnonzero(codes[:n_original] == code)
        if len(anchors) < 2 or len(new) < _MIN_NEW_PER_ANCHOR * len(anchors):
            continue
        parts.append(_class_segments(X, new, anchors))
    if not parts:
        return None
    rows, a, b, t, e = (np.concatenate(values) for values in zip(*parts))
    fits = _fits(X, rows, a, b, t, e)
    if not fits.any():
        return None
    return Segments(X, rows[fits], a[fits], b[fits], t[fits], e[fits])


def _fits(X, rows, a, b, t, e):
    length = np.sqrt(exact_sq_distances(X, a, b))
    return (length > 0) & (e <= _MAX_RESIDUAL * length) & (t >= 0) & (t <= 1)


def _class_segments(X, new, anchors):
    """The segment of each new row of a class, between two of its anchors.

    One end is the row's nearest anchor ``a``; the other is chosen among the
    anchors near ``a`` and those ``a`` is near to (SMOTE pairs a row with one
    of its nearest rows), as the one whose line from ``a`` passes closest to
    the row. Only a choice, from float64 products: the segment is measured
    exactly after.
    """
    anchor_X = X[anchors].astype(np.float64)
    norms = np.einsum("ij,ij->i", anchor_X, anchor_X)
    near, length = _anchor_pairs(X, anchors, anchor_X, norms)
    # one product in the data's precision gives |c|^2 - 2 s.c for every anchor c
    aug = np.vstack([-2 * anchor_X.T, norms]).astype(X.dtype)
    step = max(1, 2**20 // len(anchors))

    def ends_of_block(start):
        S = X[new[start : start + step]]
        shifted = S @ aug[:-1]
        shifted += aug[-1]
        a = np.argmin(shifted, axis=1)
        r = np.arange(len(S))
        c, c_sq = near[a], length[a]
        # s.c = (|c|^2 - shifted) / 2; (s - a).(c - a) = s.c - s.a - a.c + |a|^2
        # with a.c = (|a|^2 + |c|^2 - |a - c|^2) / 2
        s_c = (norms[c] - shifted[r[:, None], c]) / 2
        s_a = (norms[a] - shifted[r, a]) / 2
        a_dot_c = (norms[a][:, None] + norms[c] - c_sq) / 2
        dot = s_c - s_a[:, None] - a_dot_c + norms[a][:, None]
        sa_sq = np.einsum("ij,ij->i", S, S, dtype=np.float64) + norms[a] - 2 * s_a
        with np.errstate(invalid="ignore", divide="ignore"):
            t = dot / c_sq
        off = sa_sq[:, None] - t * dot
        off[(c < 0) | ~(t >= 0) | ~(t <= 1)] = np.inf
        return a, c[r, np.argmin(off, axis=1)]

    with _single_blas_thread():
        parts = _map_threads(ends_of_block, range(0, len(new), step))
    a = anchors[np.concatenate([part[0] for part in parts])]
    b = anchors[np.concatenate([part[1] for part in parts])]
    low, high = np.minimum(a, b), np.maximum(a, b)
    return (new, low, high, *_projection(X, new, low, high))


def _anchor_pairs(X, anchors, anchor_X, norms):
    """Each anchor's nearest anchors and the anchors it is nearest to.

    Returns their positions (padded with -1) and squared distances (``inf``).
    """
    n_near = min(_ANCHOR_NEIGHBOURS, len(anchors) - 1)
    forward = NeighborsIndex(X[anchors]).kneighbors(n_near).ravel()
    origin = np.repeat(np.arange(len(anchors)), n_near)
    pairs = np.unique(
        np.column_stack([np.r_[origin, forward], np.r_[forward, origin]]), axis=0
    )
    starts = np.searchsorted(pairs[:, 0], np.arange(len(anchors) + 1))
    near = np.full((len(anchors), np.diff(starts).max()), -1, dtype=np.intp)
    near[pairs[:, 0], np.arange(len(pairs)) - starts[pairs[:, 0]]] = pairs[:, 1]
    diff = anchor_X[:, None, :] - anchor_X[near]
    length = np.where(near >= 0, np.einsum("ijk,ijk->ij", diff, diff), np.inf)
    return near, length


def _projection(X, rows, a, b):
    """Step of the projection of each row on its line ``a b``, and the distance.

    The distance is to the point ``a + t (b - a)`` with the returned ``t``,
    computed in float64 and widened by far more than its rounding.
    """
    t = np.empty(len(rows))
    e = np.empty(len(rows))
    step = max(1, 2**18 // X.shape[1])
    for start in range(0, len(rows), step):
        part = slice(start, start + step)
        s = X[rows[part]].astype(np.float64)
        xa = X[a[part]].astype(np.float64)
        ab = X[b[part]].astype(np.float64) - xa
        sq = np.einsum("ij,ij->i", ab, ab)
        t_part = np.einsum("ij,ij->i", s - xa, ab) / np.where(sq > 0, sq, 1)
        off = s - xa - t_part[:, None] * ab
        # each operation above rounds relative to its own result: the error is
        # bounded by the differences, not by where the data sit (an offset of
        # 1e4 made the coordinates' norms leave half the rows off segments)
        scale = np.abs(s - xa).sum(axis=1) + (1 + np.abs(t_part)) * np.abs(ab).sum(
            axis=1
        )
        t[part] = t_part
        e[part] = np.sqrt(np.einsum("ij,ij->i", off, off)) + _MARGIN * scale
    return t, e


def _length_bounds(segments, seg):
    """Lower and upper bounds on the squared lengths of segments ``seg``
    (exact float64 values, widened by their rounding)."""
    length = segments.seg_sq[seg]
    return length * (1 - _MARGIN), length * (1 + _MARGIN)


def _combined(t, sq_a, sq_b, seg_sq):
    """Lower and upper bounds of ``(1 - t) sq_a + t sq_b - t (1 - t) seg_sq``.

    ``sq_a``, ``sq_b`` and ``seg_sq`` are pairs of (lower, upper) bounds;
    ``t`` in [0, 1], where the value rises with the first two and falls with
    the third.
    """
    s = 1 - t
    low = s * sq_a[0] + t * sq_b[0] - t * s * seg_sq[1]
    high = s * sq_a[1] + t * sq_b[1] - t * s * seg_sq[0]
    slack = _MARGIN * (s * sq_a[1] + t * sq_b[1] + t * s * seg_sq[1])
    return low - slack, high + slack


def _distance_bounds(sq_low, sq_high, e):
    """Bounds on a distance from bounds on its square, to a point ``e`` away."""
    low = np.sqrt(np.maximum(sq_low, 0)) - e
    return np.maximum(low, 0) * (1 - _MARGIN), (np.sqrt(sq_high) + e) * (1 + _MARGIN)


def nearest_through_segments(X, rows, other, segments, nearest_plain):
    """The nearest rows of ``other`` when many of them lie on segments.

    Parameters
    ----------
    X : ndarray
        All rows.
    rows, other : ndarray of int
        Sorted query rows and candidate rows.
    segments : Segments
        Segments of some rows of ``other``.
    nearest_plain : callable
        ``nearest_plain(rows, candidates)``: the exact nearest candidates of
        each row with ties (``nearest_in``'s arrays), for the rows of
        ``other`` on no segment.

    Returns
    -------
    sq, owner, found : ndarray
        Every row of ``other`` at each query row's smallest exact squared
        distance (positions in ``rows``, rows of ``X``), grouped by owner,
        candidates in increasing order; or None when the segments would not
        shrink the search enough.
    """
    segments = segments.within(other)
    if segments is None:
        return None
    plain = np.setdiff1d(other, segments.rows, assume_unique=True)
    if len(segments.rows) < _MIN_GAIN * (len(plain) + len(segments.anchors)):
        return None
    best_sq = np.full(len(rows), np.inf)
    parts = []
    if plain.size:
        _, ties = nearest_plain(rows, plain)
        best_sq = exact_sq_distances(X, rows, ties[:, 0])
        owner, column = np.nonzero(ties >= 0)
        parts.append((owner, ties[owner, column]))
    products = _AnchorProducts(X, segments)
    # the blocks' products (query rows x anchors) stay small on every thread
    n_block = int(np.clip(_BLOCK_ENTRIES // len(segments.anchors), 1, _BLOCK))

    def candidates_of_block(start):
        block = np.arange(start, min(start + n_block, len(rows)))
        owner, found = _segment_candidates(products, rows[block], best_sq[block])
        return block[owner], found

    parts.extend(_map_threads(candidates_of_block, range(0, len(rows), n_block)))
    owner = np.concatenate([part[0] for part in parts])
    found = np.concatenate([part[1] for part in parts])
    return tied_nearest(X, rows, owner, found)


class _AnchorProducts:
    """Squared distances of blocks of query rows to the anchors, with their error.

    One float64 product per block gives ``A - |q|^2 - l / 4`` (``l`` the
    longest segment at the anchor), the quantity the anchor screen compares;
    the distances themselves are read back at the few pairs that need them.
    """

    def __init__(self, X, segments):
        self.X = X
        self.segments = segments
        anchor_X = X[segments.anchors].astype(np.float64)
        norms = np.einsum("ij,ij->i", anchor_X, anchor_X)
        self.quarter = segments.anchor_sq / 4
        self.aug = np.vstack([-2 * anchor_X.T, norms - self.quarter])
        self.max_norm = norms.max()
        self.e_max = segments.anchor_e.max()


class _BlockProducts:
    """``_AnchorProducts`` of one block of query rows."""

    def __init__(self, products, query_rows):
        self.segments = products.segments
        self.quarter = products.quarter
        self.e_max = products.e_max
        Q = products.X[query_rows].astype(np.float64)
        self.q_norms = np.einsum("ij,ij->i", Q, Q)
        self.shifted = Q @ products.aug[:-1]
        self.shifted += products.aug[-1]
        # float64 rounding of the product (Higham, ch. 3), widened
        unit = (2 * Q.shape[1] + 16) * np.finfo(np.float64).eps
        self.error = unit * (self.q_norms + products.max_norm)

    def at(self, owner, anchor):
        """Lower and upper bounds on ``A`` at the pairs ``(owner, anchor)``."""
        flat = owner * self.shifted.shape[1] + anchor
        value = np.take(self.shifted, flat) + self.q_norms[owner] + self.quarter[anchor]
        error = self.error[owner]
        return np.maximum(value - error, 0), value + error


def _segment_candidates(products, query_rows, best_sq):
    """Rows on segments that may be nearer to each query row than ``best_sq``.

    Three screens, each with exact bounds: anchors (a row on a segment of
    length ``l`` is at most ``l / 2`` closer than the nearer end), segments
    (the distance to the whole segment), then rows; the upper bounds of the
    rows on the nearest anchor's segments first tighten the threshold.
    """
    segments = products.segments
    block = _BlockProducts(products, query_rows)
    shifted = block.shifted
    n_query = len(query_rows)
    limit = np.sqrt(best_sq) * (1 + _MARGIN)
    near = np.argmin(shifted + block.quarter, axis=1)
    owner, seg, _ = _anchor_segs(np.arange(n_query), near, segments)
    _, t = _segment_low(block, owner, seg)
    # the rows on either side of the segment's nearest point
    after = np.searchsorted(segments.seg_key, 2 * seg + t)
    for position in (after - 1, after):
        position = np.clip(
            position, segments.seg_start[seg], segments.seg_start[seg + 1] - 1
        )
        np.minimum.at(limit, owner, _row_bounds(block, owner, position)[1])
    # anchors: (1 - t) A + t B - t (1 - t) l >= min(A, B) - l / 4 for the
    # point p of a row s, and d(x, s) >= d(x, p) - e
    reach = (limit + block.e_max) ** 2 * (1 + _MARGIN) + block.error
    screen = shifted < (reach - block.q_norms)[:, None]
    owner, anchor = np.nonzero(screen)
    owner, seg, anchor = _anchor_segs(owner, anchor, segments)
    # a segment with both ends screened in is kept once, from its first end
    ia = segments.seg_ia[seg]
    keep = (ia == anchor) | ~np.take(screen, owner * screen.shape[1] + ia)
    owner, seg = owner[keep], seg[keep]
    low, _ = _segment_low(block, owner, seg)
    close = low <= limit[owner]
    owner, position = _expand(owner[close], seg[close], segments.seg_start)
    low, high = _row_bounds(block, owner, position)
    np.minimum.at(limit, owner, high)
    close = low <= limit[owner]
    return owner[close], segments.rows[position[close]]


def _segment_low(block, owner, seg):
    """Lower bound on the distance of query ``owner`` to the rows of segment ``seg``.

    ``block`` holds the query rows' products (:class:`_BlockProducts`). The
    combination is convex in the step: its lowest point over the steps of the
    segment's rows. Returns the bound and the step.
    """
    segments = block.segments
    sq_a = block.at(owner, segments.seg_ia[seg])
    sq_b = block.at(owner, segments.seg_ib[seg])
    seg_sq = _length_bounds(segments, seg)
    t = np.clip(
        (sq_a[0] - sq_b[0] + seg_sq[1]) / (2 * seg_sq[1]),
        segments.seg_t0[seg],
        segments.seg_t1[seg],
    )
    low, _ = _distance_bounds(
        _combined(t, sq_a, sq_b, seg_sq)[0], np.inf, segments.seg_e[seg]
    )
    return low, t


def _anchor_segs(owner, anchor, segments):
    """``(owner, anchor)`` pairs expanded to the segments touching the anchor.

    Returns the owners, segments and the anchor each pair came from.
    """
    counts = segments.anchor_start[anchor + 1] - segments.anchor_start[anchor]
    owner, index = _expand(owner, anchor, segments.anchor_start)
    return owner, segments.anchor_segs[index], np.repeat(anchor, counts)


def _row_bounds(block, owner, position):
    """Bounds on the distance of query ``owner`` to the row at ``position``."""
    segments = block.segments
    seg = segments.seg_of[position]
    low, high = _combined(
        segments.t[position],
        block.at(owner, segments.seg_ia[seg]),
        block.at(owner, segments.seg_ib[seg]),
        _length_bounds(segments, seg),
    )
    return _distance_bounds(low, high, segments.e[position])


def _expand(owner, group, start):
    """Pairs ``(owner, item)`` for every item ``start[g] <= item < start[g + 1]``."""
    counts = start[group + 1] - start[group]
    owner = np.repeat(owner, counts)
    firsts = np.repeat(start[group] - np.r_[0, np.cumsum(counts)[:-1]], counts)
    return owner, np.arange(len(owner)) + firsts


def settle_on_segments(X, rows, same, other, k, segments, nearest):
    """Witnesses on a row's segment closer than a bound on its distance to ``other``.

    For a row ``s`` near ``p = a + t (b - a)``, every row ``z`` of ``other``
    satisfies ``d(z, p)^2 >= (1 - t) D_a^2 + t D_b^2 - t (1 - t) |a - b|^2``,
    ``D_a`` and ``D_b`` the anchors' distances to their nearest rows of
    ``other``; the rows of the segment nearest to ``s`` in step are its
    closest rows of its class, and are witnesses when strictly below it.

    Parameters
    ----------
    nearest : callable
        ``nearest(anchors, other)``: each anchor's exact nearest row of
        ``other`` (``nearest_in``'s arrays).

    Returns
    -------
    found : ndarray of int
        Witnesses found per row (``>= k`` where settled), zero for the rows on
        no segment.
    witnesses : ndarray of shape (len(rows), k)
        The first ``k`` witnesses, padded with -1.
    """
    found = np.zeros(len(rows), dtype=np.intp)
    witnesses = np.full((len(rows), k), -1, dtype=np.intp)
    segments = segments.within(same)
    if segments is None or not other.size:
        return found, witnesses
    position = segments.positions(rows)
    on = np.flatnonzero(position >= 0)
    if not on.size:
        return found, witnesses
    position = position[on]
    _, nearest_row = nearest(segments.anchors, other)
    anchor_sq = exact_sq_distances(X, segments.anchors, nearest_row)
    seg = segments.seg_of[position]
    low, _ = _combined(
        segments.t[position],
        (anchor_sq[segments.seg_ia[seg]],) * 2,
        (anchor_sq[segments.seg_ib[seg]],) * 2,
        _length_bounds(segments, seg),
    )
    bound, _ = _distance_bounds(low, np.inf, segments.e[position])
    # the k rows of the segment on each side, by step
    for offset in [*range(-k, 0), *range(1, k + 1)]:
        other_position = position + offset
        inside = (other_position >= segments.seg_start[seg]) & (
            other_position < segments.seg_start[seg + 1]
        )
        todo = np.flatnonzero(inside & (found[on] < k))
        if not todo.size:
            continue
        candidate = segments.rows[other_position[todo]]
        sq = exact_sq_distances(X, rows[on[todo]], candidate)
        hit = todo[sq < bound[todo] ** 2]
        witnesses[on[hit], found[on[hit]]] = segments.rows[other_position[hit]]
        found[on[hit]] += 1
    return found, witnesses
