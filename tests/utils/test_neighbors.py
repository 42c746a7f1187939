"""Tests of the exact k-NN engine."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import sparse
from scipy.spatial.distance import cdist
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from imbestimators.utils import NeighborsIndex, _neighbors, kneighbors
from imbestimators.utils._neighbors import _smallest_by_groups, screening_dtype


def brute_force(reference, query, k, exclude=None, largest=False):
    """Reference answer: full float64 distance matrix, (distance, index) order."""
    dist = cdist(np.asarray(query, dtype=np.float64), np.asarray(reference, np.float64))
    dist = dist**2
    if exclude is not None:
        rows = np.flatnonzero(exclude >= 0)
        dist[rows, exclude[rows]] = -np.inf if largest else np.inf
    if largest:
        dist = -dist
    index = np.broadcast_to(np.arange(dist.shape[1]), dist.shape)
    return np.lexsort((index, dist), axis=-1)[:, :k]


@st.composite
def reference_sets(draw):
    """Small data sets with duplicated rows and coarse values (many ties)."""
    n = draw(st.integers(2, 60))
    d = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    values = draw(
        arrays(dtype, (n, d), elements=st.integers(-3, 3).map(float), fill=st.nothing())
    )
    n_dup = draw(st.integers(0, n // 2))
    values[n - n_dup :] = values[:n_dup]
    return values


@given(reference_sets(), st.data())
@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_kneighbors_matches_brute_force_with_ties(algorithm, X, data):
    """Check exact neighbours and the lower-index tie rule on data full of ties."""
    k = data.draw(st.integers(1, X.shape[0] - 1))
    ind = kneighbors(X, k, algorithm=algorithm)
    assert np.array_equal(ind, brute_force(X, X, k, exclude=np.arange(X.shape[0])))


@given(reference_sets(), st.data())
def test_kneighbors_largest_matches_brute_force(X, data):
    """Check that largest=True returns the farthest rows, ties to the lower index."""
    k = data.draw(st.integers(1, X.shape[0] - 1))
    ind = kneighbors(X, k, largest=True)
    expected = brute_force(X, X, k, exclude=np.arange(X.shape[0]), largest=True)
    assert np.array_equal(ind, expected)


@given(reference_sets(), st.data())
@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_nearest_distance_bound_is_a_tight_lower_bound(algorithm, X, data):
    """Check the bound never exceeds the exact nearest distance, and is close to it."""
    n_query = data.draw(st.integers(1, 20))
    rows = data.draw(
        st.lists(st.integers(0, X.shape[0] - 1), min_size=n_query, max_size=n_query)
    )
    query = X[rows] + data.draw(st.sampled_from([0.0, 0.5, 1e-3]))
    bound = NeighborsIndex(X, algorithm=algorithm).nearest_distance_bound(query)
    exact = cdist(query.astype(np.float64), X.astype(np.float64)).min(axis=1)
    assert bound.dtype == np.float64
    assert np.all(bound <= exact)
    np.testing.assert_allclose(bound, exact, atol=1e-2)


def test_nearest_distance_bound_float32_far_from_origin():
    """Check the bound stays below the exact distance where float32 cancels."""
    rng = np.random.default_rng(0)
    X = (1000 + rng.normal(scale=1e-2, size=(3000, 30))).astype(np.float32)
    Q = (1000 + rng.normal(scale=1e-2, size=(50, 30))).astype(np.float32)
    bound = NeighborsIndex(X, algorithm="brute").nearest_distance_bound(Q)
    exact = cdist(Q.astype(np.float64), X.astype(np.float64)).min(axis=1)
    assert np.all(bound <= exact)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_features", [3, 30])
def test_kneighbors_query_against_reference(dtype, n_features, global_random_seed):
    """Check queries from outside the reference on continuous data."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(3000, n_features)).astype(dtype)
    Q = rng.normal(size=(200, n_features)).astype(dtype)
    dist, ind = kneighbors(X, 7, Q, return_distance=True)
    assert np.array_equal(ind, brute_force(X, Q, 7))
    expected = np.sqrt(((Q[:, None, :].astype(float) - X[ind]) ** 2).sum(-1))
    np.testing.assert_allclose(dist, expected, rtol=1e-12)


