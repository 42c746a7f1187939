"""Tests of FunctionSampler."""

import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from imblearn import FunctionSampler as ImbFunctionSampler
from imblearn.pipeline import make_pipeline
from scipy import sparse
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

import imbestimators
from imbestimators import FunctionSampler
from imbestimators.under_sampling import RandomUnderSampler


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = np.array([0] * 20 + [1] * 7 + [2] * 3)
    return X, y


def _first_rows(X, y, n):
    return X[:n], y[:n]


def _under_sample(X, y, random_state):
    return RandomUnderSampler(random_state=random_state).fit_resample(X, y)


def test_exported_lazily_from_the_package():
    """Check that the top-level name is the sampler of imbestimators.base."""
    assert "FunctionSampler" in imbestimators.__all__
    assert FunctionSampler is imbestimators.base.FunctionSampler


def test_import_stays_light():
    """Check that importing imbestimators loads neither imblearn nor the sampler."""
    code = (
        "import sys, imbestimators\n"
        "print([m for m in ('imblearn', 'imbestimators.base') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_identity_by_default():
    """Check that func=None returns X and y unchanged, and X is not mutated."""
    X, y = _data()
    X_before = X.copy()
    X_res, y_res = FunctionSampler().fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)
    np.testing.assert_array_equal(X, X_before)


def test_kw_args_reach_the_function():
    """Check that fit_resample returns func(X, y, **kw_args)."""
    X, y = _data()
    X_res, y_res = FunctionSampler(func=_first_rows, kw_args={"n": 5}).fit_resample(
        X, y
    )
    np.testing.assert_array_equal(X_res, X[:5])
    np.testing.assert_array_equal(y_res, y[:5])


def test_validate_false_passes_any_container_untouched():
    """Check that validate=False gives func the very objects, strings and None."""
    X = [["a", None], ["b", "c"]]
    y = ["spam", None]
    seen = {}

    def record(X, y):
        seen["X"], seen["y"] = X, y
        return X, y

    sampler = FunctionSampler(func=record, validate=False)
    X_res, y_res = sampler.fit_resample(X, y)
    assert seen["X"] is X
    assert seen["y"] is y
    assert X_res is X
    assert y_res is y
    assert sampler.fit(X, y).sampling_strategy_ == "auto"


def test_validate_true_refuses_strings():
    """Check that validate=True checks X as numbers, as imbalanced-learn does."""
    with pytest.raises(ValueError, match="not compatible with arrays of bytes/strings"):
        FunctionSampler().fit_resample([["a"], ["b"]], [0, 1])


def test_sparse_refused_when_accept_sparse_false():
    """Check that accept_sparse=False refuses sparse X with a message naming it."""
    X, y = _data()
    X_sparse = sparse.csr_matrix(X)
    sampler = FunctionSampler(accept_sparse=False)
    with pytest.raises(TypeError, match=r"accept_sparse=False.*csr_matrix"):
        sampler.fit_resample(X_sparse, y)
    with pytest.raises(TypeError, match=r"accept_sparse=False"):
        sampler.fit(X_sparse, y)
    assert not sampler.__sklearn_tags__().input_tags.sparse


def test_sparse_accepted_by_default():
    """Check that sparse X reaches func and comes back sparse."""
    X, y = _data()
    X_res, _ = FunctionSampler(func=_first_rows, kw_args={"n": 4}).fit_resample(
        sparse.csr_matrix(X), y
    )
    assert sparse.issparse(X_res)
    np.testing.assert_array_equal(X_res.toarray(), X[:4])


def test_fit_checks_without_resampling():
    """Check that fit sets the fitted attributes and rejects a single class."""
    X, y = _data()
    sampler = FunctionSampler().fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    assert sampler.sampling_strategy_ == "auto"
    assert sampler.n_features_in_ == 3
    assert list(sampler.feature_names_in_) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="more than 1 class"):
        FunctionSampler().fit(X, np.zeros(len(y)))


