"""Tests of SMOTEN."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.metrics.pairwise import ValueDifferenceMetric as ImbValueDifferenceMetric
from imblearn.over_sampling import SMOTEN as ImbSMOTEN
from scipy.stats import mode
from sklearn.exceptions import DataConversionWarning
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

from imbestimators.metrics._pairwise import _VDMKernel
from imbestimators.metrics.pairwise import ValueDifferenceMetric
from imbestimators.over_sampling import SMOTEN
from imbestimators.over_sampling._smoten import _tie_inclusive_votes
from imbestimators.testing import tied_datasets


def fruit_data():
    """imbalanced-learn's categorical fixture: 3 features, many exact ties."""
    rng = np.random.RandomState(0)
    feature_1 = ["A"] * 10 + ["B"] * 20 + ["C"] * 30
    feature_2 = ["A"] * 40 + ["B"] * 20
    feature_3 = ["A"] * 20 + ["B"] * 20 + ["C"] * 10 + ["D"] * 10
    X = np.array([feature_1, feature_2, feature_3], dtype=object).T
    rng.shuffle(X)
    y = np.array(["not apple"] * 20 + ["apple"] * 40, dtype=object)
    return X, y


def untied_data(seed=0):
    """Distinct rows whose VDM distances have no tie at the 6th neighbour."""
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 8, size=(600, 6))
    y = rng.choice([0, 1, 2], size=600, p=[0.2, 0.3, 0.5])
    X, index = np.unique(X, axis=0, return_index=True)
    return X, y[index]


def imblearn_rows(X, y, klass, k):
    """imbalanced-learn's rule: the new row built from each row of the class."""
    vdm = ImbValueDifferenceMetric(n_categories=X.max(axis=0) + 1).fit(X, y)
    X_class = X[y == klass]
    distances = vdm.pairwise(X_class)
    nn = NearestNeighbors(n_neighbors=k + 1, metric="precomputed").fit(distances)
    neighbors = nn.kneighbors(distances, return_distance=False)
    sorted_distances = np.sort(distances, axis=1)
    untied = sorted_distances[:, k] < sorted_distances[:, k + 1]
    rows = np.squeeze(mode(X_class[neighbors], axis=1, keepdims=True).mode, axis=1)
    return rows, untied


def test_smoten_counts_dtype_and_encoder():
    """Check exact counts, originals first and the default encoder."""
    X, y = fruit_data()
    X_copy = X.copy()
    sampler = SMOTEN(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"apple": 40, "not apple": 40}
    assert X_res.dtype == object
    np.testing.assert_array_equal(X_res[:60], X)
    np.testing.assert_array_equal(X, X_copy)
    assert isinstance(sampler.categorical_encoder_, OrdinalEncoder)
    assert sampler.categorical_encoder_.dtype == np.int32
    assert sampler.nn_k_.get_params()["n_neighbors"] == 6
    assert sampler.nn_k_.get_params()["metric"] == "precomputed"


def test_smoten_rows_are_imblearn_rule_on_untied_data():
    """Check each base row's new row against imbalanced-learn's rule, exactly.

    On data without a tie at the k-th neighbour, the tie-inclusive
    neighbourhood is imbalanced-learn's k + 1 nearest rows, and the vote
    (most frequent code, lowest code on ties) is scipy's mode.
    """
    X, y = untied_data()
    reference, untied = imblearn_rows(X, y, 0, k=5)
    assert untied.all()
    vdm = ValueDifferenceMetric(n_categories=X.max(axis=0) + 1).fit(X, y)
    kernel = _VDMKernel(vdm.proba_per_class_, vdm.k, vdm.r)
    X_class = X[y == 0]
    ours = _tie_inclusive_votes(
        kernel, X_class, np.ones(len(X_class), dtype=np.intp), X_class, 6
    )
    np.testing.assert_array_equal(ours, reference)
    # through the public API: every new row is one the rule builds
    sampler = SMOTEN(random_state=0, sampling_strategy={0: 2000})
    X_res, _ = sampler.fit_resample(X, y)
    new_rows = {tuple(row) for row in X_res[len(X) :]}
    assert new_rows <= {tuple(row) for row in ours}
    assert len(new_rows) == len({tuple(row) for row in ours})


