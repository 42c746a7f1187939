"""Tests of make_imbalance."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.datasets import make_imbalance as imb_make_imbalance
from sklearn.datasets import load_iris

from imbestimators.datasets import make_imbalance
from imbestimators.utils._param_validation import InvalidParameterError


@pytest.fixture
def iris():
    return load_iris(return_X_y=True)


def _halve(y, factor):
    return {klass: int(count * factor) for klass, count in Counter(y).items()}


@pytest.mark.parametrize(
    ("sampling_strategy", "kwargs"),
    [
        ({0: 10, 1: 20, 2: 30}, {}),
        ({0: 5}, {}),
        ({1: 50, 2: 1}, {}),
        (_halve, {"factor": 0.5}),
        (_halve, {"factor": 0.1}),
    ],
)
def test_same_counts_as_imbalanced_learn(iris, sampling_strategy, kwargs):
    """Check that dict and callable strategies give imbalanced-learn's counts."""
    X, y = iris
    _, y_ours = make_imbalance(
        X, y, sampling_strategy=sampling_strategy, random_state=0, **kwargs
    )
    _, y_theirs = imb_make_imbalance(
        X, y, sampling_strategy=sampling_strategy, random_state=0, **kwargs
    )
    assert Counter(y_ours.tolist()) == Counter(y_theirs.tolist())


def test_rows_are_input_rows_and_input_untouched(iris):
    """Check that every kept row is a row of X with its label, X unchanged."""
    X, y = iris
    X_before = X.copy()
    X_res, y_res = make_imbalance(X, y, sampling_strategy={0: 7, 1: 3}, random_state=1)
    rows = {tuple(row): label for row, label in zip(X.tolist(), y.tolist())}
    assert all(rows[tuple(row)] == label for row, label in zip(X_res.tolist(), y_res))
    np.testing.assert_array_equal(X, X_before)


def test_same_random_state_same_output(iris):
    """Check that the draw depends on random_state only."""
    X, y = iris
    first = make_imbalance(X, y, sampling_strategy={0: 10}, random_state=3)
    second = make_imbalance(X, y, sampling_strategy={0: 10}, random_state=3)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_pandas_in_pandas_out(iris):
    """Check that a frame and a series come back as a frame and a series."""
    X, y = iris
    X_df = pd.DataFrame(X, columns=list("abcd")).astype({"a": "float32"})
    y_sr = pd.Series(y, name="species")
    X_res, y_res = make_imbalance(
        X_df, y_sr, sampling_strategy={0: 10, 1: 20}, random_state=0
    )
    assert isinstance(X_res, pd.DataFrame)
    assert isinstance(y_res, pd.Series)
    assert X_res.dtypes.to_dict() == X_df.dtypes.to_dict()
    assert y_res.name == "species"
    assert y_res.value_counts().to_dict() == {0: 10, 1: 20, 2: 50}


def test_verbose_prints_counts(iris, capsys):
    """Check that verbose=True prints the counts before and after, and only then."""
    X, y = iris
    make_imbalance(X, y, sampling_strategy={0: 10}, random_state=0)
    assert capsys.readouterr().out == ""
    make_imbalance(X, y, sampling_strategy={0: 10}, random_state=0, verbose=True)
    out = capsys.readouterr().out
    assert "original target distribution" in out
    assert "0: 10" in out


def test_none_strategy_raises_clear_error(iris):
    """Check that the default None asks for a dict or callable."""
    X, y = iris
    with pytest.raises(ValueError, match="make_imbalance needs sampling_strategy"):
        make_imbalance(X, y)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"sampling_strategy": "auto"}, "'sampling_strategy' parameter"),
        ({"sampling_strategy": 0.5}, "'sampling_strategy' parameter"),
        ({"sampling_strategy": {0: 1}, "verbose": "yes"}, "'verbose' parameter"),
        ({"sampling_strategy": {0: 1}, "random_state": "a"}, "'random_state'"),
    ],
)
def test_invalid_parameters(iris, params, match):
    """Check that bad parameter types are refused before any work."""
    X, y = iris
    with pytest.raises(InvalidParameterError, match=match):
        make_imbalance(X, y, **params)


def test_count_above_class_size_raises(iris):
    """Check that asking for more rows than a class has is refused."""
    X, y = iris
    with pytest.raises(ValueError, match="under-sampling methods"):
        make_imbalance(X, y, sampling_strategy={0: 51})
