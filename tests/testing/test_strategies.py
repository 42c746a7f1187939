"""Tests of the hypothesis strategies of imbestimators.testing."""

import subprocess
import sys
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import Phase, assume, find, given, settings
from hypothesis import strategies as st
from imblearn.utils import check_sampling_strategy
from sklearn.utils.class_weight import compute_class_weight

from imbestimators.testing import (
    DEGENERATE_CASES,
    TargetCounts,
    class_weights,
    degenerate_datasets,
    imbalanced_datasets,
    sampling_strategies,
    tied_datasets,
)
from imbestimators.testing._strategies import _degenerate_dataset

SAMPLING_TYPES = {
    "over": "over-sampling",
    "under": "under-sampling",
    "clean": "clean-sampling",
}


@settings(max_examples=30)
@given(
    data=imbalanced_datasets(
        n_classes=(2, 5), imbalance_ratio=(2.5, 6.0), class_size=(3, 40)
    )
)
def test_imbalanced_datasets_respect_sizes_and_ratio(data):
    """Check classes, sizes and the imbalance ratio against the parameters."""
    X, y = data
    counts = Counter(y.tolist())
    assert 2 <= len(counts) <= 5
    assert min(counts.values()) >= 3
    assert max(counts.values()) <= 40
    assert 2.5 <= max(counts.values()) / min(counts.values()) <= 6.0
    assert X.shape == (len(y), X.shape[1])
    assert 1 <= X.shape[1] <= 5
    assert X.dtype in (np.float32, np.float64)
    assert np.isfinite(X).all()
    assert np.abs(X).max() <= 1e3


@settings(max_examples=15)
@given(
    data=imbalanced_datasets(
        n_classes=3, n_features=2, dtype="float32", labels="str", as_frame=True
    )
)
def test_imbalanced_datasets_pandas_and_string_labels(data):
    """Check frames with string columns and a non-default index, named Series."""
    X, y = data
    assert isinstance(X, pd.DataFrame)
    assert isinstance(y, pd.Series)
    assert y.name == "target"
    assert list(X.columns) == ["feature_0", "feature_1"]
    assert (X.dtypes == np.float32).all()
    assert X.index.equals(y.index)
    assert not X.index.equals(pd.RangeIndex(len(y)))
    assert all(isinstance(label, str) for label in y)
    assert y.nunique() == 3


@settings(max_examples=15)
@given(
    data=imbalanced_datasets(
        labels="int", duplicates=False, ties=False, constant_columns=False
    )
)
def test_imbalanced_datasets_without_ties_have_distinct_rows(data):
    """Check that duplicates=False, ties=False gives distinct rows and int labels."""
    X, y = data
    assert y.dtype.kind == "i"
    assert len(np.unique(X, axis=0)) == len(X)


EDGE_CASES = {
    "duplicated rows": lambda X, y: len(np.unique(X, axis=0)) < len(X),
    "a row with two labels": lambda X, y: any(
        len(set(y[(row == X).all(axis=1)].tolist())) > 1 for row in X
    ),
    "a constant column": lambda X, y: X.shape[1] > 1 and (np.ptp(X, axis=0) == 0).any(),
    "float32": lambda X, y: X.dtype == np.float32,
    "string labels": lambda X, y: y.dtype.kind == "U",
    "ratio above 10": lambda X, y: _ratio(y) > 10,
    "4 classes": lambda X, y: len(set(y.tolist())) == 4,
}


def _ratio(y):
    counts = Counter(y.tolist()).values()
    return max(counts) / min(counts)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"n_classes": 1}, ValueError, r"n_classes must satisfy 2 <= low <= high"),
        ({"n_classes": (3, 2)}, ValueError, r"got \(3, 2\)"),
        ({"n_classes": 2.5}, TypeError, "n_classes must hold integers"),
        ({"class_size": "big"}, TypeError, "class_size must be a number or a"),
        ({"imbalance_ratio": 0.5}, ValueError, "imbalance_ratio must satisfy 1 <="),
        ({"dtype": "int64"}, ValueError, r"dtype must be None or among"),
        ({"labels": "float"}, ValueError, r"labels must be None or among"),
        ({"max_abs_value": 0}, ValueError, "max_abs_value must be a positive"),
        (
            {"class_size": (2, 5), "imbalance_ratio": (10, 20)},
            ValueError,
            "No class sizes within class_size=",
        ),
    ],
)
def test_imbalanced_datasets_bad_parameters(params, error, match):
    """Check that bad parameters fail at once, naming the parameter."""
    with pytest.raises(error, match=match):
        imbalanced_datasets(**params)


