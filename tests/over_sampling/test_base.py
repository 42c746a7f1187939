"""Properties shared by every over-sampler (the BaseOverSampler template)."""

import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from imblearn.utils import check_sampling_strategy
from scipy import sparse

from imbestimators.exceptions import NoSyntheticSamplesWarning
from imbestimators.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTENC,
    BorderlineSMOTE,
    RandomOverSampler,
)
from imbestimators.over_sampling._base import interpolate

SAMPLERS = {
    "RandomOverSampler": lambda **kw: RandomOverSampler(**kw),
    "SMOTE": lambda **kw: SMOTE(k_neighbors=2, **kw),
    "BorderlineSMOTE": lambda **kw: BorderlineSMOTE(k_neighbors=2, m_neighbors=4, **kw),
    "ADASYN": lambda **kw: ADASYN(n_neighbors=2, **kw),
    "SMOTENC": lambda **kw: SMOTENC(categorical_features=[0], k_neighbors=2, **kw),
}


@st.composite
def datasets(draw, n_classes=None):
    """Overlapping classes of 3 to 40 rows, float32 or float64, with duplicates."""
    n_classes = n_classes or draw(st.integers(2, 4))
    sizes = draw(st.lists(st.integers(3, 40), min_size=n_classes, max_size=n_classes))
    n_features = draw(st.integers(2, 5))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=2, size=(sum(sizes), n_features)).round(1).astype(dtype)
    X[:, 0] = rng.integers(0, 3, size=len(X))  # a categorical column for SMOTENC
    y = np.repeat(np.arange(n_classes), sizes)
    order = rng.permutation(len(y))
    return X[order], y[order]


@st.composite
def over_sampling_strategies(draw, y):
    """Every form imbalanced-learn accepts, valid for y."""
    counts = Counter(y.tolist())
    majority = max(counts.values())
    forms = [
        "auto",
        "minority",
        "not minority",
        "not majority",
        "all",
        "dict",
        "callable",
    ]
    if len(counts) == 2 and min(counts.values()) + 1 < majority:
        forms.append("float")
    form = draw(st.sampled_from(forms))
    if form == "float":
        minority = min(counts.values())
        ratios = st.floats((minority + 1) / majority, 1.0)
        # imbalanced-learn wants int(majority * ratio - minority) > 0
        return draw(ratios.filter(lambda r: int(r * majority - minority) > 0))
    if form in ("dict", "callable"):
        target = {
            klass: draw(st.integers(count, majority + 20))
            for klass, count in counts.items()
            if draw(st.booleans())
        }
        return target if form == "dict" else (lambda y: target)
    return form


def expected_counts(sampler, y):
    counts = Counter(y.tolist())
    for klass, n_new in check_sampling_strategy(
        sampler.sampling_strategy, y, "over-sampling"
    ).items():
        counts[klass] += n_new
    return counts


