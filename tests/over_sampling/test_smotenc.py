"""Tests of SMOTENC."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from imbestimators.over_sampling import SMOTENC
from imbestimators.utils import kneighbors


def mixed_frame(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = np.where(rng.uniform(size=n) < 0.2, "fraud", "ok")
    frame = pd.DataFrame(
        {
            "amount": rng.normal(size=n) + (y == "fraud"),
            "age": rng.normal(size=n).astype(np.float32),
            "country": pd.Categorical(rng.choice(["fr", "de", "it"], size=n)),
            "channel": rng.choice(["web", "shop"], size=n).astype(object),
            "count": pd.array(rng.integers(0, 5, size=n), dtype="Int64"),
            "flag": rng.uniform(size=n) < 0.5,
            "label": pd.array(rng.choice(["u", "v"], size=n), dtype="string"),
        }
    )
    return frame, pd.Series(y, name="target")


def test_smotenc_auto_detects_categorical_dtypes():
    """Check 'auto': category, object, string and bool columns are categorical."""
    X, y = mixed_frame()
    sampler = SMOTENC(categorical_features="auto", random_state=0)
    sampler.fit_resample(X, y)
    names = X.columns[sampler.categorical_features_].tolist()
    assert names == ["country", "channel", "flag", "label"]


def test_smotenc_keeps_every_pandas_dtype():
    """Check pandas in -> pandas out with every column's dtype, nullable included."""
    X, y = mixed_frame()
    X_res, y_res = SMOTENC(
        categorical_features=["country", "channel", "count", "flag", "label"],
        random_state=0,
    ).fit_resample(X, y)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    assert isinstance(y_res, pd.Series)
    assert y_res.name == "target"
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)
    assert Counter(y_res.tolist())["fraud"] == Counter(y.tolist())["ok"]
    new = X_res.iloc[len(X) :]
    assert set(new["country"]) <= {"fr", "de", "it"}
    assert set(new["label"]) <= {"u", "v"}


def test_smotenc_category_is_most_frequent_among_neighbours():
    """Check that a new row's category is the mode of its base row's neighbours."""
    rng = np.random.default_rng(1)
    n = 60
    X = np.column_stack([rng.normal(size=n), rng.normal(size=n), np.zeros(n)])
    y = np.repeat([0, 1], [40, 20])
    # class 1: every row's 3 nearest neighbours (numerical space) share a code
    X[40:, 2] = np.where(X[40:, 0] > 0, 7.0, 9.0)
    X[40:, 0] += np.sign(X[40:, 0]) * 10
    X_res, _ = SMOTENC(
        categorical_features=[2], k_neighbors=3, random_state=0
    ).fit_resample(X, y)
    new = X_res[len(X) :]
    assert set(np.unique(new[:, 2])) <= {7.0, 9.0}
    assert np.all((new[:, 0] > 0) == (new[:, 2] == 7.0))


def test_smotenc_numpy_object_array():
    """Check a NumPy object array with strings in the categorical column."""
    X, y = mixed_frame()
    X_obj = X[["amount", "age", "channel"]].to_numpy(dtype=object)
    X_res, _ = SMOTENC(categorical_features=[2], random_state=0).fit_resample(X_obj, y)
    assert X_res.dtype == object
    assert set(X_res[:, 2]) == {"web", "shop"}


def test_smotenc_missing_category_is_a_category():
    """Check that NaN in a categorical column is kept as a category."""
    X, y = mixed_frame()
    X = X[["amount", "channel"]].copy()
    X.loc[::3, "channel"] = np.nan
    X_res, _ = SMOTENC(categorical_features=[1], random_state=0).fit_resample(X, y)
    assert X_res["channel"].isna().sum() >= X["channel"].isna().sum()


def test_smotenc_nan_in_numerical_column_rejected():
    """Check that NaN in a numerical column raises a message naming the columns."""
    X, y = mixed_frame()
    X = X[["amount", "channel"]].copy()
    X.loc[0, "amount"] = np.nan
    with pytest.raises(ValueError, match=r"numerical columns \[0\] must be numeric"):
        SMOTENC(categorical_features=[1]).fit_resample(X, y)


@pytest.mark.parametrize(
    ("categorical_features", "match"),
    [
        ([0, 1, 2], "all n_features=3 columns are categorical"),
        (np.array([False, False, False]), "needs at least one categorical feature"),
        ([5], r"indices \[5\] outside \[0, 2\]"),
        ([True, False], "boolean mask must have 3 entries"),
        (["a"], "column names needs a pandas DataFrame"),
        ("auto", "'auto' needs a pandas DataFrame"),
    ],
)
def test_smotenc_categorical_features_errors(categorical_features, match):
    """Check the messages of invalid categorical_features."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = np.repeat([0, 1], [20, 10])
    with pytest.raises(ValueError, match=match):
        SMOTENC(categorical_features=categorical_features).fit_resample(X, y)


def test_smotenc_unknown_column_name():
    """Check the message of a categorical column name X does not have."""
    X, y = mixed_frame()
    with pytest.raises(ValueError, match=r"\['nope'\] are not columns of X"):
        SMOTENC(categorical_features=["nope"]).fit_resample(X, y)


def test_smotenc_refuses_sparse():
    """Check the refusal of sparse input."""
    from scipy import sparse

    X = sparse.random(20, 3, density=0.5, format="csr", random_state=0)
    with pytest.raises(TypeError, match="SMOTENC does not accept sparse X"):
        SMOTENC(categorical_features=[0]).fit_resample(X, np.repeat([0, 1], [14, 6]))


def test_smotenc_distance_counts_median_std_per_mismatch():
    """Check the embedding: a category mismatch costs the median std (Chawla et al.)."""
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [rng.normal(size=50), rng.normal(size=50), rng.integers(0, 2, 50)]
    )
    y = np.repeat([0, 1], [30, 20])
    sampler = SMOTENC(categorical_features=[2], random_state=0)
    sampler.fit_resample(X, y)
    cont = X[y == 1][:, :2]
    median_std = np.median(np.std(cont, axis=0))
    assert sampler.median_std_[1] == pytest.approx(median_std)
    codes = [np.unique(X[y == 1][:, 2], return_inverse=True)[1]]
    from imbestimators.over_sampling._smotenc import _one_hot

    emb = np.hstack([cont, _one_hot(codes, median_std / np.sqrt(2), np.float64)])
    i, j = 0, int(np.flatnonzero(codes[0] != codes[0][0])[0])
    d2 = np.sum((emb[i] - emb[j]) ** 2)
    expected = np.sum((cont[i] - cont[j]) ** 2) + median_std**2
    assert d2 == pytest.approx(expected)
    assert kneighbors(emb, 3).shape == (20, 3)