TIED_PARAMS = [
    {},
    {"n_samples": (16, 60), "min_minority": 3, "single_minority": True},
    {"n_samples": (30, 80), "n_classes": 2, "min_minority": 8},
    {"n_classes": 2, "min_minority": 8, "max_minority_share": 1 / 3},
    {"n_samples": 20, "n_classes": 4, "min_minority": 4, "dtype": "float32"},
]


@pytest.mark.parametrize("params", TIED_PARAMS)
@settings(max_examples=30)
@given(data=st.data())
def test_tied_datasets_respect_parameters(params, data):
    """Check sizes, classes, the smallest class and the values against the
    parameters."""
    X, y = data.draw(tied_datasets(**params))
    low, high = np.broadcast_to(params.get("n_samples", (12, 60)), 2)
    k_low, k_high = np.broadcast_to(params.get("n_classes", (2, 3)), 2)
    counts = np.bincount(y)
    assert low <= len(y) <= high
    assert X.shape[0] == len(y)
    assert k_low <= len(counts) <= k_high
    assert counts.min() >= params.get("min_minority", 1)
    assert counts.min() <= len(y) * params.get("max_minority_share", 1) + 1e-9
    if params.get("single_minority"):
        assert np.sum(counts == counts.min()) == 1
    assert X.dtype in ([np.float32] if "dtype" in params else [np.float32, np.float64])
    # small integers or one-hot columns: exact distance ties
    assert set(np.unique(X).tolist()) <= {0.0, 1.0, 2.0}


TIED_EDGE_CASES = {
    "a row with two labels": lambda X, y: (
        len(set(map(tuple, X.tolist())))
        < len(set(zip(map(tuple, X.tolist()), y.tolist())))
    ),
    "one-hot columns": lambda X, y: (
        set(np.unique(X).tolist()) == {0.0, 1.0}
        and X.sum(axis=1).max() == X.sum(axis=1).min()
    ),
    "integer grid": lambda X, y: 2.0 in X,
    "minority not labelled 0": lambda X, y: np.argmin(np.bincount(y)) != 0,
    "3 classes": lambda X, y: len(np.unique(y)) == 3,
    "two smallest classes": lambda X, y: (
        np.sum(np.bincount(y) == min(np.bincount(y))) > 1
    ),
    "float32": lambda X, y: X.dtype == np.float32,
    "float64": lambda X, y: X.dtype == np.float64,
}


@pytest.mark.parametrize(
    ("strategy", "edge_cases"),
    [(imbalanced_datasets, EDGE_CASES), (tied_datasets, TIED_EDGE_CASES)],
    ids=["imbalanced_datasets", "tied_datasets"],
)
def test_datasets_reach_edge_cases(strategy, edge_cases):
    """Check that 60 draws of the default strategy hold every promised edge case."""
    seen = Counter()

    @settings(max_examples=60, phases=[Phase.generate], database=None)
    @given(data=strategy())
    def collect(data):
        seen.update(name for name, holds in edge_cases.items() if holds(*data))

    collect()
    assert set(seen) == set(edge_cases), f"missing {set(edge_cases) - set(seen)}"


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"n_samples": 1}, ValueError, r"n_samples must satisfy 2 <= low <= high"),
        ({"n_classes": (3, 2)}, ValueError, r"n_classes must satisfy .*\(3, 2\)"),
        ({"min_minority": 0}, ValueError, "min_minority must be an integer >= 1"),
        ({"min_minority": 2.5}, ValueError, r"min_minority must be .*; got 2.5"),
        ({"max_minority_share": 0}, ValueError, r"max_minority_share must be None or"),
        ({"max_minority_share": 1.5}, ValueError, r"a number in \(0, 1\]; got 1.5"),
        ({"max_minority_share": True}, ValueError, "max_minority_share must be None"),
        ({"dtype": "int64"}, ValueError, r"dtype must be None or among"),
        (
            {"n_samples": 10, "n_classes": 3, "min_minority": 4},
            ValueError,
            r"No data set of n_samples=\(10, 10\) rows in n_classes=\(3, 3\) classes "
            r"has a smallest class of at least min_minority=4 rows",
        ),
        (
            {"n_samples": (10, 20), "min_minority": 8, "max_minority_share": 0.25},
            ValueError,
            r"max_minority_share=0.25.*allow more rows or fewer classes",
        ),
    ],
)
def test_tied_datasets_bad_parameters(params, error, match):
    """Check that bad parameters fail at once, naming the parameter."""
    with pytest.raises(error, match=match):
        tied_datasets(**params)


