"""Tests of the segment bounds for rows made by interpolation."""

import numpy as np
import pytest
from scipy import sparse

from imbestimators.under_sampling import _segments
from imbestimators.under_sampling._neighbourhoods import (
    exact_sq_distances,
    nearest_in,
    rows_with_own_class_first,
)
from imbestimators.under_sampling._segments import (
    find_segments,
    nearest_through_segments,
    settle_on_segments,
)


def interpolated(seed, dtype, n_original=40, n_new=400, grid=True):
    """Two classes of originals; class 1 gets new rows as SMOTE makes them.

    Each new row lies between a row and one of its 5 nearest rows of class 1;
    on a small integer grid with steps in quarters, many distances tie exactly.
    """
    rng = np.random.default_rng(seed)
    if grid:
        X = rng.integers(-3, 4, size=(n_original, 3)).astype(np.float64)
        steps = rng.integers(0, 5, size=n_new) / 4
    else:
        X = rng.normal(size=(n_original, 3))
        steps = rng.uniform(size=n_new)
    codes = (np.arange(n_original) % 3 == 0).astype(np.intp)
    minority = np.flatnonzero(codes == 1)
    within = brute_sq(X[minority])
    np.fill_diagonal(within, np.inf)
    neighbours = minority[np.argsort(within, axis=1, kind="stable")[:, :5]]
    base = rng.integers(0, len(minority), size=n_new)
    a = minority[base]
    b = neighbours[base, rng.integers(0, 5, size=n_new)]
    new = X[a] + steps[:, None] * (X[b] - X[a])
    X = np.vstack([X, new]).astype(dtype)
    return X, np.r_[codes, np.ones(n_new, dtype=np.intp)], n_original


@pytest.fixture
def small_thresholds(monkeypatch):
    # every class is searched for segments, and the segments are always used
    monkeypatch.setattr(_segments, "_MIN_NEW_PER_ANCHOR", 1)
    monkeypatch.setattr(_segments, "_MIN_GAIN", 0)
    monkeypatch.setattr(_segments, "_BLOCK", 16)


def brute_sq(X):
    """All squared distances, computed as the library's exact ones."""
    i, j = np.indices((len(X), len(X))).reshape(2, -1)
    return exact_sq_distances(X, i, j).reshape(len(X), len(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_find_segments_recovers_the_interpolated_rows(dtype, small_thresholds):
    """Check that the new rows lie on their recovered segments, within ``e``."""
    X, codes, n_original = interpolated(0, dtype, grid=False)
    segments = find_segments(X, codes, n_original)
    # most new rows are found (in 3 dimensions, a third original may be
    # nearer to a new row than both ends of its segment: that row is plain)
    assert len(segments.rows) >= 0.8 * (len(X) - n_original)
    assert np.all(segments.rows >= n_original)
    X64 = X.astype(np.float64)
    point = X64[segments.a] + segments.t[:, None] * (X64[segments.b] - X64[segments.a])
    off = np.sqrt(((X64[segments.rows] - point) ** 2).sum(axis=1))
    assert np.all(off <= segments.e)
    assert np.all(codes[segments.a] == 1)
    assert np.all(segments.a < n_original)


def test_find_segments_declines_what_it_cannot_use():
    """Check None for sparse rows, no new rows, or too few new rows per original."""
    X, codes, n_original = interpolated(0, np.float64)
    assert find_segments(sparse.csr_matrix(X), codes, n_original) is None
    assert find_segments(X, codes, len(codes)) is None
    assert (
        find_segments(X[: n_original + 5], codes[: n_original + 5], n_original) is None
    )


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("grid", [True, False])
def test_nearest_through_segments_matches_brute_force(
    seed, dtype, grid, small_thresholds
):
    """Check every nearest row of the interpolated class, ties included."""
    X, codes, n_original = interpolated(seed, dtype, grid=grid)
    segments = find_segments(X, codes, n_original)
    rows = np.flatnonzero(codes == 0)
    other = np.flatnonzero(codes == 1)
    sq, owner, found = nearest_through_segments(
        X, rows, other, segments, lambda r, c: nearest_in(X, r, c, ties=True)
    )
    dist = brute_sq(X)[np.ix_(rows, other)]
    best = dist.min(axis=1, keepdims=True)
    expected_owner, column = np.nonzero(dist == best)
    np.testing.assert_array_equal(owner, expected_owner)
    np.testing.assert_array_equal(found, other[column])
    np.testing.assert_array_equal(sq, dist[expected_owner, column])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("grid", [True, False])
def test_settled_rows_have_witnesses_strictly_closer_than_the_other_class(
    seed, grid, small_thresholds
):
    """Check that each witness is a row of the class strictly inside the radius."""
    X, codes, n_original = interpolated(seed, np.float64, grid=grid)
    segments = find_segments(X, codes, n_original)
    rows = np.flatnonzero(codes == 1)
    other = np.flatnonzero(codes == 0)
    found, witnesses = settle_on_segments(
        X, rows, rows, other, 3, segments, lambda r, c: nearest_in(X, r, c)
    )
    assert np.any(found >= 3)
    sq = brute_sq(X)
    radius = sq[np.ix_(rows, other)].min(axis=1)
    for i in np.flatnonzero(found > 0):
        chosen = witnesses[i, : found[i]]
        assert np.all(codes[chosen] == 1)
        assert rows[i] not in chosen
        assert np.all(sq[rows[i], chosen] < radius[i])
        assert len(set(chosen.tolist())) == len(chosen)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 3])
def test_witness_counts_through_segments_match_brute_force(
    seed, dtype, k, small_thresholds
):
    """Check the counts of both classes when the segments are used."""
    X, codes, n_original = interpolated(seed, dtype)
    segments = find_segments(X, codes, n_original)
    sq = brute_sq(X)
    for code in (0, 1):
        rows = np.flatnonzero(codes == code)
        other = np.flatnonzero(codes != code)
        found, depends_on = rows_with_own_class_first(
            X, rows, rows, other, k, segments=segments
        )
        radius = sq[np.ix_(rows, other)].min(axis=1)
        inside = sq[np.ix_(rows, rows)] < radius[:, None]
        inside[np.arange(len(rows)), np.arange(len(rows))] = False
        np.testing.assert_array_equal(found, np.minimum(k, inside.sum(axis=1)))
        witnesses = depends_on[:, :k]
        assert np.all(codes[witnesses[witnesses >= 0]] == code)


@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_smote_rows_found_on_their_segments_wherever_the_data_sit(offset):
    """Check that SMOTE's rows are recognised on their segments (all but the
    few whose far end is not among the anchor's nearest), also when the data
    sit far from the origin: the rounding margin follows the coordinate
    differences, not the coordinates."""
    from sklearn.datasets import make_classification

    from imbestimators.over_sampling import SMOTE

    X, y = make_classification(3000, 10, weights=[0.97], random_state=0)
    X_res, y_res = SMOTE(random_state=0).fit_resample(X + offset, y)
    segments = find_segments(X_res, y_res, len(y))
    assert segments is not None
    assert len(segments.rows) >= 0.99 * (len(y_res) - len(y))
