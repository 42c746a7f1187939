"""Tests of the exact neighbourhood machinery of the cleaning rules."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse

from imbestimators.under_sampling import _neighbourhoods
from imbestimators.under_sampling._neighbourhoods import (
    exact_sq_distances,
    nearest_in,
    rows_with_own_class_first,
    tomek_link_mask,
)


def brute_sq(X, i):
    X = np.asarray(X, dtype=np.float64)
    return ((X - X[i]) ** 2).sum(axis=1)


def brute_own_class_first(X, codes, i, k):
    """min(k, rows of i's class strictly closer than its nearest other-class row).

    The tie-inclusive rule: i's k-neighbourhood (every row as close as the
    k-th) is all of its class exactly when this reaches k.
    """
    sq = brute_sq(X, i)
    other = codes != codes[i]
    radius = sq[other].min() if other.any() else np.inf
    same = ~other
    same[i] = False
    return min(k, int(np.count_nonzero(same & (sq < radius))))


def brute_tomek(X, codes):
    """Tomek's definition: x, y of different classes with no z strictly closer
    to either than d(x, y); ties make a row part of several links."""
    sq = np.array([brute_sq(X, i) for i in range(len(X))])
    np.fill_diagonal(sq, np.inf)
    nearest = sq.min(axis=1)
    link = (codes[:, None] != codes[None, :]) & (sq == nearest[:, None])
    return (link & (sq == nearest[None, :])).any(axis=1)


@st.composite
def labelled_rows(draw, max_rows=60):
    """Rows with many exact ties: a small integer grid, or normal data with copies."""
    n = draw(st.integers(4, max_rows))
    n_features = draw(st.integers(1, 4))
    n_classes = draw(st.integers(2, 3))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        X = rng.integers(-2, 3, size=(n, n_features)).astype(np.float64)
    else:
        X = rng.normal(size=(n, n_features))
        copies = rng.integers(0, n, size=n // 3)
        X[rng.integers(0, n, size=n // 3)] = X[copies]
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    codes = rng.integers(0, n_classes, size=n)
    return X.astype(dtype), codes


def assert_counts_match_brute_force(X, codes, k, strict=False):
    """Witness counts of every class against a brute force: rows strictly
    closer; the witnesses are rows of the class, never the row itself.

    With ``strict``, each row's listed witnesses must also number exactly its
    count, with no repeat; a class without other rows is then skipped (its
    rows count as settled whatever the class size, with no witness listed).
    """
    for code in np.unique(codes):
        rows = np.flatnonzero(codes == code)
        other = np.flatnonzero(codes != code)
        if strict and not other.size:
            continue
        found, depends_on = rows_with_own_class_first(X, rows, rows, other, k)
        expected = [brute_own_class_first(X, codes, i, k) for i in rows]
        np.testing.assert_array_equal(found, expected)
        witnesses = depends_on[:, :k]
        assert np.all(codes[witnesses[witnesses >= 0]] == code)
        assert not np.any(witnesses == rows[:, None])
        if strict:
            assert np.all((witnesses >= 0).sum(axis=1) == found)
            for row in witnesses:
                listed = row[row >= 0]
                assert len(np.unique(listed)) == len(listed)


@given(data=labelled_rows(), k=st.integers(1, 4))
def test_rows_with_own_class_first_matches_brute_force(data, k):
    """Check the witness count against a brute force: rows strictly closer."""
    X, codes = data
    assert_counts_match_brute_force(X, codes, k)


@given(data=labelled_rows())
def test_tomek_link_mask_matches_brute_force(data):
    """Check Tomek links against Tomek's tie-inclusive definition."""
    X, codes = data
    np.testing.assert_array_equal(tomek_link_mask(X, codes), brute_tomek(X, codes))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("n_second", [150, 30])