@pytest.mark.parametrize("kind", ["over", "under", "clean"])
@settings(max_examples=30)
@given(data=st.data())
def test_sampling_strategies_are_valid(kind, data):
    """Check that every drawn strategy is accepted by imbalanced-learn for y."""
    _, y = data.draw(imbalanced_datasets(class_size=(2, 30)))
    strategy = data.draw(sampling_strategies(y, kind=kind))
    resolved = check_sampling_strategy(strategy, y, SAMPLING_TYPES[kind])
    assert set(resolved) <= set(y.tolist())
    if kind == "clean":
        assert isinstance(strategy, (str, list))


@pytest.mark.parametrize(
    ("kind", "form"),
    [
        ("over", float),
        ("over", dict),
        ("over", TargetCounts),
        ("over", str),
        ("under", float),
        ("under", dict),
        ("under", TargetCounts),
        ("clean", list),
        ("clean", str),
    ],
)
def test_sampling_strategies_reach_every_form(kind, form):
    """Check that each form imbalanced-learn accepts is generated."""
    y = np.array(["a"] * 12 + ["b"] * 5)
    found = find(
        sampling_strategies(y, kind=kind),
        lambda strategy: isinstance(strategy, form),
        settings=settings(database=None),
    )
    assert isinstance(found, form)


@settings(max_examples=30)
@given(data=st.data())
def test_sampling_strategies_float_only_for_binary(data):
    """Check that multi-class targets never get a float strategy."""
    _, y = data.draw(imbalanced_datasets(n_classes=(3, 4)))
    kind = data.draw(st.sampled_from(["over", "under"]))
    assert not isinstance(data.draw(sampling_strategies(y, kind=kind)), float)


def test_sampling_strategies_bad_parameters():
    """Check the messages for an unknown kind and a single-class y."""
    with pytest.raises(ValueError, match="kind must be 'over', 'under' or 'clean'"):
        sampling_strategies([0, 1], kind="both")
    with pytest.raises(ValueError, match=r"at least 2 classes .* got 1"):
        sampling_strategies([0, 0, 0])


@settings(max_examples=40)
@given(data=st.data())
def test_class_weights_accepted_by_scikit_learn(data):
    """Check that every drawn class_weight is accepted by compute_class_weight."""
    _, y = data.draw(imbalanced_datasets())
    # scikit-learn looks string labels that parse as integers ('0') up as ints
    # in the dict (sklearn/utils/class_weight.py), so their dict weights fail
    assume(not any(isinstance(v, str) and _parses_as_int(v) for v in y.tolist()))
    classes = np.unique(y)
    class_weight = data.draw(class_weights(classes))
    weights = compute_class_weight(class_weight, classes=classes, y=y)
    assert (weights > 0).all()
    if isinstance(class_weight, dict):
        assert all(0.01 <= w <= 100 for w in class_weight.values())


def _parses_as_int(text):
    try:
        int(text)
    except ValueError:
        return False
    return True


def test_class_weights_bad_parameters():
    """Check the messages for no classes and inverted weight bounds."""
    with pytest.raises(ValueError, match="at least one class label"):
        class_weights([])
    with pytest.raises(ValueError, match="0 < min_weight <= max_weight"):
        class_weights([0, 1], min_weight=2.0, max_weight=1.0)


