"""Tests of the twins of imbalanced-learn's ``imblearn.utils`` helpers."""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn import utils as imb_utils
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from imbestimators import utils
from imbestimators.utils import (
    Substitution,
    check_neighbors_object,
    check_sampling_strategy,
    check_target_type,
)

_TWINS = ["check_neighbors_object", "check_sampling_strategy", "check_target_type"]


@pytest.mark.parametrize("name", [*_TWINS, "Substitution"])
def test_twin_has_imblearn_signature(name):
    """Check that each twin has imbalanced-learn's parameters and defaults."""
    ours, theirs = getattr(utils, name), getattr(imb_utils, name)
    assert inspect.signature(ours) == inspect.signature(theirs)


# -- check_neighbors_object ----------------------------------------------------


@pytest.mark.parametrize("n", [1, 3, np.int64(5)])
@pytest.mark.parametrize("extra", [0, 1, 2])
def test_check_neighbors_object_int_agrees_with_imblearn(n, extra):
    """Check that an int builds the same NearestNeighbors as imbalanced-learn."""
    ours = check_neighbors_object("k", n, additional_neighbor=extra)
    theirs = imb_utils.check_neighbors_object("k", n, additional_neighbor=extra)
    assert type(ours) is NearestNeighbors
    assert ours.get_params() == theirs.get_params()


@pytest.mark.parametrize(
    "nn", [NearestNeighbors(n_neighbors=4, p=1), KNeighborsClassifier(2)]
)
def test_check_neighbors_object_clones_estimator(nn):
    """Check that a neighbours estimator is cloned, unfitted, with its parameters."""
    nn.fit(np.zeros((5, 2)), [0, 1, 0, 1, 0])
    out = check_neighbors_object("n_neighbors", nn, additional_neighbor=3)
    assert out is not nn
    assert out.get_params() == nn.get_params()
    assert not hasattr(out, "n_samples_fit_")
    theirs = imb_utils.check_neighbors_object("n_neighbors", nn)
    assert out.get_params() == theirs.get_params()


@pytest.mark.parametrize("bad", [LogisticRegression(), "5", 2.5])
def test_check_neighbors_object_refuses_non_neighbors(bad):
    """Check the TypeError, naming the parameter, for a non-neighbours object.

    imbalanced-learn clones an estimator without kneighbors and fails later.
    """
    with pytest.raises(TypeError, match=r"k_neighbors must be an int or a k-near"):
        check_neighbors_object("k_neighbors", bad)


# -- check_sampling_strategy ---------------------------------------------------

_STRATEGIES = {
    "over-sampling": ["auto", "minority", "not majority", "not minority", "all"],
    "under-sampling": ["auto", "majority", "not minority", "not majority", "all"],
    "clean-sampling": ["auto", "majority", "not minority", "not majority", "all"],
}


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(1, 40), min_size=2, max_size=5),
    sampling_type=st.sampled_from(sorted(_STRATEGIES)),
    data=st.data(),
)
def test_check_sampling_strategy_strings_agree_with_imblearn(
    counts, sampling_type, data
):
    """Check that every string strategy gives imbalanced-learn's counts."""
    y = np.repeat(np.arange(len(counts)) * 3 - 2, counts)
    strategy = data.draw(st.sampled_from(_STRATEGIES[sampling_type]))
    ours = check_sampling_strategy(strategy, y, sampling_type)
    theirs = imb_utils.check_sampling_strategy(strategy, y, sampling_type)
    assert ours == theirs
    assert list(ours) == list(theirs)  # sorted by class, as an OrderedDict


@pytest.mark.parametrize(
    ("strategy", "sampling_type"),
    [
        ({0: 30, 1: 30}, "over-sampling"),
        ({1: 5}, "under-sampling"),
        ([0], "clean-sampling"),
        (lambda y: {1: 30}, "over-sampling"),
        ("auto", "ensemble"),
        ({0: 1}, "bypass"),
    ],
)
def test_check_sampling_strategy_other_kinds_agree_with_imblearn(
    strategy, sampling_type
):
    """Check dicts, lists, callables and the pass-through sampling types."""
    y = np.array([0] * 30 + [1] * 10)
    ours = check_sampling_strategy(strategy, y, sampling_type)
    assert ours == imb_utils.check_sampling_strategy(strategy, y, sampling_type)


@settings(max_examples=60, deadline=None)
@given(
    n_minority=st.integers(1, 200),
    n_majority=st.integers(1, 200),
    ratio=st.floats(0.01, 1.0),
    sampling_type=st.sampled_from(["over-sampling", "under-sampling"]),
)
def test_check_sampling_strategy_float_differs_only_by_rounding(
    n_minority, n_majority, ratio, sampling_type
):
    """Check float ratios: imblearn's counts, or one more (a whole exact target).

    imbalanced-learn truncates ``100 * 0.29 = 28.999999999999996`` to 28
    (issue #1215); we give 29. Anything else is the same, errors included.
    """
    y = np.array([0] * n_majority + [1] * n_minority)
    try:
        theirs = imb_utils.check_sampling_strategy(ratio, y, sampling_type)
    except ValueError:
        theirs = None
    try:
        ours = check_sampling_strategy(ratio, y, sampling_type)
    except ValueError:
        ours = None
    if theirs is None or ours is None:
        # a count one off can cross a validity bound, in either direction
        return
    assert list(ours) == list(theirs)
    assert all(ours[k] - theirs[k] in (0, 1) for k in ours)
    assert sum(ours[k] != theirs[k] for k in ours) <= 1  # binary: one class


