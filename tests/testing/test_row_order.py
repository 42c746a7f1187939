"""Tests of check_sampler_row_order_invariance: samplers that decide from the
rows' values pass it, samplers that decide by position fail it."""

import warnings

import imblearn.under_sampling as imb_under
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from imbestimators.combine import SMOTEENN
from imbestimators.over_sampling import SMOTE, RandomOverSampler
from imbestimators.testing import check_sampler_row_order_invariance, tied_datasets
from imbestimators.under_sampling import (
    EditedNearestNeighbours,
    NearMiss,
    RandomUnderSampler,
    TomekLinks,
)

#: every row the same point: any lower-index tie rule keeps the first rows
X_TIED = np.ones((26, 3))
y_TIED = np.repeat([0, 1], [6, 20])


@pytest.mark.parametrize(
    "sampler",
    [
        EditedNearestNeighbours(n_neighbors=2),
        TomekLinks(sampling_strategy="all"),
        NearMiss(version=1, n_neighbors=2),
        SMOTE(k_neighbors=3, random_state=0),
        RandomOverSampler(random_state=0),
    ],
    ids=lambda sampler: type(sampler).__name__,
)
@settings(max_examples=10)
@given(
    data=tied_datasets(min_minority=4, single_minority=True),
    seed=st.integers(0, 2**16),
)
def test_samplers_deciding_from_values_pass(sampler, data, seed):
    """Check that tie-inclusive samplers pass; over-samplers on originals and
    counts only (their synthetic rows are drawn by position). One class is the
    smallest: with two, which is the minority depends on row order."""
    X, y = data
    check_sampler_row_order_invariance(sampler, X, y, random_state=seed)


@pytest.mark.parametrize(
    "sampler",
    [
        # imbalanced-learn's lower-index rule: the first rows are the neighbours
        imb_under.EditedNearestNeighbours(sampling_strategy="all"),
        # rows drawn by position
        RandomUnderSampler(random_state=0),
    ],
    ids=lambda sampler: type(sampler).__module__.split(".")[0],
)
def test_samplers_deciding_by_position_fail(sampler):
    """Check that the kept rows of an order-dependent sampler are found out."""
    X = np.c_[np.arange(26.0) % 3, np.arange(26.0) % 2]  # tied, both labels
    with pytest.raises(AssertionError, match="the rows kept depend on the order"):
        check_sampler_row_order_invariance(sampler, X, y_TIED, random_state=0)


class _PositionalOverSampler(RandomOverSampler):
    """Broken: adds one row more when the first row is of the minority class."""

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        if y[0] == 0:
            X_res, y_res = np.vstack([X_res, X[:1]]), np.r_[y_res, y[:1]]
        return X_res, y_res


def test_over_sampler_counts_that_depend_on_order_fail():
    """Check that an over-sampler's counts must not depend on row order."""
    order = np.r_[6:26, 0:6]  # the minority first, then last
    with pytest.raises(AssertionError, match=r"class counts .* became"):
        check_sampler_row_order_invariance(
            _PositionalOverSampler(random_state=0), X_TIED, y_TIED, order=order
        )


def test_given_order_is_used():
    """Check that an order keeping the rows in place passes any sampler."""
    check_sampler_row_order_invariance(
        RandomUnderSampler(random_state=0), X_TIED, y_TIED, order=np.arange(26)
    )


@pytest.mark.parametrize("container", ["pandas", "sparse", "list"])
def test_containers(container):
    """Check pandas, sparse and list input, reordered as their kind allows."""
    X, y = np.c_[np.arange(26.0) % 3, np.arange(26.0) % 2], y_TIED
    if container == "pandas":
        X, y = pd.DataFrame(X, columns=["a", "b"]), pd.Series(y, name="target")
    elif container == "sparse":
        X = sparse.csr_matrix(X)
    else:
        X, y = X.tolist(), y.tolist()
    check_sampler_row_order_invariance(TomekLinks(sampling_strategy="all"), X, y)


def test_warnings_are_not_failures():
    """Check that a sampler's warnings (here a class emptied) are silenced."""
    sampler = EditedNearestNeighbours(sampling_strategy="all")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_sampler_row_order_invariance(sampler, X_TIED, y_TIED)


class _KindlessSampler:
    """A sampler that does not declare imbalanced-learn's _sampling_type."""

    def fit_resample(self, X, y):
        return X, y


@pytest.mark.parametrize(
    ("sampler", "kwargs", "error", "match"),
    [
        (object(), {}, TypeError, "sampler must have a fit_resample method"),
        (
            _KindlessSampler(),
            {},
            ValueError,
            r"applies to over-, under- and cleaning samplers: pass kind=.* for "
            r"_KindlessSampler; got kind=None",
        ),
        (
            SMOTEENN(random_state=0),
            {"kind": "combined"},
            ValueError,
            r"for SMOTEENN; got kind='combined'",
        ),
        (
            TomekLinks(),
            {"order": [0, 0, 1]},
            ValueError,
            r"order must be a permutation of range\(26\), one entry per row; got "
            r"an array of shape \(3,\)",
        ),
        (
            TomekLinks(),
            {"order": np.r_[0, 0:25]},
            ValueError,
            r"order must be a permutation of range\(26\)",
        ),
    ],
)
def test_bad_arguments(sampler, kwargs, error, match):
    """Check that bad arguments fail before any resampling, naming the argument."""
    with pytest.raises(error, match=match):
        check_sampler_row_order_invariance(sampler, X_TIED, y_TIED, **kwargs)
