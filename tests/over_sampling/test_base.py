"""Properties shared by every over-sampler (the BaseOverSampler template)."""

import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.utils import check_sampling_strategy
from scipy import sparse
from sklearn.neighbors import NearestNeighbors

from imbestimators.exceptions import FallbackWarning
from imbestimators.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTENC,
    BorderlineSMOTE,
    RandomOverSampler,
)
from imbestimators.over_sampling._base import interpolate
from imbestimators.under_sampling import RandomUnderSampler

SAMPLERS = {
    "RandomOverSampler": lambda **kw: RandomOverSampler(**kw),
    "SMOTE": lambda **kw: SMOTE(k_neighbors=2, **kw),
    "BorderlineSMOTE": lambda **kw: BorderlineSMOTE(k_neighbors=2, m_neighbors=4, **kw),
    "BorderlineSMOTE-2": lambda **kw: BorderlineSMOTE(
        kind="borderline-2", k_neighbors=2, m_neighbors=4, **kw
    ),
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
    """fit_resample, without the warnings of a fallback rule (tested elsewhere)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)
        return sampler.fit_resample(X, y)


@pytest.mark.parametrize("name", list(SAMPLERS))
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


@pytest.mark.parametrize("name", list(SAMPLERS))
@settings(max_examples=10)
@given(data=st.data())
def test_shuffled_rows_same_class_counts(name, data):
    """Check that the order of the rows does not change the class counts."""
    X, y = data.draw(datasets())
    order = np.random.default_rng(data.draw(st.integers(0, 100))).permutation(len(y))
    _, y_a = resample(SAMPLERS[name](random_state=0), X, y)
    _, y_b = resample(SAMPLERS[name](random_state=0), X[order], y[order])
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


# -- degenerate but valid data: the rules' fallbacks --------------------------------
INTERPOLATING = ["SMOTE", "BorderlineSMOTE", "BorderlineSMOTE-2", "ADASYN"]
# samplers whose new rows always lie between two rows of their own class
WITHIN_CLASS = ["SMOTE", "BorderlineSMOTE", "ADASYN"]


@st.composite
def hard_datasets(draw):
    """Data where danger sets and ADASYN's weights are empty or nearly so.

    ``separable``: the minority 100 units away; ``identical``: every minority
    row a copy of one point, far away or among the majority; ``isolated``: an
    extreme ratio (up to 400:1), the few minority rows scattered among the
    majority. Returns ``(X, y, kind)``.
    """
    kind = draw(st.sampled_from(["separable", "identical", "isolated"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    n_features = draw(st.integers(1, 4))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    n_minority = draw(st.integers(3, 12))
    n_majority = draw(
        st.integers(20, 80) if kind != "isolated" else st.integers(200, 1200)
    )
    majority = rng.normal(size=(n_majority, n_features))
    if kind == "separable":
        minority = rng.normal(size=(n_minority, n_features)) + 100
    elif kind == "identical":
        point = rng.normal(size=n_features) + draw(st.sampled_from([0, 100]))
        minority = np.tile(point, (n_minority, 1))
    else:
        minority = rng.normal(size=(n_minority, n_features))
    X = np.vstack([majority, minority]).astype(dtype)
    y = np.repeat([0, 1], [n_majority, n_minority])
    order = rng.permutation(len(y))
    return X[order], y[order], kind


@pytest.mark.parametrize("name", INTERPOLATING)
@settings(max_examples=25)
@given(data=hard_datasets())
def test_degenerate_data_exact_counts_finite_rows(name, data):
    """Check, on separable classes, identical rows and extreme ratios, that the
    class gets exactly the requested rows, all finite, the originals first and
    unchanged, the inputs untouched; identical rows give copies of themselves."""
    X, y, kind = data
    X_copy, y_copy = X.copy(), y.copy()
    X_res, y_res = resample(SAMPLERS[name](random_state=0), X, y)
    assert Counter(y_res.tolist()) == {0: Counter(y)[0], 1: Counter(y)[0]}
    assert np.isfinite(X_res).all()
    assert X_res.dtype == X.dtype
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    if kind == "identical" and name in WITHIN_CLASS:
        repeated = X[y == 1][0]
        np.testing.assert_array_equal(
            X_res[len(X) :], np.broadcast_to(repeated, X_res[len(X) :].shape)
        )


class _GeneratesTooFew(SMOTE):
    """Fills one row fewer than planned for each class (a bug)."""

    def _generate_class(self, X, y, klass, n_new, rng, buffer, plan):
        super()._generate_class(X, y, klass, n_new - 1, rng, buffer, plan)


def test_output_buffer_refuses_unfilled_rows():
    """Check that a sampler writing fewer rows than planned fails loudly, instead
    of returning a shorter result (or uninitialised rows)."""
    X = np.random.default_rng(0).normal(size=(30, 2))
    y = np.repeat([0, 1], [20, 10])
    with pytest.raises(RuntimeError, match="39 rows were written into an output of 40"):
        _GeneratesTooFew(k_neighbors=2).fit_resample(X, y)


# -- non-numeric columns ------------------------------------------------------------
INTERPOLATORS = [SMOTE, BorderlineSMOTE, ADASYN]


def mixed_frame(extra, n=60):
    """Two numeric columns and ``extra``, a dict of named columns."""
    rng = np.random.default_rng(0)
    columns = {"a": rng.normal(size=n), "b": rng.normal(size=n)}
    columns.update({name: make(n) for name, make in extra.items()})
    return pd.DataFrame(columns), np.repeat([0, 1], [n - n // 3, n // 3])


NON_NUMERIC = {
    "category": lambda n: pd.Series(["x", "y", "z"] * (n // 3), dtype="category"),
    "numeric_category": lambda n: pd.Series(
        [1.0, 2.0, 4.0] * (n // 3), dtype="category"
    ),
    "object": lambda n: pd.Series(["x", "y", "z"] * (n // 3), dtype=object),
    "string": lambda n: pd.Series(["x", "y", "z"] * (n // 3), dtype="string"),
    "bool": lambda n: pd.Series([True, False, True] * (n // 3)),
    "boolean": lambda n: pd.Series([True, False, None] * (n // 3), dtype="boolean"),
}
KIND_SHOWN = {
    "category": "category",
    "numeric_category": "category",
    "object": "object, with strings",
    "string": "string",
    "bool": "bool",
    "boolean": "boolean",
}


@pytest.mark.parametrize("Sampler", INTERPOLATORS)
@pytest.mark.parametrize("column", list(NON_NUMERIC))
def test_non_numeric_frame_column_refused_by_name(Sampler, column):
    """Check that a column that cannot be interpolated is refused, by name and
    kind, with the SMOTENC call that handles it, in fit and fit_resample."""
    X, y = mixed_frame({"c": NON_NUMERIC[column]})
    msg = (
        rf"{Sampler.__name__} interpolates between rows, so every column must be "
        rf"numeric, but column 'c' \({KIND_SHOWN[column]}\) is not\. Use "
        r"SMOTENC\(categorical_features=\['c'\]\) instead"
    )
    with pytest.raises(ValueError, match=msg):
        Sampler().fit_resample(X, y)
    with pytest.raises(ValueError, match=msg):
        Sampler().fit(X, y)


def test_non_numeric_refused_before_any_work():
    """Check that the refusal comes first: before the class-size check, and
    without fitting the user's neighbours estimator."""

    class Spy(NearestNeighbors):
        def fit(self, X, y=None):
            raise AssertionError("the neighbours estimator was fitted")

    X, y = mixed_frame({"c": NON_NUMERIC["category"], "d": NON_NUMERIC["bool"]})
    X, y = X.iloc[:45], y[:45]  # 5 minority rows: too few for k_neighbors=5
    msg = r"columns 'c' \(category\), 'd' \(bool\) are not.*cast them to float"
    with pytest.raises(ValueError, match=msg):
        SMOTE().fit_resample(X, y)
    with pytest.raises(ValueError, match=msg):
        SMOTE(k_neighbors=Spy(n_neighbors=3)).fit_resample(X, y)


def test_suggested_smotenc_call_works():
    """Check that the SMOTENC call the message suggests resamples the frame,
    keeping each column's dtype."""
    X, y = mixed_frame({"c": NON_NUMERIC["category"], "d": NON_NUMERIC["bool"]})
    with pytest.raises(
        ValueError, match=r"SMOTENC\(categorical_features=\['c', 'd'\]\)"
    ):
        SMOTE().fit_resample(X, y)
    X_res, y_res = SMOTENC(
        categorical_features=["c", "d"], random_state=0
    ).fit_resample(X, y)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}


