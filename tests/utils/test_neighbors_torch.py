"""Tests of the torch backend of the k-NN engine, on torch's CPU."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import sparse
from scipy.spatial.distance import cdist

from imbestimators import config_context
from imbestimators.utils import NeighborsIndex
from imbestimators.utils._neighbors_torch import TorchNeighborsIndex, resolve_device
from tests.utils.test_neighbors import brute_force

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """One torch thread per test: the arrays are tiny, and a second OpenMP
    thread spin-waiting on a loaded machine slows them down many times."""
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)


def assert_same_answer(torch_index, numpy_index, k, query=None, **params):
    """Check the torch and NumPy engines give the same neighbours and distances."""
    dist, ind = torch_index.kneighbors(k, query, return_distance=True, **params)
    expected_dist, expected_ind = numpy_index.kneighbors(
        k, query, return_distance=True, **params
    )
    np.testing.assert_array_equal(ind, expected_ind)
    np.testing.assert_allclose(dist, expected_dist, rtol=1e-12, atol=1e-12)
    assert dist.dtype == np.float64


COARSE_VALUES = st.integers(-3, 3).map(float)


@st.composite
def reference_sets(draw, values=COARSE_VALUES):
    """Small data sets with duplicated rows (coarse values by default: many ties)."""
    n = draw(st.integers(2, 60))
    d = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    X = draw(arrays(dtype, (n, d), elements=values, fill=st.nothing()))
    n_dup = draw(st.integers(0, n // 2))
    X[n - n_dup :] = X[:n_dup]
    return X


@given(
    reference_sets(),
    st.data(),
    st.booleans(),
    st.sampled_from([None, 64, 2048]),
)
def test_self_query_matches_numpy_engine(X, data, largest, working_memory):
    """Check the same neighbours as the NumPy engine on a self-query with
    ties, k up to n - 1, nearest and farthest, with blocks of any size."""
    k = data.draw(st.integers(1, X.shape[0] - 1))
    index = TorchNeighborsIndex(X, device="cpu-torch", working_memory=working_memory)
    assert_same_answer(index, NeighborsIndex(X, algorithm="brute"), k, largest=largest)
    np.testing.assert_array_equal(
        index.kneighbors(k, largest=largest),
        brute_force(X, X, k, np.arange(X.shape[0]), largest),
    )


@given(
    reference_sets(
        values=st.floats(-10, 10, width=32, allow_subnormal=False) | st.just(0.0)
    ),
    st.data(),
    st.booleans(),
)
def test_query_with_exclude_matches_numpy_engine(X, data, largest):
    """Check queries with an excluded index per row (queries drawn from the
    reference, so with exact duplicates) on real-valued data."""
    n = X.shape[0]
    rows = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=30)))
    k = data.draw(st.integers(1, n - 1))
    query = X[rows]
    index = TorchNeighborsIndex(X, device="cpu-torch", working_memory=1024)
    assert_same_answer(
        index, NeighborsIndex(X, algorithm="brute"), k, query, exclude=rows
    )
    assert_same_answer(
        index,
        NeighborsIndex(X, algorithm="brute"),
        k,
        query,
        exclude=np.full(len(rows), -1),
        largest=largest,
    )


@given(reference_sets(), st.data(), st.booleans())
def test_mixed_exclude_matches_numpy_engine(X, data, largest):
    """Check rows excluding an index and rows excluding none in one query,
    up to k = n - 1."""
    n = X.shape[0]
    n_query = data.draw(st.integers(2, 10))
    exclude = np.array(
        data.draw(st.lists(st.integers(-1, n - 1), min_size=n_query, max_size=n_query))
    )
    exclude[0], exclude[1] = -1, 0
    k = data.draw(st.integers(1, n - 1))
    query = np.zeros((n_query, X.shape[1]), dtype=X.dtype)
    assert_same_answer(
        TorchNeighborsIndex(X, device="cpu-torch"),
        NeighborsIndex(X, algorithm="brute"),
        k,
        query,
        exclude=exclude,
        largest=largest,
    )


@given(reference_sets(), st.data())
def test_tie_inclusive_queries_match_numpy_engine(X, data):
    """Check ties='include' neighbourhoods and label counts on data full of
    ties (they go through the same screening step)."""
    k = data.draw(st.integers(1, X.shape[0] - 1))
    labels = np.arange(X.shape[0]) % 3
    index = TorchNeighborsIndex(X, device="cpu-torch", working_memory=2**14)
    numpy_index = NeighborsIndex(X, algorithm="brute")
    assert_same_answer(index, numpy_index, k, ties="include")
    np.testing.assert_array_equal(
        index.label_counts(k, labels), numpy_index.label_counts(k, labels)
    )


@given(reference_sets(), st.data(), st.booleans())
def test_tie_inclusive_queries_with_exclude_match_numpy_engine(X, data, largest):
    """Check ties='include' and label counts for outside queries whose rows
    exclude an index or none (mixed in one query), nearest and farthest."""
    n = X.shape[0]
    rows = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=20)))
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=20, max_size=20)))
    exclude = np.where(keep[: rows.size], -1, rows)
    k = data.draw(st.integers(1, n - 1))
    labels = np.arange(n) % 2
    query = X[rows] + X.dtype.type(0.5)
    index = TorchNeighborsIndex(X, device="cpu-torch", working_memory=2**12)
    numpy_index = NeighborsIndex(X, algorithm="brute")
    assert_same_answer(
        index, numpy_index, k, query, exclude=exclude, largest=largest, ties="include"
    )
    np.testing.assert_array_equal(
        index.label_counts(k, labels, query, exclude=exclude),
        numpy_index.label_counts(k, labels, query, exclude=exclude),
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_random_data_with_duplicates_matches_numpy_engine(dtype, global_random_seed):
    """Check a larger search, chunked over rows and columns, on real-valued
    data with duplicated rows, float32 and float64, k = 5 and k = 10."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(1500, 12)).astype(dtype)
    X[1200:] = X[:300]
    query = np.vstack([X[:200], rng.normal(size=(100, 12)).astype(dtype)])
    index = TorchNeighborsIndex(X, device="cpu-torch", working_memory=2**16)
    n_rows, width = index._block_shape(query.shape[0], dtype)
    assert n_rows < query.shape[0]
    assert width < X.shape[0]
    numpy_index = NeighborsIndex(X, algorithm="brute")
    for k in (5, 10):
        assert_same_answer(index, numpy_index, k)
        assert_same_answer(index, numpy_index, k, query)
        assert_same_answer(index, numpy_index, k, largest=True)


