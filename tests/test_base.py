"""Tests of the sampler bases and their helpers."""

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import NearestNeighbors

from imbestimators.base import check_class_sizes, n_neighbors_from
from imbestimators.over_sampling import SMOTE, RandomOverSampler


def test_check_class_sizes_lists_every_small_class():
    """Check that the message names each class that is too small, with its count."""
    y = np.array(["a"] * 10 + ["b"] * 2 + ["c"] * 1)
    with pytest.raises(ValueError, match=r"class 'b' has 2, class 'c' has 1\. Fix it"):
        check_class_sizes(
            y, ["b", "c"], 3, parameter="k", value=2, estimator="E", hint="Fix it."
        )
    check_class_sizes(y, ["a"], 3, parameter="k", value=2, estimator="E", hint="")


def test_n_neighbors_from_estimator_counts_the_sample_itself():
    """Check imbalanced-learn's convention for neighbours estimators."""
    assert n_neighbors_from(4, "k_neighbors") == 4
    assert n_neighbors_from(NearestNeighbors(n_neighbors=6), "k_neighbors") == 5
    with pytest.raises(ValueError, match="k_neighbors must be an int or a neighbours"):
        n_neighbors_from(NearestNeighbors(n_neighbors=1), "k_neighbors")


def test_lists_in_lists_out():
    """Check that list inputs give list outputs."""
    X = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]
    y = [0, 0, 0, 1]
    X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    assert isinstance(X_res, list)
    assert isinstance(y_res, list)
    assert y_res == [0, 0, 0, 1, 1, 1]


def test_y_dataframe_and_categorical_series_kept():
    """Check y as a one-column DataFrame and as a categorical Series."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30, 2)), columns=["u", "v"])
    labels = np.repeat(["no", "yes"], [22, 8])
    y_frame = pd.DataFrame({"target": labels})
    _, y_res = SMOTE(random_state=0).fit_resample(X, y_frame)
    assert isinstance(y_res, pd.DataFrame)
    assert y_res.columns.tolist() == ["target"]
    y_cat = pd.Series(pd.Categorical(labels), name="t")
    _, y_res = SMOTE(random_state=0).fit_resample(X, y_cat)
    assert isinstance(y_res.dtype, pd.CategoricalDtype)
    assert y_res.value_counts().to_dict() == {"no": 22, "yes": 22}


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.empty((0, 3)), "0 sample"),
        (np.arange(10.0), "Expected 2D array"),
        (np.zeros((4, 2, 2)), "Found array with dim 3"),
        (np.array([[np.nan, 1.0]] * 4), "NaN"),
        (np.array([[np.inf, 1.0]] * 4), "infinity"),
        (np.array([["a", "b"]] * 4), "not compatible with arrays of bytes/strings"),
    ],
)
def test_bad_X_clear_errors(X, match):
    """Check early, clear errors for malformed X."""
    y = np.array([0, 0, 0, 1])[: max(len(X), 1)] if len(X) else np.array([], dtype=int)
    with pytest.raises(ValueError, match=match):
        SMOTE(k_neighbors=1).fit_resample(X, y)


def test_length_mismatch_and_single_class():
    """Check errors for inconsistent lengths and a single class."""
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SMOTE().fit_resample(X, [0, 1])
    with pytest.raises(ValueError, match="needs to have more than 1 class"):
        SMOTE().fit_resample(X, [0] * 6)