def test_check_sampling_strategy_float_whole_target():
    """Check the documented difference: 100 * 0.29 asks for 29 rows, not 28."""
    y = np.array([0] * 100 + [1] * 20)
    assert check_sampling_strategy(0.29, y, "over-sampling")[1] == 9
    assert imb_utils.check_sampling_strategy(0.29, y, "over-sampling")[1] == 8


@pytest.mark.parametrize(
    ("strategy", "y", "sampling_type", "match"),
    [
        ("auto", np.zeros(5), "over-sampling", "needs to have more than 1 class"),
        ("auto", np.array([0, 1]), "sampling", "'sampling_type' should be one of"),
        ("minority", np.array([0, 1, 1]), "under-sampling", "cannot be used with"),
        ("majority", np.array([0, 1, 1]), "over-sampling", "cannot be used with"),
        ("bad", np.array([0, 1, 1]), "over-sampling", "it needs to be one of"),
        ({2: 3}, np.array([0, 1, 1]), "over-sampling", "not present in the data"),
        ({0: -1}, np.array([0, 1, 1]), "under-sampling", "cannot be negative"),
        ({0: 1}, np.array([0, 1, 1]), "clean-sampling", "not supported"),
        ([0], np.array([0, 1, 1]), "over-sampling", "cannot be a list"),
        (1.5, np.array([0, 1, 1]), "over-sampling", r"in the range \(0, 1\]"),
        (0.5, np.array([0, 1, 2]), "over-sampling", "only when the type of target"),
    ],
)
def test_check_sampling_strategy_errors_agree_with_imblearn(
    strategy, y, sampling_type, match
):
    """Check that invalid strategies raise imbalanced-learn's ValueError."""
    with pytest.raises(ValueError, match=match):
        imb_utils.check_sampling_strategy(strategy, y, sampling_type)
    with pytest.raises(ValueError, match=match):
        check_sampling_strategy(strategy, y, sampling_type)


# -- check_target_type ---------------------------------------------------------


@pytest.mark.parametrize(
    "y",
    [
        np.array([0, 1, 1, 0]),
        [0, 2, 1],
        np.array(["a", "b", "a"]),
        np.array([[0], [1], [1]]),
        np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]]),
        sparse.csr_matrix(np.array([[1, 0], [0, 1], [0, 1]])),
        np.array([1.0, 2.0, 1.0]),
    ],
    ids=["binary", "list", "str", "column", "one-hot", "sparse-one-hot", "float"],
)
@pytest.mark.parametrize("indicate", [False, True])
def test_check_target_type_agrees_with_imblearn(y, indicate):
    """Check 1-D, column and one-vs-all targets against imbalanced-learn."""
    ours = check_target_type(y, indicate_one_vs_all=indicate)
    if sparse.issparse(y):
        # imblearn's argmax on a sparse matrix returns a column matrix
        theirs = check_target_type(y.toarray(), indicate_one_vs_all=indicate)
    else:
        theirs = imb_utils.check_target_type(y, indicate_one_vs_all=indicate)
    if indicate:
        assert ours[1] is theirs[1] or ours[1] == theirs[1]
        ours, theirs = ours[0], theirs[0]
    np.testing.assert_array_equal(ours, np.asarray(theirs).ravel())
    assert ours.ndim == 1


def test_check_target_type_refuses_multilabel():
    """Check the ValueError for a row with several labels, naming the rows."""
    y = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 1]])
    with pytest.raises(ValueError, match="not supported"):
        imb_utils.check_target_type(y)
    with pytest.raises(ValueError, match=r"not supported: 2 row\(s\) \(\[0, 2\]\)"):
        check_target_type(y)


def test_check_target_type_refuses_unlabelled_indicator_rows():
    """Check the ValueError for an indicator row without any class.

    imbalanced-learn maps such a row to the first class, silently.
    """
    y = np.array([[1, 0], [0, 0], [0, 1]])
    np.testing.assert_array_equal(imb_utils.check_target_type(y), [0, 0, 1])
    with pytest.raises(ValueError, match=r"no class in 1 row\(s\) \(\[1\]\)"):
        check_target_type(y)


# -- Substitution --------------------------------------------------------------


def test_substitution_fills_docstrings_as_imblearn():
    """Check keyword substitution in functions and classes, as imbalanced-learn."""

    def f():
        """Resample {what} with {how}."""

    class C(BaseEstimator):
        """{what}."""

    for decorate in (Substitution, imb_utils.Substitution):
        assert decorate(what="x", how="y")(_copy(f)).__doc__ == "Resample x with y."
    assert Substitution(what="Doc")(C).__doc__ == "Doc."


def test_substitution_positional_and_missing_docstring():
    """Check positional values (imblearn raises TypeError) and no docstring."""

    def g():
        """{0} and {1}."""

    def h():
        pass

    with pytest.raises(TypeError):
        imb_utils.Substitution("a", "b")(_copy(g))
    assert Substitution("a", "b")(g).__doc__ == "a and b."
    assert Substitution(what="x")(h).__doc__ is None
    with pytest.raises(AssertionError, match="Only positional or keyword"):
        Substitution("a", what="x")


def _copy(func):
    def wrapper():
        pass

    wrapper.__doc__ = func.__doc__
    return wrapper