@pytest.mark.parametrize(
    ("X", "listing", "advice"),
    [
        (
            np.array([[1.0, "x"], [2.0, "y"]] * 15, dtype=object),
            r"column 1 \(object, with strings\) is not",
            r"SMOTENC\(categorical_features=\[1\]\)",
        ),
        (
            np.array([["1", "x"], ["2", "y"]] * 15),
            r"columns 0 \(str\), 1 \(str\) are not",
            r"Every column is categorical: use imbestimators.over_sampling.SMOTEN",
        ),
        (
            np.array([[True, False], [False, False]] * 15),
            r"columns 0 \(bool\), 1 \(bool\) are not",
            r"SMOTEN.*cast them to float",
        ),
        (
            [[1.0, "x", 3.0], [2.0, "y", 4.0]] * 15,
            r"column 1 \(object, with strings\) is not",
            r"SMOTENC\(categorical_features=\[1\]\)",
        ),
    ],
    ids=["object-array", "str-array", "bool-array", "list"],
)
def test_non_numeric_array_refused_by_position(X, listing, advice):
    """Check that NumPy arrays and lists name the positions of the columns."""
    y = np.repeat([0, 1], [20, 10])
    with pytest.raises(ValueError, match=f"{listing}.*{advice}"):
        SMOTE().fit_resample(X, y)