@given(
    n_cols=st.integers(64, 700),
    m=st.integers(1, 16),
    n_levels=st.sampled_from([3, 50, 10**6]),
    seed=st.integers(0, 2**16),
)
def test_smallest_by_groups_selects_the_m_smallest(n_cols, m, n_levels, seed):
    """Check the group selection against a full sort, ties and tail columns included.

    Every returned column must hold the returned value, columns must be
    distinct, and the values must be the row's m smallest (as a multiset).
    """
    rng = np.random.default_rng(seed)
    dist = rng.integers(0, n_levels, size=(7, n_cols)).astype(np.float32)
    dist[0, rng.integers(n_cols)] = np.inf  # an excluded column
    val, cols = _smallest_by_groups(dist, m)
    assert val.shape == cols.shape == (7, m)
    assert np.array_equal(np.take_along_axis(dist, cols, axis=1), val)
    assert all(len(set(row)) == m for row in cols.tolist())
    assert np.array_equal(np.sort(val, axis=1), np.sort(dist, axis=1)[:, :m])


@pytest.mark.parametrize(
    ("seed_entries", "block_columns"), [(None, None), (0, None), (0, 64)]
)
def test_kneighbors_large_reference_with_duplicates(
    seed_entries, block_columns, monkeypatch, global_random_seed
):
    """Check exactness and the tie rule on thousands of duplicated rows, screened
    by one product and a group selection, or by blocks merged into a seed (with
    narrow blocks, rows improve in most blocks)."""
    if seed_entries is not None:
        monkeypatch.setattr(_neighbors, "_SEED_ENTRIES", seed_entries)
    if block_columns is not None:
        monkeypatch.setattr(_neighbors, "_BLOCK_COLUMNS", block_columns)
    rng = np.random.default_rng(global_random_seed)
    X = rng.integers(-2, 3, size=(3000, 4)).astype(np.float32)
    X = np.vstack([X, X[::-1]])
    ind = kneighbors(X, 9, algorithm="brute")
    assert np.array_equal(ind, brute_force(X, X, 9, exclude=np.arange(len(X))))


def test_kneighbors_exclude_is_by_index_not_by_value():
    """Check that an exact duplicate of the query row is still a neighbour."""
    X = np.array([[0.0], [0.0], [5.0]])
    assert kneighbors(X, 1).tolist() == [[1], [0], [0]]
    ind = kneighbors(X, 1, X[:1], exclude=np.array([-1]))
    assert ind.tolist() == [[0]]


def test_kneighbors_float32_close_points_exact():
    """Check that cancellation in |q|^2 + |r|^2 - 2qr does not reorder close points.

    Far from the origin in float32 the expansion cannot separate these points;
    the float64 refinement must.
    """
    base = np.full((1, 8), 1000.0, dtype=np.float32)
    offsets = np.array([3e-3, 1e-3, 2e-3, 4e-3], dtype=np.float32)
    X = np.vstack([base + o for o in offsets])
    ind = kneighbors(X, 3, base)
    assert ind.tolist() == [[1, 2, 0]]


def test_kneighbors_small_working_memory_same_result(global_random_seed):
    """Check that the block size bound does not change the result."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(2500, 20))
    full = NeighborsIndex(X, algorithm="brute").kneighbors(5)
    tiny = NeighborsIndex(X, algorithm="brute", working_memory=2**14).kneighbors(5)
    assert np.array_equal(full, tiny)


def test_kneighbors_same_result_on_any_number_of_threads(global_random_seed):
    """Check that BLAS threading cannot change the neighbours."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(4000, 30)).astype(np.float32)
    with threadpool_limits(1):
        one = kneighbors(X, 6)
    with threadpool_limits(2):
        two = kneighbors(X, 6)
    assert np.array_equal(one, two)


def test_kneighbors_sparse_matches_dense(global_random_seed):
    """Check that sparse reference and query give the dense answer."""
    X = sparse.random(
        400, 30, density=0.2, format="csr", random_state=global_random_seed
    )
    assert np.array_equal(
        kneighbors(X, 4), brute_force(X.toarray(), X.toarray(), 4, np.arange(400))
    )