def test_mixed_precision_query_matches_numpy_engine(global_random_seed):
    """Check a float64 query against a float32 reference (screened in float64)."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(400, 5)).astype(np.float32)
    query = rng.normal(size=(50, 5))
    index = TorchNeighborsIndex(X, device="cpu-torch")
    assert_same_answer(index, NeighborsIndex(X, algorithm="brute"), 7, query)


def test_float32_far_from_origin_is_certified_exactly(global_random_seed):
    """Check exact neighbours where float32 screening cannot tell rows apart:
    the error bound sends every row to a wider screening."""
    rng = np.random.default_rng(global_random_seed)
    X = (1e3 + 1e-3 * rng.normal(size=(300, 8))).astype(np.float32)
    index = TorchNeighborsIndex(X, device="cpu-torch")
    assert_same_answer(index, NeighborsIndex(X, algorithm="brute"), 3)
    exact = cdist(X.astype(np.float64), X.astype(np.float64))
    np.fill_diagonal(exact, np.inf)
    np.testing.assert_array_equal(index.kneighbors(1)[:, 0], exact.argmin(axis=1))


def test_nearest_distance_bound_is_a_tight_lower_bound(global_random_seed):
    """Check the bound never exceeds the exact nearest distance, and is close."""
    rng = np.random.default_rng(global_random_seed)
    X = rng.integers(-3, 4, size=(500, 6)).astype(np.float32)
    query = np.vstack([X[:40], X[40:80] + 0.5, 1e3 + X[80:100]]).astype(np.float32)
    index = TorchNeighborsIndex(X, device="cpu-torch", working_memory=4096)
    bound = index.nearest_distance_bound(query)
    exact = cdist(query.astype(np.float64), X.astype(np.float64)).min(axis=1)
    assert bound.dtype == np.float64
    assert np.all(bound <= exact)
    np.testing.assert_allclose(bound, exact, atol=1e-2)


def test_sparse_input_goes_to_the_numpy_engine(global_random_seed):
    """Check that a sparse reference or query is answered by the NumPy engine."""
    rng = np.random.default_rng(global_random_seed)
    X = sparse.random(200, 20, density=0.2, format="csr", random_state=rng)
    sparse_index = TorchNeighborsIndex(X, device="cpu-torch")
    assert sparse_index.device is None
    assert_same_answer(sparse_index, NeighborsIndex(X), 4)
    dense = X.toarray()
    dense_index = TorchNeighborsIndex(dense, device="cpu-torch")
    assert dense_index.device == torch.device("cpu")
    assert_same_answer(dense_index, NeighborsIndex(dense), 4, X[:30])


@pytest.mark.parametrize(
    "params", [{"algorithm": "kd_tree"}, {"estimator": "nearest_neighbors"}]
)
def test_tree_and_custom_estimator_stay_on_numpy(params):
    """Check that algorithm='kd_tree' and a custom estimator are not screened
    on the device, and still answer."""
    from sklearn.neighbors import NearestNeighbors

    if "estimator" in params:
        params = {"estimator": NearestNeighbors(n_neighbors=3)}
    X = np.random.default_rng(0).normal(size=(600, 3))
    index = TorchNeighborsIndex(X, device="cpu-torch", **params)
    assert index.device is None
    ind = index.kneighbors(2, X[:5], exclude=np.arange(5))
    np.testing.assert_array_equal(ind, brute_force(X, X[:5], 2, np.arange(5)))


def test_device_comes_from_the_config():
    """Check that device=None follows set_config / config_context."""
    X = np.arange(12.0).reshape(6, 2)
    assert TorchNeighborsIndex(X).device is None
    with config_context(device="cpu-torch"):
        assert TorchNeighborsIndex(X).device == torch.device("cpu")
        assert resolve_device() == torch.device("cpu")
    assert resolve_device() is None


def test_missing_gpu_is_a_clear_error(monkeypatch):
    """Check that 'cuda' without a GPU fails when used, naming the way out,
    and that 'auto' then falls back to the NumPy engine."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X = np.arange(12.0).reshape(6, 2)
    with (
        config_context(device="cuda"),
        pytest.raises(
            ValueError, match=r"device='cuda' .*needs a CUDA GPU.*Use device='cpu'"
        ),
    ):
        TorchNeighborsIndex(X)
    with pytest.raises(ValueError, match=r"device='cuda:1' .*needs a CUDA GPU"):
        resolve_device("cuda:1")
    assert resolve_device("auto") is None
    assert TorchNeighborsIndex(X, device="auto").device is None