def test_smoten_output_does_not_depend_on_row_order():
    """Check that shuffling the rows gives the same new rows for a seed."""
    X, y = fruit_data()
    X_res, y_res = SMOTEN(random_state=3).fit_resample(X, y)
    order = np.random.RandomState(1).permutation(len(X))
    X_perm, y_perm = SMOTEN(random_state=3).fit_resample(X[order], y[order])
    np.testing.assert_array_equal(X_perm[60:], X_res[60:])
    np.testing.assert_array_equal(y_perm[60:], y_res[60:])


@settings(max_examples=30, deadline=None)
@given(
    tied_datasets(min_minority=6, single_minority=True),
    st.integers(0, 2**31 - 1),
)
def test_smoten_row_order_property(data, seed):
    """Check, on data full of ties, that any row order gives the same new rows."""
    X, y = data
    order = np.random.RandomState(seed).permutation(len(y))
    X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    X_perm, y_perm = SMOTEN(random_state=0).fit_resample(X[order], y[order])
    np.testing.assert_array_equal(X_perm[len(y) :], X_res[len(y) :])
    np.testing.assert_array_equal(y_perm[len(y) :], y_res[len(y) :])


def test_smoten_tie_inclusive_neighbourhood():
    """Check the documented tie rule on one feature.

    "b" and "c" predict the classes alike, so both lie at the same distance
    from "a"; the 3 "a" rows of the minority have every "b" and "c" row in
    their neighbourhood (5 + 5 > 3), and "b" wins the tie with "c" (lower
    code). imbalanced-learn keeps 3 of the 10 tied rows, in search order.
    """
    X = np.array(
        ["a"] * 3 + ["b"] * 5 + ["c"] * 5 + ["a"] * 3 + ["b"] * 10 + ["c"] * 10
    )
    y = np.array([0] * 13 + [1] * 23)
    sampler = SMOTEN(random_state=0, sampling_strategy={0: 1000})
    X_res, _ = sampler.fit_resample(X.reshape(-1, 1), y)
    assert set(X_res[len(X) :, 0].tolist()) == {"b"}


@pytest.mark.parametrize(
    "X",
    [
        np.array([[0, 3], [1, 3], [1, 4], [0, 4]] * 10, dtype=np.int32),
        np.array([["x", "u"], ["y", "u"], ["y", "v"], ["x", "vv"]] * 10),
        np.array([["x", 1], ["y", 1], ["y", 2], ["x", 2]] * 10, dtype=object),
    ],
    ids=["int32", "str", "object"],
)
def test_smoten_keeps_the_dtype(X):
    """Check int, str and object input give the same dtype and known values."""
    y = np.array([0, 1, 1, 1] * 10)
    X_copy = X.copy()
    X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    assert X_res.dtype == X.dtype
    assert Counter(y_res.tolist()) == {0: 30, 1: 30}
    for j in range(X.shape[1]):
        assert set(X_res[:, j].tolist()) <= set(X[:, j].tolist())
    np.testing.assert_array_equal(X, X_copy)


def test_smoten_dataframe_keeps_column_dtypes():
    """Check category, string, object and int columns of a DataFrame."""
    X, y = fruit_data()
    frame = pd.DataFrame(
        {
            "a": pd.Categorical(X[:, 0]),
            "b": pd.array(X[:, 1], dtype="string"),
            "c": X[:, 2],
            "d": np.arange(60) % 3,
        }
    )
    copy = frame.copy()
    X_res, y_res = SMOTEN(random_state=0).fit_resample(frame, pd.Series(y))
    assert X_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert len(X_res) == len(y_res) == 80
    pd.testing.assert_frame_equal(X_res.iloc[:60], frame)
    pd.testing.assert_frame_equal(frame, copy)


