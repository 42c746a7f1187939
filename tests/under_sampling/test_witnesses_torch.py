"""Tests of the cleaning rules' witness scans on a torch device (torch's CPU)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.datasets import make_classification

from imbestimators import config_context
from imbestimators.combine import SMOTEENN, SMOTETomek
from imbestimators.under_sampling import (
    AllKNN,
    EditedNearestNeighbours,
    NeighbourhoodCleaningRule,
    OneSidedSelection,
    RepeatedEditedNearestNeighbours,
    TomekLinks,
    _neighbourhoods,
)
from imbestimators.under_sampling._neighbourhoods import (
    rows_with_own_class_first,
    tomek_link_mask,
    witness_device,
)

torch = pytest.importorskip("torch")

from imbestimators.under_sampling import _witnesses_torch  # noqa: E402
from tests.under_sampling.test_neighbourhoods import (  # noqa: E402
    assert_counts_match_brute_force,
    brute_tomek,
    labelled_rows,
)


@pytest.fixture
def scans_on_device(monkeypatch):
    """Count the device scans, so that a test knows the device path ran."""
    calls = []
    scan = _witnesses_torch.scan_on_device

    def counted(*args):
        calls.append(args[-1])
        return scan(*args)

    monkeypatch.setattr(_witnesses_torch, "scan_on_device", counted)
    return calls


@settings(deadline=None, max_examples=40)
@given(data=labelled_rows(), k=st.integers(1, 4), small_blocks=st.booleans())
def test_device_counts_match_brute_force(data, k, small_blocks):
    """Check the device scan's witness counts and Tomek links against a brute
    force, on rows with many exact ties; small blocks split the products into
    several row and column chunks, and tiny cells and runs make the cell
    search run first."""
    X, codes = data
    with pytest.MonkeyPatch.context() as patch, config_context(device="cpu-torch"):
        if small_blocks:
            patch.setattr(_witnesses_torch, "_BLOCK_ENTRIES", 16)
            patch.setattr(_witnesses_torch, "_MAX_COLUMNS", 4)
            patch.setattr(_neighbourhoods, "_MIN_CELLED", 8)
            patch.setattr(_witnesses_torch, "_CELL_ROWS", 3)
            patch.setattr(_witnesses_torch, "_RUN_ROWS", 5)
            patch.setattr(_witnesses_torch, "_WINDOW", 2)
        assert_counts_match_brute_force(X, codes, k, strict=True)
        mask = tomek_link_mask(X, codes)
    np.testing.assert_array_equal(mask, brute_tomek(X, codes))


def test_threshold_ties_are_decided_exactly(scans_on_device):
    """Check rows with several candidates exactly at the threshold: they are
    not witnesses (a tie never settles a row), whatever the screening says."""
    # row 0's nearest other-class row (4) is at distance 1; rows 1-3 of its
    # class are at exactly 1 too, row 5 strictly closer
    X = np.array(
        [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [0.5, 0.0]]
    )
    codes = np.array([0, 0, 0, 0, 1, 0])
    with config_context(device="cpu-torch"):
        found, _ = rows_with_own_class_first(
            X, np.array([0]), np.flatnonzero(codes == 0), np.array([4]), 3
        )
    assert found.tolist() == [1]
    assert scans_on_device


def test_witness_device_follows_the_config():
    """Check that the scans use the device of the setting, dense rows only."""
    X = np.zeros((3, 2))
    assert witness_device(X) is None
    with config_context(device="cpu-torch"):
        assert witness_device(X) == torch.device("cpu")
        assert witness_device(sparse.csr_matrix(X)) is None


def noisy_rows(n=3000, seed=0):
    """Two clusters per class, 1 % label noise, and copied rows (ties)."""
    X, y = make_classification(
        n_samples=n,
        n_features=8,
        n_informative=5,
        n_redundant=0,
        n_clusters_per_class=2,
        weights=[0.9],
        flip_y=0.01,
        random_state=seed,
    )
    X[: n // 20] = X[n // 20 : n // 10]
    return X, y


SAMPLERS = [
    TomekLinks(),
    EditedNearestNeighbours(),
    EditedNearestNeighbours(n_neighbors=5, kind_sel="mode"),
    RepeatedEditedNearestNeighbours(),
    AllKNN(),
    NeighbourhoodCleaningRule(),
    OneSidedSelection(random_state=0),
    SMOTEENN(random_state=0),
    SMOTETomek(random_state=0),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda s: type(s).__name__)
def test_cleaning_rules_keep_the_same_rows_on_the_device(
    sampler, dtype, scans_on_device
):
    """Check that every cleaning rule returns exactly the NumPy engine's rows
    when its scans and searches run on torch's CPU."""
    X, y = noisy_rows()
    X = X.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_cpu, y_cpu = sampler.fit_resample(X, y)
        with config_context(device="cpu-torch"):
            X_dev, y_dev = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_dev, X_cpu)
    np.testing.assert_array_equal(y_dev, y_cpu)
    assert scans_on_device
    assert all(device == torch.device("cpu") for device in scans_on_device)


def test_rows_with_many_unsure_entries_get_all_of_them():
    """Check that a row whose k smallest products are all within the rounding
    bound of its threshold gets every such entry decided, not only k."""
    rng = np.random.default_rng(0)
    candidates = rng.normal(size=(10, 3))
    query = np.zeros((2, 3))
    sq_norms = (candidates**2).sum(axis=1)  # the products of a zero query
    block = _witnesses_torch._DeviceBlock(
        candidates, np.arange(10), sq_norms, np.float64, torch.device("cpu")
    )
    # row 0: every entry lies in [low, high]; row 1: every entry is sure
    low = np.array([-1.0, 1e9])
    high = np.array([1e9, 2e9])
    sure, unsure = block.screen(query, np.array([-1, -1]), low, high, 2)
    assert sorted(zip(*unsure)) == [(0, c) for c in range(10)]
    # k sure entries are all a row ever needs
    assert sorted(zip(*sure)) == sorted((1, c) for c in np.argsort(sq_norms)[:2])