def test_cells_and_bound_match_brute_force(seed, n_second, monkeypatch):
    """Check the pivot cells and bound (large classes) against a brute force."""
    # small thresholds so that cells, runs and the bound are all exercised,
    # with dense pivots (both classes large) and sparse ones (n_second=30)
    monkeypatch.setattr(_neighbourhoods, "_MIN_CELLED", 64)
    monkeypatch.setattr(_neighbourhoods, "_RUN", 32)
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(size=(270, 3)), rng.normal(1.5, 0.3, size=(n_second, 3))])
    X[:20] = X[20:40]  # copies
    codes = np.repeat([0, 1], [270, n_second])
    codes[rng.integers(0, 270, size=5)] = 1
    for code in (0, 1):
        rows = np.flatnonzero(codes == code)
        found, _ = rows_with_own_class_first(
            X, rows, rows, np.flatnonzero(codes != code), 3
        )
        expected = [brute_own_class_first(X, codes, i, 3) for i in rows]
        np.testing.assert_array_equal(found, expected)
    np.testing.assert_array_equal(tomek_link_mask(X, codes), brute_tomek(X, codes))


def test_sparse_rows_give_the_dense_answers():
    """Check that sparse input gives the same counts and links as dense input."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 4)) * (rng.random((80, 4)) < 0.6)
    codes = rng.integers(0, 2, size=80)
    rows = np.flatnonzero(codes == 0)
    other = np.flatnonzero(codes == 1)
    dense, _ = rows_with_own_class_first(X, rows, rows, other, 3)
    sparse_found, _ = rows_with_own_class_first(
        sparse.csr_matrix(X), rows, rows, other, 3
    )
    np.testing.assert_array_equal(dense, sparse_found)
    np.testing.assert_array_equal(
        tomek_link_mask(X, codes), tomek_link_mask(sparse.csr_matrix(X), codes)
    )


def test_exact_sq_distances_are_zero_for_copies_and_chunked():
    """Check exact distances: copies at 0, and chunking gives the same values."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)).astype(np.float32)
    X[1] = X[0]
    rows, others = rng.integers(0, 50, size=(2, 3000))
    sq = exact_sq_distances(X, rows, others)
    expected = ((X[rows].astype(np.float64) - X[others]) ** 2).sum(axis=1)
    np.testing.assert_allclose(sq, expected, rtol=1e-12)
    assert exact_sq_distances(X, np.array([0]), np.array([1]))[0] == 0.0


@given(data=labelled_rows(), k=st.integers(1, 3))
def test_nearest_ties_are_every_other_class_row_at_the_nearest_distance(data, k):
    """Check the optional tie-inclusive nearest rows of another class."""
    X, codes = data
    for code in np.unique(codes):
        rows = np.flatnonzero(codes == code)
        other = np.flatnonzero(codes != code)
        found, _, (sq, ties) = rows_with_own_class_first(
            X, rows, rows, other, k, nearest_ties=True
        )
        for i, row in enumerate(rows):
            if found[i] == k:
                assert np.isnan(sq[i])
                continue
            dist = brute_sq(X, row)
            radius = dist[other].min()
            np.testing.assert_allclose(sq[i], radius, rtol=1e-12)
            expected = other[dist[other] == radius]
            assert sorted(ties[i][ties[i] >= 0].tolist()) == expected.tolist()


def test_nearest_in_with_ties_returns_every_equally_near_row():
    """Check nearest_in's tie-inclusive form on a row between two candidates."""
    X = np.array([[0.0], [1.0], [-1.0], [3.0], [1.0]])
    dist, ind = nearest_in(X, np.array([0]), np.array([1, 2, 3, 4]), ties=True)
    assert sorted(ind[0].tolist()) == [1, 2, 4]
    assert dist[0].tolist() == [1.0, 1.0, 1.0]
    dist, ind = nearest_in(X, np.array([0]), np.array([1, 2, 3, 4]))
    assert ind.tolist() == [1]


def test_tomek_links_with_ties_are_every_mutual_nearest_pair():
    """Check a row with two equally near rows of another class: both links count.

    Row 1 (class 1) is at distance 1 from rows 0 and 2 (class 0), which have
    no closer row: the lower-index rule linked only rows 0 and 1.
    """
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.5], [12.0]])
    codes = np.array([0, 1, 0, 0, 0, 0])
    assert tomek_link_mask(X, codes).tolist() == [True, True, True, False, False, False]