def test_kneighbors_with_user_estimator():
    """Check that a custom-metric neighbours estimator is used and self excluded."""
    X = np.array([[0.0, 0.0], [1.0, 1.0], [1.9, 0.0], [5.0, 5.0]])
    manhattan = kneighbors(X, 1, estimator=NearestNeighbors(metric="manhattan"))
    # row 0: manhattan 2.0 to row 1, 1.9 to row 2
    assert manhattan[0].tolist() == [2]
    euclidean = kneighbors(X, 1)
    assert euclidean[0].tolist() == [1]


def test_kneighbors_does_not_modify_input(global_random_seed):
    """Check that reference and query are left untouched."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(300, 5))
    Q = rng.normal(size=(20, 5))
    X_copy, Q_copy = X.copy(), Q.copy()
    kneighbors(X, 3, Q, largest=True)
    kneighbors(X, 3)
    assert np.array_equal(X, X_copy)
    assert np.array_equal(Q, Q_copy)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_neighbors": 0}, "n_neighbors must be an integer >= 1"),
        ({"n_neighbors": 3}, "n_neighbors=3 neighbours were requested among 2"),
        ({"n_neighbors": 1, "algorithm": "ball"}, "algorithm must be 'auto'"),
        ({"n_neighbors": 1, "exclude": [0]}, r"exclude must have shape \(3,\)"),
    ],
)
def test_kneighbors_errors(kwargs, match):
    """Check the messages of invalid queries."""
    X = np.arange(6.0).reshape(3, 2)
    with pytest.raises(ValueError, match=match):
        kneighbors(X, **kwargs)


# -- the tie-inclusive neighbourhood ------------------------------------------------
def brute_force_ties(reference, query, k, exclude=None, largest=False):
    """Reference answer: per query row, the sorted indices of every reference row
    at most as far as the k-th nearest (at least as far as the k-th farthest)."""
    sq = cdist(np.asarray(query, np.float64), np.asarray(reference, np.float64)) ** 2
    sq = -sq if largest else sq
    if exclude is not None:
        rows = np.flatnonzero(exclude >= 0)
        sq[rows, exclude[rows]] = np.inf
    kth = np.sort(sq, axis=1)[:, k - 1 : k]
    return [np.flatnonzero(row <= bound).tolist() for row, bound in zip(sq, kth)]


def as_sets(ind):
    return [sorted(row[row >= 0].tolist()) for row in ind]


@given(reference_sets(), st.data())
@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_kneighbors_ties_include_matches_brute_force(algorithm, X, data):
    """Check the tie-inclusive neighbourhood on integer data with duplicated rows:
    the k nearest plus every row at the k-th distance, sorted, padded."""
    k = data.draw(st.integers(1, X.shape[0] - 1))
    largest = algorithm == "brute" and data.draw(st.booleans())
    dist, ind = NeighborsIndex(X, algorithm=algorithm).kneighbors(
        k, return_distance=True, largest=largest, ties="include"
    )
    exclude = np.arange(X.shape[0])
    assert as_sets(ind) == brute_force_ties(X, X, k, exclude, largest)
    # nearest first, ties towards the lower index, as without ties
    width = (ind >= 0).sum(axis=1)
    assert ind.shape[1] == width.max() >= k
    first_k = NeighborsIndex(X, algorithm=algorithm).kneighbors(k, largest=largest)
    assert np.array_equal(ind[:, :k], first_k)
    expected = np.sqrt(
        ((X[:, None].astype(float) - X[np.maximum(ind, 0)]) ** 2).sum(-1)
    )
    padded = ind < 0
    np.testing.assert_allclose(dist[~padded], expected[~padded], rtol=1e-12)
    assert np.all(np.isinf(dist[padded]))
    key = -dist if largest else dist
    assert all(np.all(np.diff(k[~p]) >= 0) for k, p in zip(key, padded))


@given(reference_sets(), st.data())
def test_kneighbors_ties_include_query_and_exclude(X, data):
    """Check queries from outside the reference, with -1 and real exclusions."""
    n_query = data.draw(st.integers(1, 15))
    rows = st.lists(st.integers(0, len(X) - 1), min_size=n_query, max_size=n_query)
    Q = X[data.draw(rows)] + data.draw(st.sampled_from([0, 1]))
    excluded = st.lists(st.integers(-1, len(X) - 1), min_size=n_query, max_size=n_query)
    exclude = np.asarray(data.draw(excluded))
    k = data.draw(st.integers(1, len(X) - 1))
    ind = kneighbors(X, k, Q, exclude=exclude, ties="include")
    assert as_sets(ind) == brute_force_ties(X, Q, k, exclude)


@given(reference_sets(), st.data())
@pytest.mark.parametrize("engine", ["brute", "kd_tree", "estimator"])
def test_mixed_exclude_matches_brute_force(engine, X, data):
    """Check one query mixing rows that exclude an index and rows that exclude
    none, with k up to n - 1 (where the two kinds need different numbers of
    candidates), against a full sort by (distance, index)."""
    n = len(X)
    n_query = data.draw(st.integers(2, 8))
    exclude = np.array(
        data.draw(st.lists(st.integers(-1, n - 1), min_size=n_query, max_size=n_query))
    )
    exclude[:2] = -1, data.draw(st.integers(0, n - 1))
    Q = X[
        data.draw(st.lists(st.integers(0, n - 1), min_size=n_query, max_size=n_query))
    ]
    k = data.draw(st.integers(max(1, n - 6), n - 1))
    largest = engine == "brute" and data.draw(st.booleans())
    if engine == "estimator":
        index = NeighborsIndex(X, estimator=NearestNeighbors())
    else:
        index = NeighborsIndex(X, algorithm=engine)
    if engine != "estimator":  # its own order of tied rows
        ind = index.kneighbors(k, Q, exclude=exclude, largest=largest)
        assert np.array_equal(ind, brute_force(X, Q, k, exclude, largest))
    ties = index.kneighbors(k, Q, exclude=exclude, largest=largest, ties="include")
    assert as_sets(ties) == brute_force_ties(X, Q, k, exclude, largest)


def test_mixed_exclude_row_sees_every_reference_row():
    """Check the case that the shared candidate count got wrong: with k = 18
    of 19 rows, the row that excludes none leaves out the last of the rows at
    distance 1 (row 15), not row 0; tie-inclusive, it keeps all 19 rows."""
    X = np.array([[1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]], float).T
    index = NeighborsIndex(X, algorithm="brute")
    ind = index.kneighbors(18, np.zeros((2, 1)), exclude=[-1, 0])
    assert 0 in ind[0]
    assert 15 not in ind[0]
    assert 0 not in ind[1]
    ties = index.kneighbors(18, np.zeros((2, 1)), exclude=[-1, 0], ties="include")
    assert as_sets(ties) == [list(range(19)), list(range(1, 19))]


@given(reference_sets(), st.data())
def test_tie_inclusive_answers_do_not_depend_on_row_order(X, data):
    """Check that permuting the reference rows permutes the neighbourhoods."""
    k = data.draw(st.integers(1, X.shape[0] - 1))
    order = np.random.default_rng(data.draw(st.integers(0, 99))).permutation(len(X))
    labels = np.arange(len(X)) % 3
    index, shuffled = NeighborsIndex(X), NeighborsIndex(X[order])
    ind = index.kneighbors(k, ties="include")
    ind_shuffled = shuffled.kneighbors(k, ties="include")
    position = np.argsort(order)  # X[i] is X[order][position[i]]
    assert as_sets(ind) == [
        sorted(order[row[row >= 0]].tolist()) for row in ind_shuffled[position]
    ]
    counts = index.label_counts(k, labels)
    counts_shuffled = shuffled.label_counts(k, labels[order])
    assert np.array_equal(counts, counts_shuffled[position])


@given(reference_sets(), st.data())
@pytest.mark.parametrize("engine", ["brute", "kd_tree", "estimator"])
def test_label_counts_match_brute_force(engine, X, data):
    """Check the label counts of the tie-inclusive neighbourhood, also with a
    user estimator (its own distances) and sparse input."""
    k = data.draw(st.integers(1, X.shape[0] - 1))
    labels = np.asarray(
        data.draw(st.lists(st.integers(0, 3), min_size=len(X), max_size=len(X)))
    )
    if engine == "estimator":
        index = NeighborsIndex(X, estimator=NearestNeighbors())
    else:
        index = NeighborsIndex(X, algorithm=engine)
    counts = index.label_counts(k, labels)
    expected = [
        np.bincount(labels[row], minlength=labels.max() + 1)
        for row in brute_force_ties(X, X, k, np.arange(len(X)))
    ]
    assert np.array_equal(counts, expected)
    if engine == "brute":
        sparse_counts = NeighborsIndex(sparse.csr_matrix(X)).label_counts(k, labels)
        assert np.array_equal(sparse_counts, expected)


@pytest.mark.parametrize("working_memory", [None, 2**15])
def test_label_counts_on_a_large_tie_group_stay_exact(working_memory):
    """Check a tie group of hundreds of identical rows, also when the working
    memory splits the rows of a screening pass."""
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]]), [400, 300, 2], 0)
    labels = np.arange(len(X)) % 2
    index = NeighborsIndex(X, algorithm="brute", working_memory=working_memory)
    counts = index.label_counts(3, labels)
    assert np.array_equal(counts.sum(axis=1), np.repeat([399, 299, 301], [400, 300, 2]))
    # a row at the origin sees the 399 other copies: 200 of the other label
    own = labels[:400]
    assert np.array_equal(counts[np.arange(400), own], np.full(400, 199))
    # the two far rows: each other, then the 300 rows tied at (1, 0)
    ind = index.kneighbors(3, X[-1:], exclude=[len(X) - 1], ties="include")
    assert sorted(ind[0].tolist()) == list(range(400, 701))


def test_ties_include_with_a_user_estimator_and_a_copy_of_the_query():
    """Check the estimator path keeps asking until the tie group is complete, and
    excludes the query row by index, not by value."""
    X = np.array([[0.0], [0.0], [0.0], [0.0], [1.0], [-1.0], [3.0]])
    index = NeighborsIndex(X, estimator=NearestNeighbors())
    dist, ind = index.kneighbors(1, X[:1], exclude=[0], return_distance=True,
                                 ties="include")  # fmt: skip
    assert sorted(ind[0].tolist()) == [1, 2, 3]
    assert dist[0].tolist() == [0.0, 0.0, 0.0]
    ind = index.kneighbors(4, X[:1], exclude=[0], ties="include")
    assert sorted(ind[0].tolist()) == [1, 2, 3, 4, 5]


def test_label_counts_example_two_rows_at_the_first_distance():
    """Check the documented example: both rows at distance 1 count; boolean
    labels and a fixed number of labels."""
    X = np.array([[0.0], [1.0], [-1.0], [5.0]])
    counts = NeighborsIndex(X).label_counts(1, [0, 0, 1, 1])
    assert counts.tolist() == [[1, 1], [1, 0], [1, 0], [1, 0]]
    counts = NeighborsIndex(X).label_counts(1, np.zeros(4, bool), n_labels=3)
    assert counts.tolist() == [[2, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda index: index.kneighbors(1, ties="random"),
         "ties must be 'lower_index' or 'include'; got 'random'"),
        (lambda index: index.label_counts(1, [0, 1]),
         r"labels must be integer codes of shape \(3,\)"),
        (lambda index: index.label_counts(1, [0.0, 1.0, 1.0]),
         r"labels must be integer codes .* got float64"),
        (lambda index: index.label_counts(1, [0, -1, 1]),
         "labels must be codes from 0 to n_labels - 1 = 1; got codes from -1 to 1"),
        (lambda index: index.label_counts(1, [0, 2, 1], n_labels=2),
         "codes from 0 to n_labels - 1 = 1; got codes from 0 to 2"),
        (lambda index: index.label_counts(3, [0, 1, 1]),
         "n_neighbors=3 neighbours were requested among 2"),
    ],
)  # fmt: skip
def test_tie_inclusive_errors(call, match):
    """Check the messages of invalid tie rules and labels."""
    index = NeighborsIndex(np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match=match):
        call(index)


# -- the unit of the data -------------------------------------------------------------
SCALES = [(np.float32, e) for e in (-140, -100, -64, 64, 100, 120, 126)] + [
    (np.float64, e) for e in (-1000, -600, 600, 1000)
]


@given(reference_sets(), st.data())
@pytest.mark.parametrize(("dtype", "exponent"), SCALES)
def test_answers_do_not_depend_on_the_unit_of_the_data(dtype, exponent, X, data):
    """Check that data scaled by a power of two (exact) get the same
    neighbours, tie-inclusive neighbourhoods and label counts, and distances
    scaled by the same power, far beyond where float32 (or float64) squared
    distances overflow or underflow."""
    X = X.astype(dtype)
    scaled = np.ldexp(X, exponent)
    k = data.draw(st.integers(1, len(X) - 1))
    largest = data.draw(st.booleans())
    algorithm = "brute" if largest else data.draw(st.sampled_from(["brute", "kd_tree"]))
    query = X[: data.draw(st.integers(1, len(X)))] + dtype(0.5)
    index = NeighborsIndex(X, algorithm=algorithm)
    scaled_index = NeighborsIndex(scaled, algorithm=algorithm)
    for ties in ("lower_index", "include"):
        dist, ind = index.kneighbors(
            k, largest=largest, ties=ties, return_distance=True
        )
        scaled_dist, scaled_ind = scaled_index.kneighbors(
            k, largest=largest, ties=ties, return_distance=True
        )
        np.testing.assert_array_equal(scaled_ind, ind)
        np.testing.assert_array_equal(scaled_dist, np.ldexp(dist, exponent))
    np.testing.assert_array_equal(
        scaled_index.kneighbors(k, np.ldexp(query, exponent)),
        index.kneighbors(k, query),
    )
    labels = np.arange(len(X)) % 3
    np.testing.assert_array_equal(
        scaled_index.label_counts(k, labels), index.label_counts(k, labels)
    )
    exact = scaled_index.kneighbors(1, np.ldexp(query, exponent), return_distance=True)[
        0
    ][:, 0]
    assert np.all(
        scaled_index.nearest_distance_bound(np.ldexp(query, exponent)) <= exact
    )


def test_float32_far_from_one_screens_in_float64_only_there():
    """Check the scale bug's reproducer (float32 |X| ~ 1e19 and beyond: the
    squared norms of the screening overflowed to inf, or underflowed) and
    that ordinary float32 data keep their float32 screening."""
    X = np.random.default_rng(0).standard_normal((16, 2)).astype(np.float32)
    expected = NeighborsIndex(X).kneighbors(3, ties="include")
    for exponent in (-80, 64, 120):
        index = NeighborsIndex(np.ldexp(X, exponent))
        np.testing.assert_array_equal(index.kneighbors(3, ties="include"), expected)
    assert screening_dtype(np.float32, 1e3) == np.float32
    assert screening_dtype(np.float32, 0.0) == np.float32
    assert screening_dtype(np.float32, 2.0**130) == np.float64
    assert screening_dtype(np.float32, 2.0**-130) == np.float64
    assert screening_dtype(np.float64, 2.0**130) == np.float64


def test_float64_of_extreme_magnitude_is_searched_scaled():
    """Check that float64 data beyond 1e120 (or below 1e-120) are searched on
    a copy scaled by a power of two, once, and that a float32 reference with
    a float64 query of extreme magnitude is too."""
    X = np.random.default_rng(0).normal(size=(30, 3))
    index = NeighborsIndex(np.ldexp(X, 700))
    dist, ind = index.kneighbors(4, return_distance=True)
    expected_dist, expected_ind = NeighborsIndex(X).kneighbors(4, return_distance=True)
    np.testing.assert_array_equal(ind, expected_ind)
    np.testing.assert_array_equal(dist, np.ldexp(expected_dist, 700))
    assert len(index._rescaled_indexes) == 1
    index.kneighbors(4)
    assert len(index._rescaled_indexes) == 1
    # a float64 query of extreme magnitude against a float32 reference: both
    # scaled together (the reference in float64, where it does not underflow)
    X32 = X.astype(np.float32)
    query = np.ldexp(X32[:5].astype(np.float64) + 0.5, 600)
    dist, ind = NeighborsIndex(X32).kneighbors(2, query, return_distance=True)
    assert np.all(np.isfinite(dist))
    np.testing.assert_array_equal(
        ind, brute_force(np.ldexp(X, -600), np.ldexp(query, -600), 2)
    )