def test_smoten_multiclass_one_generator():
    """Check exact counts for two minority classes and seed reproducibility."""
    X, y = untied_data()
    sampler = SMOTEN(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    counts = Counter(y.tolist())
    assert Counter(y_res.tolist()) == dict.fromkeys(counts, max(counts.values()))
    X_again, _ = SMOTEN(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_again)


@pytest.mark.parametrize("container", ["csr", "csc"])
def test_smoten_sparse_input_warns_and_keeps_format(container):
    """Check imbalanced-learn's sparse behaviour: a warning, the same format."""
    X, y = fruit_data()
    X = OneHotEncoder().fit_transform(X).asformat(container)
    with pytest.warns(DataConversionWarning, match="is not really efficient"):
        X_res, _ = SMOTEN(random_state=0).fit_resample(X, y)
    assert X_res.format == container
    assert X_res.shape == (80, X.shape[1])


def test_smoten_custom_encoder_and_estimator():
    """Check a given encoder is cloned and a given estimator gets VDM distances."""
    X, y = fruit_data()
    encoder = OrdinalEncoder(dtype=np.int64)
    sampler = SMOTEN(encoder, k_neighbors=NearestNeighbors(n_neighbors=4))
    _, y_res = sampler.fit_resample(X, y)
    assert sampler.categorical_encoder_ is not encoder
    assert sampler.categorical_encoder_.dtype == np.int64
    assert sampler.nn_k_.get_params()["metric"] == "precomputed"
    assert Counter(y_res.tolist()) == {"apple": 40, "not apple": 40}


def test_smoten_errors_name_the_parameter():
    """Check the errors for too small classes, encoders, estimators, values."""
    X, y = fruit_data()
    with pytest.raises(ValueError, match=r"k_neighbors=30 needs at least 31.*'not"):
        SMOTEN(k_neighbors=30).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"ordinal categorical_encoder.*OneHotEncoder"):
        SMOTEN(OneHotEncoder()).fit_resample(X, y)
    with pytest.raises(ValueError, match="needs a 'metric' parameter"):
        SMOTEN(k_neighbors=_NoMetric()).fit_resample(X, y)
    X_mixed = X.copy()
    X_mixed[0, 1] = 3
    with pytest.raises(TypeError, match=r"columns \[1\] mix strings"):
        SMOTEN().fit_resample(X_mixed, y)
    X_missing = X.copy()
    X_missing[0, 2] = np.nan
    with pytest.raises(ValueError, match="SMOTEN: X holds missing values"):
        SMOTEN().fit_resample(X_missing, y)
    frame = pd.DataFrame({"a": pd.array(X[:, 0], dtype="string")})
    frame.loc[3, "a"] = pd.NA
    with pytest.raises(ValueError, match="SMOTEN: X holds missing values"):
        SMOTEN().fit_resample(frame, y)


class _NoMetric(NearestNeighbors):
    def __init__(self, n_neighbors=4):
        self.n_neighbors = n_neighbors

    def get_params(self, deep=True):
        return {"n_neighbors": self.n_neighbors}


def test_smoten_same_new_rows_as_imblearn_on_untied_data():
    """Check that both libraries build the same rows from the same rule.

    The random streams differ (ours draws in code order), so the rows are
    compared as sets: with 3000 draws from 112 base rows, both libraries
    generate exactly the rows the rule builds, no other.
    """
    X, y = untied_data(seed=1)
    reference, untied = imblearn_rows(X, y, 0, k=5)
    assert untied.all()
    rule = {tuple(row) for row in reference}
    for Sampler in (ImbSMOTEN, SMOTEN):
        sampler = Sampler(random_state=0, sampling_strategy={0: 3000})
        X_res, _ = sampler.fit_resample(X, y)
        assert {tuple(row) for row in X_res[len(X) :]} == rule