def test_numeric_object_array_still_accepted():
    """Check that an object array of numbers is resampled as numbers, as
    scikit-learn's validation treats it."""
    X = np.random.default_rng(0).normal(size=(30, 2)).astype(object)
    y = np.repeat([0, 1], [20, 10])
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    assert X_res.dtype == np.float64
    assert Counter(y_res.tolist()) == {0: 20, 1: 20}


@pytest.mark.parametrize("Sampler", INTERPOLATORS)
def test_nullable_numeric_columns_without_missing_values(Sampler):
    """Check that pandas nullable Int64 and Float64 columns are interpolated and
    keep their dtypes (Int64 values rounded to integers)."""
    X, y = mixed_frame(
        {
            "i": lambda n: pd.Series(np.arange(n) % 7, dtype="Int64"),
            "f": lambda n: pd.Series(np.linspace(0, 1, n), dtype="Float64"),
        }
    )
    X_res, y_res = resample(Sampler(random_state=0), X, y)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}
    assert not X_res.isna().any().any()
    assert X_res["i"].between(0, 6).all()


@pytest.mark.parametrize("Sampler", INTERPOLATORS)
@pytest.mark.parametrize("dtype", ["Int64", "Float64", "float64"])
def test_missing_values_in_frame_refused_by_name(Sampler, dtype):
    """Check that NA/NaN in a frame is refused, naming the columns."""
    X, y = mixed_frame({"m": lambda n: pd.Series([1, None, 3] * (n // 3), dtype=dtype)})
    msg = (
        rf"{Sampler.__name__} cannot interpolate missing values, but column 'm' "
        r"holds NaN or NA values\. Impute them first"
    )
    with pytest.raises(ValueError, match=msg):
        Sampler().fit_resample(X, y)


@pytest.mark.parametrize("Sampler", [RandomOverSampler, RandomUnderSampler])
def test_random_samplers_carry_any_column_unchanged(Sampler):
    """Check that the samplers that copy rows accept the columns interpolation
    refuses, and return them unchanged, with their dtypes."""
    X, y = mixed_frame(
        {
            "cat": NON_NUMERIC["category"],
            "obj": NON_NUMERIC["object"],
            "str": NON_NUMERIC["string"],
            "bool": NON_NUMERIC["bool"],
            "int": lambda n: pd.Series([1, None, 3] * (n // 3), dtype="Int64"),
        }
    )
    sampler = Sampler(random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    expected = X.iloc[sampler.sample_indices_].reset_index(drop=True)
    pd.testing.assert_frame_equal(X_res, expected)