def test_pandas_in_pandas_out():
    """Check that a frame and a series come back as a frame and a series."""
    X, y = _data()
    X_df = pd.DataFrame(X, columns=["a", "b", "c"], index=range(100, 130))
    y_sr = pd.Series(y, name="target", index=X_df.index)
    X_res, y_res = FunctionSampler(func=_first_rows, kw_args={"n": 6}).fit_resample(
        X_df, y_sr
    )
    assert isinstance(X_res, pd.DataFrame)
    assert isinstance(y_res, pd.Series)
    assert list(X_res.columns) == ["a", "b", "c"]
    assert y_res.name == "target"
    np.testing.assert_array_equal(X_res.to_numpy(), X[:6])


@pytest.mark.parametrize("container", ["array", "frame", "sparse", "list"])
@pytest.mark.parametrize(
    ("func", "kw_args"),
    [(None, None), (_first_rows, {"n": 8}), (_under_sample, {"random_state": 0})],
)
def test_agrees_with_imbalanced_learn(container, func, kw_args):
    """Check that the output equals imblearn.FunctionSampler's, container included."""
    X, y = _data()
    X_in = {
        "array": X,
        "frame": pd.DataFrame(X, columns=["a", "b", "c"]),
        "sparse": sparse.csr_matrix(X),
        "list": X.tolist(),
    }[container]
    y_in = pd.Series(y, name="t") if container == "frame" else y
    ours = FunctionSampler(func=func, kw_args=kw_args).fit_resample(X_in, y_in)
    theirs = ImbFunctionSampler(func=func, kw_args=kw_args).fit_resample(X_in, y_in)
    for a, b in zip(ours, theirs):
        assert type(a) is type(b)
        if container == "frame":
            pd.testing.assert_frame_equal(
                a.to_frame() if isinstance(a, pd.Series) else a,
                b.to_frame() if isinstance(b, pd.Series) else b,
            )
        elif sparse.issparse(a):
            np.testing.assert_array_equal(a.toarray(), b.toarray())
        else:
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_in_imblearn_pipeline():
    """Check that the pipeline resamples at fit time through the function."""
    X, y = _data()
    calls = []

    def counting(X, y):
        calls.append(len(y))
        return X[:27], y[:27]

    pipe = make_pipeline(FunctionSampler(func=counting), LogisticRegression())
    pipe.fit(X, y)
    assert calls == [30]
    # the classifier saw only the rows the function kept (no class 2)
    assert pipe[-1].classes_.tolist() == [0, 1]
    assert pipe.predict(X).shape == (30,)


def test_clone_and_pickle():
    """Check that clone and pickle keep the parameters and the behaviour."""
    X, y = _data()
    sampler = FunctionSampler(func=_first_rows, kw_args={"n": 3}, validate=True)
    cloned = clone(sampler)
    assert cloned.get_params() == sampler.get_params()
    restored = pickle.loads(pickle.dumps(sampler.fit(X, y)))
    np.testing.assert_array_equal(restored.fit_resample(X, y)[0], X[:3])


def test_default_parameters_match_imbalanced_learn():
    """Check that the parameters and defaults are imbalanced-learn's."""
    assert FunctionSampler().get_params() == ImbFunctionSampler().get_params()


@pytest.mark.parametrize("validate", [True, False])
def test_func_with_a_third_output_as_imblearn(validate):
    """imbalanced-learn's FunctionSampler hands back a third value of func
    (e.g. the new rows' sample weights) unchanged; ours did not unpack it."""
    X = np.arange(20.0).reshape(10, 2)
    y = np.array([0] * 7 + [1] * 3)

    def first_five_weighted(X, y):
        return X[:5], y[:5], np.full(5, 2.0)

    ours = FunctionSampler(func=first_five_weighted, validate=validate)
    theirs = ImbFunctionSampler(func=first_five_weighted, validate=validate)
    got, expected = ours.fit_resample(X, y), theirs.fit_resample(X, y)
    assert len(got) == len(expected) == 3
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("output", [None, (1,), (1, 2, 3, 4)])
def test_func_with_a_wrong_output_is_named(output):
    X = np.arange(20.0).reshape(10, 2)
    y = np.array([0] * 7 + [1] * 3)
    with pytest.raises(TypeError, match="func must return"):
        FunctionSampler(func=lambda X, y: output).fit_resample(X, y)
