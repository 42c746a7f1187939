"""Tests of the Value Difference Metric."""

import numpy as np
import pandas as pd
import pytest
from imblearn.metrics.pairwise import ValueDifferenceMetric as ImbValueDifferenceMetric
from imblearn.utils.estimator_checks import check_param_validation
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import OrdinalEncoder

import imbestimators.metrics._pairwise as pairwise_module
from imbestimators.metrics import pairwise
from imbestimators.metrics.pairwise import ValueDifferenceMetric


def random_codes(n, n_features, n_categories, n_classes, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, n_categories, size=(n, n_features))
    y = rng.randint(0, n_classes, size=n)
    return X, y


def test_pairwise_module_all():
    """Check that the public module exports the metric under imblearn's name."""
    assert pairwise.__all__ == ["ValueDifferenceMetric"]


@pytest.mark.parametrize(("k", "r"), [(1, 1), (1, 2), (2, 1), (2, 2), (3, 3)])
@pytest.mark.parametrize("n_classes", [2, 3, 9])
def test_vdm_equals_imblearn_bit_for_bit(k, r, n_classes):
    """Check the shares and distances against imbalanced-learn's, exactly."""
    X, y = random_codes(200, 4, 6, n_classes)
    Y, _ = random_codes(37, 4, 6, n_classes, seed=1)
    ours = ValueDifferenceMetric(k=k, r=r).fit(X, y)
    theirs = ImbValueDifferenceMetric(k=k, r=r).fit(X, y)
    np.testing.assert_array_equal(ours.n_categories_, theirs.n_categories_)
    for mine, reference in zip(ours.proba_per_class_, theirs.proba_per_class_):
        np.testing.assert_array_equal(mine, reference)
    np.testing.assert_array_equal(ours.pairwise(X), theirs.pairwise(X))
    np.testing.assert_array_equal(ours.pairwise(Y, X), theirs.pairwise(Y, X))


@pytest.mark.parametrize(
    "dtype", [np.int32, np.int64, np.uint8, np.float32, np.float64, object]
)
def test_vdm_accepts_codes_of_any_numeric_dtype(dtype):
    """Check that int, float and object arrays of whole numbers give one result."""
    X, y = random_codes(50, 3, 4, 2)
    expected = ValueDifferenceMetric().fit(X, y).pairwise(X)
    X_cast = X.astype(dtype)
    np.testing.assert_array_equal(
        ValueDifferenceMetric().fit(X_cast, y).pairwise(X_cast), expected
    )


def test_vdm_from_ordinal_encoder_with_string_labels():
    """Check the documented use: OrdinalEncoder codes and string labels."""
    X = np.array(["green"] * 10 + ["red"] * 10 + ["blue"] * 10).reshape(-1, 1)
    y = np.array(["apple", "no"])[[1] * 8 + [0] * 5 + [1] * 7 + [0] * 9 + [1]]
    codes = OrdinalEncoder(dtype=np.int32).fit_transform(X)
    ours = ValueDifferenceMetric().fit(codes, y).pairwise(codes)
    theirs = ImbValueDifferenceMetric().fit(codes, y).pairwise(codes)
    np.testing.assert_array_equal(ours, theirs)


def test_vdm_pairwise_is_blocked_and_exact(monkeypatch):
    """Check that tiles, tables and direct computation all give the same bits."""
    X, y = random_codes(300, 5, 7, 3)
    vdm = ValueDifferenceMetric(k=2, r=3).fit(X, y)
    expected = vdm.pairwise(X)
    monkeypatch.setattr(pairwise_module, "_TILE_ENTRIES", 7)
    monkeypatch.setattr(pairwise_module, "_GATHERED_ENTRIES", 50)
    np.testing.assert_array_equal(vdm.pairwise(X), expected)
    monkeypatch.setattr(pairwise_module, "_MAX_TABLE_CATEGORIES", 0)
    np.testing.assert_array_equal(vdm.pairwise(X), expected)