def test_import_does_not_load_hypothesis():
    """Check that importing the package and its estimators leaves hypothesis out."""
    code = (
        "import sys, imbestimators, imbestimators.over_sampling, "
        "imbestimators.under_sampling; "
        "assert 'hypothesis' not in sys.modules, 'hypothesis imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_hypothesis_names_the_extra():
    """Check that without hypothesis the ImportError names the testing extra."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import imbestimators.testing\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert "pip install 'imbestimators[testing]'" in out


# -- degenerate data sets ----------------------------------------------------------
def _frame_values(X):
    return X.to_numpy(dtype=np.float64) if isinstance(X, pd.DataFrame) else X


def _has_trait(case, X, y, m):
    """Whether (X, y) has the defining trait of the degenerate case."""
    values, labels = _frame_values(X), np.asarray(y, dtype=object)
    counts = Counter(labels.tolist())
    traits = {
        "smallest_class": min(counts.values()) == m,
        "identical_rows": (values == values[0]).all(),
        "one_point_per_class": all(
            (values[labels == k] == values[labels == k][0]).all() for k in counts
        ),
        "one_feature": values.shape[1] == 1,
        "constant_features": values.shape[1] >= 2
        and (values[:, 1:] == values[0, 1:]).all(),
        "duplicated_rows": np.unique(values, axis=0, return_counts=True)[1].min() >= 2,
        "extreme_ratio": min(counts.values()) == m
        and max(counts.values()) >= min(50 * m, 1000),
        "tiny_float32": values.dtype == np.float32
        and 0 < np.abs(values).max() <= 2.0**-97,
        "huge_float32": values.dtype == np.float32
        and 2.0**100 <= np.abs(values).max() <= 2.0**123,
        "nullable_pandas": isinstance(X, pd.DataFrame)
        and all(str(dtype) in ("Float64", "Float32", "Int64") for dtype in X.dtypes)
        and str(y.dtype) in ("Int64", "string"),
        "read_only": isinstance(X, np.ndarray)
        and not X.flags.writeable
        and not y.flags.writeable,
    }
    return traits[case]


@pytest.mark.parametrize("case", DEGENERATE_CASES)
def test_degenerate_datasets_have_their_trait(case):
    """Check that every drawn data set of a case has the case's trait, is valid
    (finite, every class at least min_class_size rows) and that the classes
    and dtypes vary."""
    seen = set()

    @settings(max_examples=15, database=None)
    @given(data=degenerate_datasets(case, min_class_size=4))
    def check(data):
        X, y = data
        assert _has_trait(case, X, y, 4)
        values = _frame_values(X)
        assert np.isfinite(values).all()
        assert len(values) == len(y)
        assert min(Counter(np.asarray(y, dtype=object).tolist()).values()) >= 4
        seen.add((len(set(np.asarray(y, dtype=object).tolist())), str(values.dtype)))

    check()
    assert len(seen) > 1


def test_degenerate_magnitudes_keep_sums_finite():
    """Check that the huge case leaves float32 room for sums and differences of
    two values: only a sampler's own products may overflow."""
    for exponent in (100, 120):
        X, _ = _degenerate_dataset(
            "huge_float32", sizes=[5, 50], labels=[0, 1], exponent=exponent
        )
        with np.errstate(over="raise"):
            X.max(axis=0) - X.min(axis=0)
            X[:1] + X[1:]
        with np.errstate(over="ignore"):
            assert not np.isfinite(X.astype(np.float32) ** 2).all()


def test_degenerate_dataset_is_deterministic():
    """Check that the builder behind the fixed examples gives the same data set
    for the same arguments, and another one for another seed."""
    first = _degenerate_dataset("smallest_class", sizes=[3, 9], labels=[0, 1])
    again = _degenerate_dataset("smallest_class", sizes=[3, 9], labels=[0, 1])
    other = _degenerate_dataset("smallest_class", sizes=[3, 9], labels=[0, 1], seed=1)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"case": "empty"}, ValueError, "case must be None or among"),
        ({"min_class_size": 0}, ValueError, "min_class_size must satisfy"),
        ({"n_classes": 1}, ValueError, "n_classes must satisfy"),
        ({"labels": "float"}, ValueError, "labels must be None or among"),
    ],
)
def test_degenerate_datasets_bad_parameters(params, error, match):
    """Check the messages for invalid parameters."""
    with pytest.raises(error, match=match):
        degenerate_datasets(**params)
