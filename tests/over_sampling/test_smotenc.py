"""Tests of SMOTENC."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.preprocessing import OneHotEncoder

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
        (
            [0, 1, 2],
            "work only with categorical features: all n_features=3 columns are"
            ".*Use imbestimators.over_sampling.SMOTEN",
        ),
        (
            np.array([False, False, False]),
            "work only with numerical features: categorical_features=.* selects none",
        ),
        ([5], r"indices \[5\] outside \[0, 2\]"),
        ([True, False], "boolean mask must have 3 entries"),
        (["a"], "column names needs a pandas DataFrame"),
        ("auto", "'auto', the input data should be a pandas.DataFrame"),
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


def sparse_data(dtype=np.float64, seed=0):
    """Two numerical columns (about half zeros) and two categorical ones, 0 to 2.

    The numerical values are large enough for integer dtypes to have no
    distance ties (ties may be broken differently by the dense and the sparse
    neighbour search).
    """
    rng = np.random.default_rng(seed)
    n = 60
    X = np.column_stack(
        [
            rng.integers(0, 3, n),
            rng.normal(size=n) * 1000 * (rng.uniform(size=n) < 0.5),
            rng.normal(size=n) * 10_000,
            rng.integers(0, 3, n),
        ]
    ).astype(dtype)
    y = np.repeat([0, 1, 2], [30, 18, 12])
    return X, y


@pytest.mark.parametrize(
    "container",
    [sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array, sparse.csc_array],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_smotenc_sparse_matches_dense(container, dtype):
    """Check sparse input: same format, container and dtype out, the dense rows.

    imbalanced-learn's SMOTENC accepts CSR and CSC input; we refused it.
    """
    X, y = sparse_data(dtype)
    X_dense, y_dense = SMOTENC(
        categorical_features=[0, 3], random_state=0
    ).fit_resample(X, y)
    X_sparse = container(X)
    sampler = SMOTENC(categorical_features=[0, 3], random_state=0)
    X_res, y_res = sampler.fit_resample(X_sparse, y)
    assert type(X_res) is type(X_sparse)
    assert X_res.format == X_sparse.format
    assert X_res.dtype == X.dtype
    np.testing.assert_allclose(X_res.toarray(), X_dense, rtol=1e-6)
    np.testing.assert_array_equal(y_res, y_dense)
    # new rows store no zeros, and their categories are categories of X
    assert X_res.nnz == np.count_nonzero(X_res.toarray())
    for j in (0, 3):
        assert set(np.unique(X_res[:, [j]].toarray())) <= set(X[:, j])
    assert sampler.fit(X_sparse, y) is sampler


def test_smotenc_sparse_frame():
    """Check a DataFrame of sparse columns: a sparse DataFrame with the dense rows."""
    X, y = sparse_data()
    frame = pd.DataFrame.sparse.from_spmatrix(
        sparse.csr_matrix(X), columns=["a", "b", "c", "d"]
    )
    X_dense, _ = SMOTENC(categorical_features=[0, 3], random_state=0).fit_resample(X, y)
    X_res, _ = SMOTENC(categorical_features=["a", "d"], random_state=0).fit_resample(
        frame, y
    )
    assert isinstance(X_res, pd.DataFrame)
    assert X_res.columns.tolist() == ["a", "b", "c", "d"]
    assert all(isinstance(dtype, pd.SparseDtype) for dtype in X_res.dtypes)
    np.testing.assert_allclose(X_res.sparse.to_dense().to_numpy(), X_dense)


def test_smotenc_frame_mixing_sparse_and_dense_columns_refused():
    """Check the message for a DataFrame with both sparse and dense columns."""
    X, y = sparse_data()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["b"] = frame["b"].astype(pd.SparseDtype(np.float64, 0.0))
    with pytest.raises(TypeError, match=r"mixing sparse columns \['b'\] with dense"):
        SMOTENC(categorical_features=[0, 3]).fit_resample(frame, y)


def test_smotenc_sparse_nan_in_numerical_column_rejected():
    """Check that sparse input with NaN in a numerical column is refused by name."""
    X, y = sparse_data()
    X[0, 1] = np.nan
    with pytest.raises(ValueError, match=r"numerical columns \[1, 2\] must be numeric"):
        SMOTENC(categorical_features=[0, 3]).fit_resample(sparse.csr_matrix(X), y)


def test_smotenc_default_categorical_encoder_is_a_fitted_one_hot_encoder():
    """Check categorical_encoder_ without an encoder: imbalanced-learn's fitted one.

    imbalanced-learn stores the OneHotEncoder(handle_unknown="ignore") it
    fitted on the categorical columns; we left None.
    """
    X, y = mixed_frame()
    X = X[["amount", "age", "country", "channel"]]
    sampler = SMOTENC(categorical_features=["country", "channel"], random_state=0)
    sampler.fit_resample(X, y)
    encoder = sampler.categorical_encoder_
    assert isinstance(encoder, OneHotEncoder)
    assert encoder.handle_unknown == "ignore"
    assert encoder.sparse_output is True
    assert encoder.feature_names_in_.tolist() == ["country", "channel"]
    assert [c.tolist() for c in encoder.categories_] == [
        ["de", "fr", "it"],
        ["shop", "web"],
    ]

    X_num, y_num = sparse_data(np.float32)
    sampler = SMOTENC(categorical_features=[0, 3], random_state=0)
    sampler.fit_resample(X_num, y_num)
    assert [c.tolist() for c in sampler.categorical_encoder_.categories_] == [
        [0.0, 1.0, 2.0],
        [0.0, 1.0, 2.0],
    ]
    assert sampler.categorical_encoder_.dtype == np.float32


def test_smotenc_categorical_encoder_is_none_when_sklearn_cannot_encode():
    """Check a column mixing strings and numbers: resampled, but no encoder stored."""
    X, y = mixed_frame()
    X_obj = X[["amount", "channel"]].to_numpy(dtype=object)
    X_obj[::4, 1] = 7
    sampler = SMOTENC(categorical_features=[1], random_state=0)
    X_res, _ = sampler.fit_resample(X_obj, y)
    assert set(X_res[:, 1]) == {"web", "shop", 7}
    assert sampler.categorical_encoder_ is None


def test_smotenc_given_categorical_encoder_is_cloned_and_fitted():
    """Check that a given encoder is cloned, fitted on the categorical columns."""
    X, y = mixed_frame()
    X = X[["amount", "age", "country", "channel"]]
    encoder = OneHotEncoder(sparse_output=False, handle_unknown="ignore")
    sampler = SMOTENC(
        categorical_features=["country", "channel"],
        categorical_encoder=encoder,
        random_state=0,
    )
    sampler.fit_resample(X, y)
    assert sampler.categorical_encoder_ is not encoder
    assert sampler.categorical_encoder_.sparse_output is False
    assert sampler.categorical_encoder_.feature_names_in_.tolist() == [
        "country",
        "channel",
    ]


def test_smotenc_categorical_encoder_dropping_columns_refused():
    """Check the message for an encoder without one column per category."""
    X, y = mixed_frame()
    X = X[["amount", "age", "country", "channel"]]
    sampler = SMOTENC(
        categorical_features=["country", "channel"],
        categorical_encoder=OneHotEncoder(drop="first"),
    )
    with pytest.raises(
        ValueError,
        match="requires a one-hot encoding with one column per category: "
        r"categorical_encoder produced 3 columns for 5 categories",
    ):
        sampler.fit_resample(X, y)


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