def test_missing_gpu_number_is_a_clear_error(monkeypatch):
    """Check that 'cuda:N' beyond the GPUs torch sees names the range."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    with pytest.raises(
        ValueError, match=r"names GPU 2, but torch sees 2 CUDA .*0 to 1"
    ):
        resolve_device("cuda:2")


def test_bad_query_shape_is_refused():
    """Check that a query with the wrong number of features is refused."""
    index = TorchNeighborsIndex(np.zeros((5, 3)), device="cpu-torch")
    with pytest.raises(ValueError, match=r"query must have shape \(n_query, 3\)"):
        index.kneighbors(1, np.zeros((2, 4)))


def test_empty_query_returns_empty_result():
    """Check that a query of no rows gives arrays of no rows."""
    index = TorchNeighborsIndex(np.eye(4), device="cpu-torch")
    dist, ind = index.kneighbors(2, np.zeros((0, 4)), return_distance=True)
    assert dist.shape == ind.shape == (0, 2)


def test_inputs_untouched_and_read_only_accepted():
    """Check that read-only inputs are accepted without warnings and that no
    input is modified."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 4)).astype(np.float32)
    X[50:] = X[:50]
    query = X[:20].copy()
    exclude = np.arange(20)
    copies = [X.copy(), query.copy(), exclude.copy()]
    for array in (X, query, exclude):
        array.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        index = TorchNeighborsIndex(X, device="cpu-torch")
        index.kneighbors(3, query, exclude=exclude)
        index.kneighbors(3)
    for array, copy in zip((X, query, exclude), copies):
        np.testing.assert_array_equal(array, copy)


def test_matmul_precision_is_restored():
    """Check that the search does not leave torch's matmul precision changed,
    and stays exact when the user allows reduced-precision products."""
    backend = torch.backends.mkldnn.matmul
    if not hasattr(backend, "fp32_precision"):
        pytest.skip("torch < 2.9 has no per-backend fp32_precision")
    saved = backend.fp32_precision
    X = np.random.default_rng(0).integers(0, 3, size=(300, 6)).astype(np.float32)
    try:
        backend.fp32_precision = "bf16"
        ind = TorchNeighborsIndex(X, device="cpu-torch").kneighbors(4)
        assert backend.fp32_precision == "bf16"
    finally:
        backend.fp32_precision = saved
    np.testing.assert_array_equal(ind, brute_force(X, X, 4, np.arange(300)))


