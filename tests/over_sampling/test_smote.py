"""Tests of SMOTE and BorderlineSMOTE."""

import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.over_sampling import BorderlineSMOTE as ImbBorderlineSMOTE
from imblearn.pipeline import make_pipeline
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from imbestimators.exceptions import FallbackWarning
from imbestimators.over_sampling import SMOTE, BorderlineSMOTE
from imbestimators.testing import tied_datasets
from imbestimators.utils import kneighbors


def imbalanced(n=600, weights=(0.85, 0.15), n_classes=2, seed=0, class_sep=1.0):
    return make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        weights=list(weights),
        class_sep=class_sep,
        flip_y=0,
        random_state=seed,
    )


def assert_on_class_segments(X, y, X_new, klass, k, candidates=None):
    """Every new row lies on a segment from a class row to one of its k neighbours."""
    idx = np.flatnonzero(y == klass)
    X_class = X[idx]
    nn = kneighbors(X_class, k)
    bases = np.arange(len(idx)) if candidates is None else candidates
    for point in X_new:
        found = False
        for i in bases:
            for j in nn[i]:
                a, b = X_class[i], X_class[j]
                direction = b - a
                t = np.dot(point - a, direction) / np.dot(direction, direction)
                if -1e-9 <= t <= 1 + 1e-9 and np.allclose(a + t * direction, point):
                    found = True
                    break
            if found:
                break
        assert found, f"{point} is on no segment of class {klass}"


def test_smote_keeps_originals_and_balances(global_random_seed):
    """Check that originals come first, unchanged, and the classes are balanced."""
    X, y = imbalanced(seed=global_random_seed)
    X_res, y_res = SMOTE(random_state=global_random_seed).fit_resample(X, y)
    assert np.array_equal(X_res[: len(X)], X)
    assert np.array_equal(y_res[: len(y)], y)
    assert Counter(y_res.tolist()) == {0: 510, 1: 510}


def test_smote_new_points_on_segments(global_random_seed):
    """Check that synthetic rows interpolate a class row and a class neighbour."""
    X, y = imbalanced(n=200, weights=(0.8, 0.2), seed=global_random_seed)
    X_res, _y_res = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y)
    assert_on_class_segments(X, y, X_res[len(X) :], 1, 3)


def test_smote_two_minority_classes_get_independent_steps():
    """Check that classes are not re-seeded (imbalanced-learn's SMOTE is).

    Two minority classes with the same geometry (one shifted by 100) would get
    identical synthetic rows, up to the shift, if each class restarted the
    random generator.
    """
    rng = np.random.default_rng(0)
    minority = rng.normal(size=(20, 3))
    X = np.vstack([rng.normal(size=(100, 3)) + 50, minority, minority + 100])
    y = np.repeat([0, 1, 2], [100, 20, 20])
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    new_1 = X_res[len(X) :][y_res[len(X) :] == 1]
    new_2 = X_res[len(X) :][y_res[len(X) :] == 2]
    assert not np.allclose(new_1 + 100, new_2)


def test_smote_same_seed_same_output_other_seed_differs():
    """Check determinism for a fixed random_state."""
    X, y = imbalanced()
    a = SMOTE(random_state=3).fit_resample(X, y)[0]
    b = SMOTE(random_state=3).fit_resample(X, y)[0]
    c = SMOTE(random_state=4).fit_resample(X, y)[0]
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_smote_class_too_small_error_names_class():
    """Check the early error when a class has fewer than k_neighbors + 1 rows."""
    X = np.arange(40.0).reshape(20, 2)
    y = np.array(["maj"] * 17 + ["fraud"] * 3)
    msg = (
        r"SMOTE: k_neighbors=5 needs at least 6 samples in each resampled class, "
        r"but class 'fraud' has 3\. Lower k_neighbors .* RandomOverSampler"
    )
    with pytest.raises(ValueError, match=msg):
        SMOTE().fit_resample(X, y)