def test_vdm_properties():
    """Check symmetry, zero self-distance and Wilson & Martinez's apple example."""
    X = np.array([0] * 10 + [1] * 10 + [2] * 10).reshape(-1, 1)  # green, red, blue
    y = [1] * 8 + [0] * 5 + [1] * 7 + [0] * 9 + [1]
    distances = ValueDifferenceMetric().fit(X, y).pairwise([[0], [1], [2]])
    np.testing.assert_array_equal(distances, distances.T)
    np.testing.assert_array_equal(np.diag(distances), 0)
    green_red, blue_red, blue_green = distances[0, 1], distances[2, 1], distances[2, 0]
    assert green_red < blue_red < blue_green


def test_vdm_n_categories_keeps_absent_codes():
    """Check that given counts keep zero rows for codes absent from fit."""
    X, y = random_codes(40, 2, 3, 2)
    vdm = ValueDifferenceMetric(n_categories=[5, 4]).fit(X, y)
    assert [p.shape for p in vdm.proba_per_class_] == [(5, 2), (4, 2)]
    np.testing.assert_array_equal(vdm.proba_per_class_[0][3:], 0)
    assert vdm.pairwise([[4, 3]], [[4, 3]])[0, 0] == 0


@pytest.mark.parametrize(
    ("X", "match"),
    [
        ([[0.5, 1], [1, 0]], r"whole numbers\), but X\[0, 0\] = 0.5"),
        ([[-1, 1], [1, 0]], r"Negative values.*X\[0, 0\] = -1"),
        ([["a", "b"], ["b", "a"]], "not numbers.*Encode the categories first"),
    ],
)
def test_vdm_fit_refuses_values_that_are_not_codes(X, match):
    """Check that non-codes raise a ValueError instead of being truncated."""
    with pytest.raises(ValueError, match=match):
        ValueDifferenceMetric().fit(X, [0, 1])


def test_vdm_errors_name_the_parameter():
    """Check the n_categories and pairwise errors."""
    X, y = random_codes(20, 2, 3, 2)
    with pytest.raises(ValueError, match="The length of n_categories is not consis"):
        ValueDifferenceMetric(n_categories=[3]).fit(X, y)
    with pytest.raises(ValueError, match=r"X\[\d+, 0\] = 2 is not a category code"):
        ValueDifferenceMetric(n_categories=[2, 3]).fit(X, y)
    with pytest.raises(ValueError, match="positive whole numbers"):
        ValueDifferenceMetric(n_categories=[0, 3]).fit(X, y)
    vdm = ValueDifferenceMetric().fit(X, y)
    with pytest.raises(ValueError, match=r"Y\[0, 1\] = 7 .*n_categories_\[1\] = 3"):
        vdm.pairwise(X, [[0, 7]])
    with pytest.raises(ValueError, match="3 features, but ValueDifferenceMetric"):
        vdm.pairwise([[0, 1, 2]])
    with pytest.raises(NotFittedError):
        ValueDifferenceMetric().pairwise(X)


@pytest.mark.parametrize("param", ["k", "r"])
def test_vdm_exponents_must_be_positive(param):
    """Check that k=0 or r=0 is refused (imbalanced-learn divides by zero)."""
    X, y = random_codes(20, 2, 3, 2)
    with pytest.raises(ValueError, match=f"The '{param}' parameter"):
        ValueDifferenceMetric(**{param: 0}).fit(X, y)


def test_vdm_param_validation():
    """Check imbalanced-learn's parameter-validation check."""
    check_param_validation("ValueDifferenceMetric", ValueDifferenceMetric())


def test_vdm_dataframe_and_input_unchanged():
    """Check feature names from a DataFrame and that inputs are not modified."""
    X, y = random_codes(30, 2, 3, 2)
    frame = pd.DataFrame(X, columns=["colour", "shape"])
    copy = frame.copy()
    vdm = ValueDifferenceMetric().fit(frame, y)
    np.testing.assert_array_equal(vdm.feature_names_in_, ["colour", "shape"])
    np.testing.assert_array_equal(vdm.pairwise(frame), vdm.pairwise(frame.copy()))
    pd.testing.assert_frame_equal(frame, copy)