def test_bad_parameters_raise_like_the_numpy_engine():
    """Check that the NumPy engine's errors are raised before any work."""
    index = TorchNeighborsIndex(np.zeros((5, 2)), device="cpu-torch")
    with pytest.raises(ValueError, match="n_neighbors must be an integer >= 1"):
        index.kneighbors(0)
    with pytest.raises(ValueError, match="n_neighbors=5 neighbours were requested"):
        index.kneighbors(5)
    with pytest.raises(ValueError, match=r"exclude must have shape \(2,\)"):
        index.kneighbors(1, np.zeros((2, 2)), exclude=[0])
    with pytest.raises(ValueError, match="algorithm must be"):
        TorchNeighborsIndex(np.zeros((5, 2)), algorithm="ball_tree")


def test_screening_runs_on_the_device(monkeypatch):
    """Check that the device, not the NumPy engine, screens dense queries of
    every kind, in the input's precision."""

    def numpy_screening(*args, **kwargs):
        raise AssertionError("the NumPy engine screened a dense query")

    monkeypatch.setattr(NeighborsIndex, "_screen_brute", numpy_screening)
    X = np.random.default_rng(0).integers(0, 3, size=(80, 4)).astype(np.float32)
    index = TorchNeighborsIndex(X, device="cpu-torch")
    np.testing.assert_array_equal(
        index.kneighbors(3, X[:10], exclude=np.arange(10)),
        brute_force(X, X[:10], 3, np.arange(10)),
    )
    index.kneighbors(2, largest=True)
    assert set(index._device_data) == {"float32"}
    index.kneighbors(2, X[:5].astype(np.float64))
    assert set(index._device_data) == {"float32", "float64"}
    # tie-inclusive questions go through the same screening hook
    index.kneighbors(3, ties="include")
    index.label_counts(3, np.arange(80) % 2)


def _sampler_cases():
    """Every sampler of the package, with parameters that make it search
    neighbours (NearMiss in its three versions)."""
    from imbestimators import combine, over_sampling, under_sampling

    cases = []
    for module in (over_sampling, under_sampling, combine):
        for name in module.__all__:
            cls = getattr(module, name)
            if name == "NearMiss":
                cases += [(cls, {"version": v}) for v in (1, 2, 3)]
            elif name == "SMOTENC":
                cases.append((cls, {"categorical_features": [0]}))
            elif name == "ClusterCentroids":
                cases.append((cls, {"voting": "hard"}))
            else:
                cases.append((cls, {}))
    return cases


# samplers that search no neighbours with their default parameters, and
# SMOTEN, whose neighbours are by the Value Difference Metric between
# categories (its own blocked search on the CPU), not by the Euclidean engine
_NO_NEIGHBOURS = {
    "RandomOverSampler",
    "RandomUnderSampler",
    "InstanceHardnessThreshold",
    "SMOTEN",
}