def resample(sampler, X, y):
    """fit_resample, discarding the data sets where the method is undefined.

    ADASYN raises when no row of a class has a neighbour of another class (its
    weights are 0/0); BorderlineSMOTE warns when no row is in danger.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoSyntheticSamplesWarning)
        try:
            return sampler.fit_resample(X, y)
        except ValueError as exc:
            if "ADASYN's weights are undefined" not in str(exc):
                raise
    assume(False)


@pytest.mark.parametrize("name", ["RandomOverSampler", "SMOTE", "SMOTENC", "ADASYN"])
@settings(max_examples=20)
@given(data=st.data())
def test_counts_match_every_sampling_strategy_form(name, data):
    """Check that class counts after resampling are what the strategy asks for."""
    X, y = data.draw(datasets())
    strategy = data.draw(over_sampling_strategies(y))
    sampler = SAMPLERS[name](sampling_strategy=strategy, random_state=0)
    _, y_res = resample(sampler, X, y)
    assert Counter(y_res.tolist()) == expected_counts(sampler, y)


@pytest.mark.parametrize("name", list(SAMPLERS))
@settings(max_examples=15)
@given(data=st.data())
def test_originals_first_unchanged_and_input_untouched(name, data):
    """Check that the input rows come first, unchanged, and X, y are not modified."""
    X, y = data.draw(datasets())
    X_copy, y_copy = X.copy(), y.copy()
    sampler = SAMPLERS[name](random_state=0)
    X_res, y_res = resample(sampler, X, y)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    assert X_res.dtype == X.dtype


@pytest.mark.parametrize("name", ["SMOTE", "ADASYN", "BorderlineSMOTE"])
@settings(max_examples=15)
@given(data=st.data())
def test_synthetic_rows_on_same_class_segments(name, data):
    """Check that each synthetic row lies between two rows of its class
    (or, for borderline-2, another class: not tested here)."""
    X, y = data.draw(datasets())
    X = X.astype(np.float64)
    sampler = SAMPLERS[name](random_state=0)
    X_res, y_res = resample(sampler, X, y)
    for point, klass in zip(X_res[len(X) :], y_res[len(y) :]):
        members = X[y == klass]
        a, b = members[:, None, :], members[None, :, :]
        direction = b - a
        norm = (direction**2).sum(-1)
        t = np.where(
            norm > 0, ((point - a) * direction).sum(-1) / np.where(norm > 0, norm, 1), 0
        )
        closest = a + t[..., None] * direction
        on_segment = (
            (t >= -1e-9) & (t <= 1 + 1e-9) & np.all(np.isclose(closest, point), -1)
        )
        assert on_segment.any()


@pytest.mark.parametrize("name", list(SAMPLERS))
@settings(max_examples=10)
@given(data=st.data())
def test_same_random_state_same_output(name, data):
    """Check determinism: the same random_state twice gives the same output."""
    X, y = data.draw(datasets())
    seed = data.draw(st.integers(0, 1000))
    first = resample(SAMPLERS[name](random_state=seed), X, y)
    second = resample(SAMPLERS[name](random_state=seed), X, y)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize("name", ["RandomOverSampler", "SMOTE", "SMOTENC"])
@settings(max_examples=10)
@given(data=st.data())
def test_shuffled_rows_same_class_counts(name, data):
    """Check that the order of the rows does not change the class counts."""
    X, y = data.draw(datasets())
    order = np.random.default_rng(data.draw(st.integers(0, 100))).permutation(len(y))
    _, y_a = SAMPLERS[name](random_state=0).fit_resample(X, y)
    _, y_b = SAMPLERS[name](random_state=0).fit_resample(X[order], y[order])
    assert Counter(y_a.tolist()) == Counter(y_b.tolist())


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_pandas_round_trip(name):
    """Check pandas in -> pandas out: same columns and dtypes, fresh index."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "code": rng.integers(0, 3, 60),
            "a": rng.normal(size=60).astype(np.float32),
            "b": rng.normal(size=60),
        },
        index=np.arange(100, 160),
    )
    y = pd.Series(np.repeat(["x", "y"], [40, 20]), name="label", index=X.index)
    X_res, y_res = resample(SAMPLERS[name](random_state=0), X, y)
    assert isinstance(X_res, pd.DataFrame)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert isinstance(y_res, pd.Series)
    assert y_res.name == "label"
    assert y_res.index.equals(X_res.index)
    pd.testing.assert_frame_equal(X_res.iloc[:60], X.reset_index(drop=True))


def test_interpolate_dense_and_sparse_agree():
    """Check the interpolation formula on dense and sparse rows."""
    X = np.array([[0.0, 0.0], [2.0, 4.0], [1.0, 1.0]])
    rows, nbrs, steps = np.array([0, 2]), np.array([1, 0]), np.array([0.25, 0.5])
    dense = interpolate(X, rows, X, nbrs, steps)
    np.testing.assert_allclose(dense, [[0.5, 1.0], [0.5, 0.5]])
    sp = interpolate(sparse.csr_matrix(X), rows, sparse.csr_matrix(X), nbrs, steps)
    np.testing.assert_allclose(sp.toarray(), dense)


def test_interpolate_integer_output_rounds():
    """Check that integer outputs receive rounded, not truncated, values."""
    X = np.array([[0], [10]], dtype=np.int32)
    out = interpolate(X, np.array([0]), X, np.array([1]), np.array([0.97]))
    assert out.dtype == np.int32
    assert out.tolist() == [[10]]