def test_smote_accepts_neighbors_estimator():
    """Check that a neighbours estimator sets the neighbourhood (n_neighbors - 1)."""
    X, y = imbalanced(n=200, weights=(0.8, 0.2))
    nn = NearestNeighbors(n_neighbors=3, metric="manhattan")
    _X_res, y_res = SMOTE(k_neighbors=nn, random_state=0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 160, 1: 160}
    # the user's estimator is cloned, never fitted in place
    assert not hasattr(nn, "n_samples_fit_")


def test_smote_sparse_equals_dense(global_random_seed):
    """Check that CSR input gives the dense result, in CSR."""
    X, y = imbalanced(seed=global_random_seed)
    X_dense, y_dense = SMOTE(random_state=1).fit_resample(X, y)
    X_sp, y_sp = SMOTE(random_state=1).fit_resample(sparse.csr_matrix(X), y)
    assert sparse.issparse(X_sp)
    assert X_sp.format == "csr"
    np.testing.assert_allclose(X_sp.toarray(), X_dense, rtol=1e-12)
    assert np.array_equal(y_sp, y_dense)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_smote_keeps_dtype(dtype):
    """Check that float32 stays float32 and integers stay integers (rounded)."""
    X, y = imbalanced()
    X = (X * 10).astype(dtype)
    X_res, _ = SMOTE(random_state=0).fit_resample(X, y)
    assert X_res.dtype == dtype


def test_smote_does_not_modify_input():
    """Check that X and y are left untouched."""
    X, y = imbalanced()
    X_copy, y_copy = X.copy(), y.copy()
    SMOTE(random_state=0).fit_resample(X, y)
    assert np.array_equal(X, X_copy)
    assert np.array_equal(y, y_copy)


def test_smote_in_imblearn_pipeline_grid_search():
    """Check that SMOTE composes in an imblearn Pipeline inside GridSearchCV."""
    X, y = imbalanced(n=400)
    pipe = make_pipeline(StandardScaler(), SMOTE(random_state=0), LogisticRegression())
    search = GridSearchCV(
        pipe,
        {"smote__k_neighbors": [3, 5]},
        scoring="average_precision",
        cv=StratifiedKFold(3),
    )
    search.fit(X, y)
    assert search.best_params_["smote__k_neighbors"] in (3, 5)
    assert 0 < search.best_score_ <= 1


def test_borderline_danger_matches_imblearn():
    """Check that the rows in danger are exactly imbalanced-learn's (no ties here)."""
    X, y = imbalanced(n=800, weights=(0.8, 0.2), class_sep=0.6)
    ours = BorderlineSMOTE(random_state=0).fit(X, y)
    ours.fit_resample(X, y)
    theirs = ImbBorderlineSMOTE(random_state=0)
    theirs.fit_resample(X, y)
    assert np.array_equal(ours.in_danger_indices[1], theirs.in_danger_indices[1])