@pytest.mark.parametrize(
    ("sampler", "params"),
    _sampler_cases(),
    ids=lambda case: getattr(case, "__name__", str(case)),
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_sampler_same_output_on_cpu_torch(sampler, params, dtype, monkeypatch):
    """Check that config_context(device='cpu-torch') sends a sampler's
    neighbour searches to the torch engine, and changes none of its output,
    on random data with duplicated rows (issue 14)."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [150, 60, 30])
    X = (rng.normal(size=(240, 4)) + y[:, None]).round(1).astype(dtype)
    X[:, 0] = rng.integers(0, 3, size=240)  # SMOTENC's categorical column
    # duplicated rows, a few of them in two classes
    copies = rng.permutation(240)[:60]
    X[copies[:30]] = X[copies[30:]]
    if "random_state" in sampler(**params).get_params():
        params = {**params, "random_state": 0}
    expected = sampler(**params).fit_resample(X, y)

    screened = []
    device_screen = TorchNeighborsIndex._screen_brute

    def spy(self, *args, **kwargs):
        screened.append(self.device)
        return device_screen(self, *args, **kwargs)

    monkeypatch.setattr(TorchNeighborsIndex, "_screen_brute", spy)
    with config_context(device="cpu-torch"):
        result = sampler(**params).fit_resample(X, y)
    for got, want in zip(result, expected):
        np.testing.assert_array_equal(got, want)
    if sampler.__name__ not in _NO_NEIGHBOURS:
        assert screened
        assert set(screened) == {torch.device("cpu")}


def test_neighbors_index_follows_the_device_setting():
    """Check that NeighborsIndex(...) builds the torch engine under a torch
    device and the NumPy engine under 'cpu', with the same answer."""
    X = np.random.default_rng(0).integers(0, 3, size=(100, 4)).astype(np.float32)
    numpy_index = NeighborsIndex(X, algorithm="brute")
    assert type(numpy_index) is NeighborsIndex
    with config_context(device="cpu-torch"):
        index = NeighborsIndex(X, algorithm="brute")
    assert type(index) is TorchNeighborsIndex
    assert index.device == torch.device("cpu")
    assert_same_answer(index, numpy_index, 4, ties="include")
    with config_context(device="cpu"):
        assert type(NeighborsIndex(X)) is NeighborsIndex


def test_dispatch_keeps_subclasses_pickles_and_copies():
    """Check that the device setting redirects only NeighborsIndex itself:
    subclasses, unpickled and copied indexes keep their class."""
    import copy
    import pickle

    class Custom(NeighborsIndex):
        pass

    X = np.random.default_rng(0).normal(size=(40, 3))
    numpy_index = NeighborsIndex(X)
    with config_context(device="cpu-torch"):
        assert type(Custom(X)) is Custom
        for restored in (
            pickle.loads(pickle.dumps(numpy_index)),
            copy.copy(numpy_index),
            copy.deepcopy(numpy_index),
        ):
            assert type(restored) is NeighborsIndex
            np.testing.assert_array_equal(
                restored.kneighbors(3), numpy_index.kneighbors(3)
            )
        torch_index = NeighborsIndex(X)
    restored = pickle.loads(pickle.dumps(torch_index))
    assert type(restored) is TorchNeighborsIndex
    np.testing.assert_array_equal(restored.kneighbors(3), numpy_index.kneighbors(3))


def test_imbalance_report_typology_runs_on_the_device(monkeypatch):
    """Check that the diagnostics typology searches on the torch device under
    config_context, with the same report."""
    from imbestimators.diagnostics import imbalance_report

    rng = np.random.default_rng(0)
    X = rng.integers(0, 3, size=(300, 5)).astype(float)
    y = np.repeat([0, 1], [260, 40])
    expected = imbalance_report(y, X)
    screened = []
    device_screen = TorchNeighborsIndex._screen_brute

    def spy(self, *args, **kwargs):
        screened.append(self.device)
        return device_screen(self, *args, **kwargs)

    monkeypatch.setattr(TorchNeighborsIndex, "_screen_brute", spy)
    with config_context(device="cpu-torch"):
        report = imbalance_report(y, X)
    assert set(screened) == {torch.device("cpu")}
    assert report.typology == expected.typology


@pytest.mark.parametrize(
    ("dtype", "exponent"),
    [(np.float32, -100), (np.float32, 100), (np.float64, -700), (np.float64, 700)],
)
def test_extreme_magnitudes_match_numpy_engine(dtype, exponent):
    """Check the device's screening on data whose float32 (or float64) squared
    norms would overflow or underflow: screened in float64, or scaled by a
    power of two, with the NumPy engine's answer at the unit scale."""
    rng = np.random.default_rng(0)
    X = rng.integers(-3, 4, size=(200, 5)).astype(dtype)
    X[150:] = X[:50]
    scaled = np.ldexp(X, exponent)
    index = TorchNeighborsIndex(scaled, device="cpu-torch")
    numpy_index = NeighborsIndex(X, algorithm="brute")
    for ties in ("lower_index", "include"):
        dist, ind = index.kneighbors(5, ties=ties, return_distance=True)
        expected_dist, expected_ind = numpy_index.kneighbors(
            5, ties=ties, return_distance=True
        )
        np.testing.assert_array_equal(ind, expected_ind)
        np.testing.assert_array_equal(dist, np.ldexp(expected_dist, exponent))
    query = scaled[:20] + np.ldexp(dtype(0.5), exponent)
    exact = index.kneighbors(1, query, return_distance=True)[0][:, 0]
    assert np.all(index.nearest_distance_bound(query) <= exact)