@pytest.mark.parametrize(
    ("dtype", "exponent"),
    [(np.float32, e) for e in (-130, -70, 70, 120, 126)]
    + [(np.float64, e) for e in (-1000, -600, 600, 1000)],
)
def test_witnesses_and_links_do_not_depend_on_the_unit(dtype, exponent, monkeypatch):
    """Check witness counts and Tomek links on data scaled by a power of two
    (exact), where float32 (float64) squared norms overflow or underflow: the
    kernel's products go to float64 (float64 data are scaled back first)."""
    monkeypatch.setattr(_neighbourhoods, "_MIN_CELLED", 64)
    monkeypatch.setattr(_neighbourhoods, "_RUN", 32)
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(200, 3)), rng.normal(1.0, 0.5, size=(100, 3))])
    X = X.astype(dtype)
    X[:30] = X[30:60]  # copies
    codes = np.repeat([0, 1], [200, 100])
    scaled = np.ldexp(X, exponent)
    np.testing.assert_array_equal(tomek_link_mask(scaled, codes), brute_tomek(X, codes))
    if dtype == np.float64:
        return  # rows_with_own_class_first takes data scaled by its callers
    for code in (0, 1):
        rows = np.flatnonzero(codes == code)
        other = np.flatnonzero(codes != code)
        found, _ = rows_with_own_class_first(scaled, rows, rows, other, 3)
        expected = [brute_own_class_first(X, codes, i, 3) for i in rows]
        np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize(
    "name",
    [
        "EditedNearestNeighbours",
        "RepeatedEditedNearestNeighbours",
        "AllKNN",
        "TomekLinks",
        "NeighbourhoodCleaningRule",
        "OneSidedSelection",
    ],
)
@pytest.mark.parametrize(
    ("dtype", "exponent"),
    [(np.float32, -80), (np.float32, 64), (np.float64, -700), (np.float64, 700)],
)
def test_cleaning_rules_keep_the_same_rows_at_any_scale(name, dtype, exponent):
    """Check the issue's reproducer and more: the cleaning rules built on this
    machinery keep the same rows whatever the unit of X (float32 |X| ~ 1.8e19
    once made ENN keep {0: 4, 1: 3} instead of {0: 4, 1: 6})."""
    import imbestimators.under_sampling as under_sampling

    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [10, 20, 30])
    X = (rng.standard_normal((60, 2)) + y[:, None]).astype(dtype)
    X[50:] = X[:10]  # copies, some under another label
    sampler = getattr(under_sampling, name)
    if "random_state" in sampler().get_params():
        sampler = sampler(random_state=0)
    else:
        sampler = sampler()
    sampler.fit_resample(X, y)
    expected = sampler.sample_indices_
    sampler.fit_resample(np.ldexp(X, exponent), y)
    np.testing.assert_array_equal(sampler.sample_indices_, expected)


def test_edited_nearest_neighbours_reproducer_at_2_to_the_64():
    """Check the reported case: float32 X and X * 2**64 give ENN the same rows."""
    from imbestimators.under_sampling import EditedNearestNeighbours

    X = np.random.default_rng(0).standard_normal((16, 2)).astype(np.float32)
    y = np.array([0] * 4 + [1] * 12)
    _, y_unit = EditedNearestNeighbours().fit_resample(X, y)
    _, y_huge = EditedNearestNeighbours().fit_resample(np.ldexp(X, 64), y)
    assert np.bincount(y_unit).tolist() == np.bincount(y_huge).tolist() == [4, 6]