def test_borderline1_new_points_from_danger_rows():
    """Check that borderline-1 interpolates from rows in danger only."""
    X, y = imbalanced(n=300, weights=(0.8, 0.2), class_sep=0.5)
    sampler = BorderlineSMOTE(k_neighbors=3, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    class_idx = np.flatnonzero(y == 1)
    danger_positions = np.searchsorted(class_idx, sampler.in_danger_indices_[1])
    assert_on_class_segments(X, y, X_res[len(X) :], 1, 3, candidates=danger_positions)


def test_borderline2_steps_towards_other_class_below_half():
    """Check borderline-2: a new row between a danger row and another class's row
    lies in the half of the segment next to the danger row."""
    X, y = imbalanced(n=300, weights=(0.8, 0.2), class_sep=0.5)
    sampler = BorderlineSMOTE(kind="borderline-2", k_neighbors=3, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 240, 1: 240}
    danger = sampler.in_danger_indices_[1]
    nn = kneighbors(X, 3, X[danger], exclude=danger)
    steps_other = []
    for point in X_res[len(X) :]:
        for row, neighbours in zip(danger, nn):
            for j in neighbours:
                direction = X[j] - X[row]
                t = np.dot(point - X[row], direction) / np.dot(direction, direction)
                on_segment = np.allclose(X[row] + t * direction, point)
                if on_segment and y[j] != 1:
                    steps_other.append(t)
    assert steps_other, "no sample was drawn towards another class"
    assert max(steps_other) < 0.5


def separable(n_majority=50, n_minority=15, seed=0):
    """Two classes 50 standard deviations apart: no row is in danger."""
    rng = np.random.default_rng(seed)
    X = np.vstack(
        [rng.normal(size=(n_majority, 2)), rng.normal(size=(n_minority, 2)) + 50]
    )
    return X, np.repeat([0, 1], [n_majority, n_minority])


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_borderline_no_row_in_danger_falls_back_to_smote(kind):
    """Check that a class with no row in danger still gets every requested row,
    interpolated within the class as plain SMOTE does, with one warning that
    names the class and why (imbalanced-learn generates nothing, silently)."""
    X, y = separable()
    sampler = BorderlineSMOTE(kind=kind, k_neighbors=3, random_state=0)
    msg = (
        r"no row is in danger in class 1 \(15 safe rows, 0 noise rows; 35 new "
        r"rows\)\. Its new rows were interpolated as plain SMOTE does"
    )
    with pytest.warns(FallbackWarning, match=msg) as record:
        X_res, y_res = sampler.fit_resample(X, y)
    assert len(record) == 1
    assert Counter(y_res.tolist()) == {0: 50, 1: 50}
    np.testing.assert_array_equal(X_res[: len(X)], X)
    assert_on_class_segments(X, y, X_res[len(X) :], 1, 3)
    assert sampler.in_danger_indices == {}
    assert sampler.in_danger_indices_[1].size == 0


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_borderline_extreme_ratio_isolated_rows(kind):
    """Check a 5000:6 ratio whose 6 minority rows sit among the majority (all
    noise, none in danger): exactly 4994 new rows, all finite, on segments
    between minority rows."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5006, 3))
    y = np.repeat([0, 1], [5000, 6])
    sampler = BorderlineSMOTE(kind=kind, random_state=0)
    with pytest.warns(FallbackWarning, match=r"0 safe rows, 6 noise rows; 4994"):
        X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 5000, 1: 5000}
    assert np.isfinite(X_res).all()
    assert_on_class_segments(X, y, X_res[len(X) :][:200], 1, 5)


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_borderline_identical_rows(kind):
    """Check a class of identical rows, far from the others: its new rows are
    copies of that row (zero-length segments), finite, and as many as asked."""
    X, y = separable(n_minority=8)
    X[y == 1] = [50.0, -3.0]
    with pytest.warns(FallbackWarning, match="no row is in danger in class 1"):
        X_res, y_res = BorderlineSMOTE(kind=kind, random_state=0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 50, 1: 50}
    np.testing.assert_array_equal(X_res[len(X) :], np.tile([50.0, -3.0], (42, 1)))


def single_row_in_danger():
    """One minority row between the classes; the 7 others are safe."""
    majority = np.column_stack([np.arange(40.0), np.zeros(40)])
    minority = np.column_stack([100 + np.arange(7.0), np.zeros(7)])
    X = np.vstack([majority, minority, [[67.3, 0.3]]])
    return X, np.repeat([0, 1], [40, 8])


def test_borderline1_single_row_in_danger_gives_every_row():
    """Check that one row in danger is the base of every requested new row."""
    X, y = single_row_in_danger()
    sampler = BorderlineSMOTE(k_neighbors=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}
    assert sampler.in_danger_indices_[1].tolist() == [47]
    assert_on_class_segments(X, y, X_res[len(X) :], 1, 3, candidates=[7])


def test_borderline2_single_row_in_danger_gives_every_row():
    """Check borderline-2: every new row starts from the one row in danger."""
    X, y = single_row_in_danger()
    sampler = BorderlineSMOTE(kind="borderline-2", k_neighbors=3, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}
    neighbours = X[kneighbors(X, 3, X[[47]], exclude=np.array([47]))[0]]
    for point in X_res[len(X) :]:
        # on one of the segments from row 47 to its 3 nearest rows
        direction = neighbours - X[47]
        t = (direction @ (point - X[47])) / (direction**2).sum(axis=1)
        assert np.any(np.all(np.isclose(X[47] + t[:, None] * direction, point), 1))


def test_borderline2_fallback_needs_k_plus_one_rows():
    """Check the error naming the class when a class with no row in danger is
    too small for the plain-SMOTE fallback; borderline-2 otherwise accepts
    classes smaller than k_neighbors + 1."""
    # 3 minority rows scattered among 500 others: all noise, none in danger
    X = np.random.default_rng(0).normal(size=(503, 2))
    y = np.repeat([0, 1], [500, 3])
    msg = (
        r"class 1 has no row in danger, so its new rows must be interpolated "
        r"within the class as plain SMOTE does, and k_neighbors=5 needs at least "
        r"6 rows in it; it has 3\. Lower k_neighbors, or use RandomOverSampler"
    )
    with pytest.raises(ValueError, match=msg):
        BorderlineSMOTE(kind="borderline-2").fit_resample(X, y)


def test_borderline2_small_class_with_rows_in_danger():
    """Check that borderline-2 works for a class of fewer than k_neighbors + 1
    rows when some are in danger (borderline-1 refuses such a class early)."""
    X, y = single_row_in_danger()
    X, y = X[np.r_[0:40, 45:48]], y[np.r_[0:40, 45:48]]  # 3 minority rows
    _, y_res = BorderlineSMOTE(kind="borderline-2", random_state=0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}
    with pytest.raises(ValueError, match=r"k_neighbors=5 needs at least 6 .*has 3"):
        BorderlineSMOTE(kind="borderline-1").fit_resample(X, y)


def test_borderline_in_danger_indices_as_imblearn():
    """Check imbalanced-learn's public in_danger_indices: same keys and rows, a
    class with no row in danger absent; in_danger_indices_ lists it, empty."""
    X, y = imbalanced(n=600, weights=(0.7, 0.3), class_sep=0.6)
    far = np.random.default_rng(1).normal(size=(40, X.shape[1])) + 100
    X, y = np.vstack([X, far]), np.r_[y, np.full(40, 2)]
    ours = BorderlineSMOTE(random_state=0)
    with pytest.warns(FallbackWarning, match="no row is in danger in class 2 "):
        ours.fit_resample(X, y)
    theirs = ImbBorderlineSMOTE(random_state=0)
    theirs.fit_resample(X, y)
    assert set(ours.in_danger_indices) == set(theirs.in_danger_indices) == {1}
    np.testing.assert_array_equal(
        ours.in_danger_indices[1], theirs.in_danger_indices[1]
    )
    assert ours.in_danger_indices_[1] is ours.in_danger_indices[1]
    assert ours.in_danger_indices_[2].size == 0


def test_borderline_m_neighbors_larger_than_data():
    """Check the early error when m_neighbors exceeds the data."""
    X = np.arange(20.0).reshape(10, 2)
    y = np.repeat([0, 1], [4, 6])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(
            ValueError, match="m_neighbors=10 needs at least 11 samples"
        ):
            BorderlineSMOTE(k_neighbors=2).fit_resample(X, y)


@given(
    data=tied_datasets(
        n_samples=(30, 80), n_classes=2, min_minority=8, max_minority_share=1 / 3
    ),
    m=st.integers(1, 8),
    seed=st.integers(0, 2**16),
)
def test_borderline_danger_set_does_not_depend_on_row_order(data, m, seed):
    """Check that permuting the rows keeps the same rows in danger, on binary
    data full of distance ties (a minority of 8 rows or more)."""
    X, y = data
    minority = int(np.argmin(np.bincount(y)))
    order = np.random.default_rng(seed).permutation(len(y))
    first = BorderlineSMOTE(m_neighbors=m, k_neighbors=3, random_state=0)
    shuffled = BorderlineSMOTE(m_neighbors=m, k_neighbors=3, random_state=0)
    first.fit_resample(X, y)
    shuffled.fit_resample(X[order], y[order])
    danger = Counter(map(tuple, X[first.in_danger_indices_[minority]].tolist()))
    danger_shuffled = Counter(
        map(tuple, X[order][shuffled.in_danger_indices_[minority]].tolist())
    )
    assert danger == danger_shuffled