@st.composite
def noisy_clustered_rows(draw):
    """Several clusters per class, flipped labels, copies (some under another
    label) and integer ties: the data on which the witness search must fall
    back from the rows' own cells to their near cells and to full scans."""
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(150, 400))
    n_features = draw(st.integers(2, 6))
    centres = rng.normal(scale=3, size=(4, n_features))
    cluster = rng.integers(0, 4, size=n)
    X = centres[cluster] + rng.normal(size=(n, n_features))
    if draw(st.booleans()):
        X = np.round(X)  # many exact distance ties
    codes = (cluster >= 2).astype(np.intp)
    flipped = rng.random(n) < draw(st.sampled_from([0.02, 0.1, 0.3]))
    codes[flipped] = 1 - codes[flipped]
    copies = rng.integers(0, n, size=n // 5)
    X[rng.integers(0, n, size=n // 5)] = X[copies]
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return X.astype(dtype), codes


@given(data=noisy_clustered_rows(), k=st.integers(1, 4))
def test_witness_search_on_noisy_data_matches_brute_force(data, k):
    """Check the witness counts on noisy, clustered data with ties and copies,
    with thresholds lowered so that every path of the search runs: cells and
    their runs, the near cells of the rows left (one product per cell), query
    blocks spread over threads, candidate blocks of adaptive width and the full
    scan; each recorded witness is a distinct row of the class strictly closer
    than the nearest row of another class."""
    X, codes = data
    patched = {
        "_MIN_CELLED": 32,
        "_RUN": 24,
        "_QUERY_BLOCK": 16,
        "_CANDIDATE_BLOCK": 8,
        "_BLOCK_ENTRIES": 256,
        "_FIRST_BLOCK": 16,
    }
    saved = {name: getattr(_neighbourhoods, name) for name in patched}
    try:
        for name, value in patched.items():
            setattr(_neighbourhoods, name, value)
        for code in (0, 1):
            rows = np.flatnonzero(codes == code)
            other = np.flatnonzero(codes != code)
            found, depends_on = rows_with_own_class_first(X, rows, rows, other, k)
            expected = [brute_own_class_first(X, codes, i, k) for i in rows]
            np.testing.assert_array_equal(found, expected)
            witnesses = depends_on[:, :k]
            np.testing.assert_array_equal((witnesses >= 0).sum(axis=1), found)
            for i, row in enumerate(rows):
                listed = witnesses[i, : found[i]]
                assert len(set(listed.tolist())) == found[i]
                sq = brute_sq(X, row)
                assert np.all(codes[listed] == code)
                assert np.all(listed != row)
                assert np.all(sq[listed] < sq[codes != code].min())
        np.testing.assert_array_equal(tomek_link_mask(X, codes), brute_tomek(X, codes))
    finally:
        for name, value in saved.items():
            setattr(_neighbourhoods, name, value)


def test_scan_many_records_the_first_witnesses_of_each_group():
    """Check that groups scanned together (over threads) give each row the
    witnesses a scan of its own group alone gives: the first ones in candidate
    order, at most k, never the row itself nor one already known."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 4))
    rows = np.arange(0, 3000, 2)
    threshold_sq = np.full(len(rows), 2.0)
    groups = [
        (np.arange(0, 700), np.arange(0, 3000, 3)),
        (np.arange(700, 1500), np.arange(1, 3000, 2)),
    ]
    together = _neighbourhoods._Witnesses(X, rows, 3, threshold_sq)
    together.witnesses[5, 0] = 0  # already known: not recorded twice
    together.found[5] = 1
    together.scan_many(groups)
    for selected, candidates in groups:
        alone = _neighbourhoods._Witnesses(X, rows, 3, threshold_sq)
        alone.witnesses[5, 0] = 0
        alone.found[5] = 1
        alone.scan(selected, candidates)
        np.testing.assert_array_equal(
            together.witnesses[selected], alone.witnesses[selected]
        )
        for i in selected:
            sq = brute_sq(X, rows[i])
            closer = [c for c in candidates if sq[c] < 2.0 and c != rows[i]]
            known = [0] if i == 5 else []
            first = [c for c in closer if c not in known][: 3 - len(known)]
            np.testing.assert_array_equal(
                together.witnesses[i],
                known + first + [-1] * (3 - len(known) - len(first)),
            )


@given(data=noisy_clustered_rows(), ties=st.booleans())
def test_nearest_in_by_running_minimum_matches_brute_force(data, ties):
    """Check the blocked running-minimum search of the nearest other-class
    rows (dense data on the CPU) against a brute force, with blocks small
    enough that the minimum improves across many blocks: the lower index among
    equally near rows, or every one of them with ``ties=True``."""
    X, codes = data
    patched = {"_NEAREST_ROWS": 8, "_NEAREST_COLUMNS": 16}
    saved = {name: getattr(_neighbourhoods, name) for name in patched}
    try:
        for name, value in patched.items():
            setattr(_neighbourhoods, name, value)
        rows = np.flatnonzero(codes == 0)
        others = np.flatnonzero(codes == 1)
        assert _neighbourhoods._brute_nearest_applies(X, others)
        dist, ind = nearest_in(X, rows, others, ties=ties)
    finally:
        for name, value in saved.items():
            setattr(_neighbourhoods, name, value)
    for i, row in enumerate(rows):
        # the module's exact distances (float64 differences) define the ties
        sq = exact_sq_distances(X, np.full(len(others), row), others)
        nearest = others[sq == sq.min()]
        if ties:
            np.testing.assert_array_equal(ind[i][ind[i] >= 0], nearest)
            assert np.all(dist[i][ind[i] >= 0] == np.sqrt(sq.min()))
        else:
            assert ind[i] == nearest[0]
            assert dist[i] == np.sqrt(sq.min())


@st.composite
def small_other_class(draw):
    """A class of 40-200 rows and another of at most an eighth of it: the
    scan of the large class then gathers neighbour lists. Small integer
    features (many exact distance ties, copies) or continuous ones."""
    n_same = draw(st.integers(40, 200))
    n_other = draw(st.integers(1, n_same // 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    codes = rng.permutation(np.repeat([0, 1], [n_same, n_other]))
    n_features = draw(st.integers(1, 4))
    if draw(st.booleans()):
        X = rng.integers(0, 3, size=(len(codes), n_features)).astype(np.float64)
    else:
        X = rng.normal(size=(len(codes), n_features))
    return X.astype(draw(st.sampled_from([np.float32, np.float64]))), codes


@given(data=small_other_class(), k=st.integers(1, 4))
def test_gathered_lists_are_the_tie_inclusive_neighbourhoods(data, k):
    """Check the lists the class scan gathers for its short rows: the rows as
    close as the k-th nearest (ties included), nearest first, with their exact
    distances, and only for rows with found < k."""
    X, codes = data
    same, other = np.flatnonzero(codes == 0), np.flatnonzero(codes == 1)
    found, _, (positions, dist, ind) = rows_with_own_class_first(
        X, same, same, other, k, lists=True
    )
    assert np.all(found[positions] < k)
    for position, row_dist, row_ind in zip(positions, dist, ind):
        i = same[position]
        sq = brute_sq(X, i)
        sq[i] = np.inf
        kth = np.sort(sq)[k - 1]
        expected = np.flatnonzero(sq <= kth)
        listed = row_ind[row_ind >= 0]
        np.testing.assert_array_equal(np.sort(listed), expected)
        np.testing.assert_allclose(row_dist[row_ind >= 0], np.sqrt(sq[listed]))
        assert np.all(np.diff(row_dist[row_ind >= 0]) >= 0)


def test_enn_mode_needs_no_second_search_of_the_class(monkeypatch):
    """Check that ENN-mode takes the neighbour lists of the rows it votes on
    from the witness scan (a small other class): no engine search follows."""
    from imbestimators.under_sampling import EditedNearestNeighbours, _edited

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = np.zeros(400, dtype=int)
    y[rng.choice(400, 20, replace=False)] = 1
    searched = []

    def spy(*args, **kwargs):
        searched.append(True)
        raise AssertionError("a neighbour search after the scan")

    monkeypatch.setattr(_edited, "NeighborsIndex", spy)
    sampler = EditedNearestNeighbours(kind_sel="mode").fit(X, y)
    kept = sampler.fit_resample(X, y)[1]
    assert not searched
    assert 0 < np.sum(kept == 0) < 380
