"""Tests of the degenerate-input check: our samplers and deliberately broken
ones (the all-samplers run is in test_checks.py, with every other check)."""

import numpy as np
import pytest

from imbestimators.base import BaseCleaningSampler
from imbestimators.over_sampling import RandomOverSampler
from imbestimators.testing import check_sampler_degenerate_inputs
from tests.testing.test_checks import CentresInPlace, UpcastsToFloat64


class DropsLastRow(RandomOverSampler):
    """Loses the last output row (an off-by-one)."""

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        return X_res[:-1], y_res[:-1]


def _one_point(X):
    return bool((np.ptp(X, axis=0) == 0).all())


class FailsOnIdenticalRows(RandomOverSampler):
    """Leaks an internal error when every row is the same point."""

    def _fit_resample(self, X, y):
        if _one_point(X):
            raise IndexError("index 0 is out of bounds for axis 0 with size 0")
        return super()._fit_resample(X, y)


class RefusesIdenticalRows(RandomOverSampler):
    """Refuses identical rows with a message that names it."""

    def _fit_resample(self, X, y):
        if _one_point(X):
            raise ValueError(
                "RefusesIdenticalRows needs rows that differ; every row of X is "
                "the same point."
            )
        return super()._fit_resample(X, y)


class VagueRefusal(RandomOverSampler):
    """Refuses identical rows without saying who or which parameter."""

    def _fit_resample(self, X, y):
        if _one_point(X):
            raise ValueError("bad data")
        return super()._fit_resample(X, y)


class NoiseFromSquares(RandomOverSampler):
    """Shifts the new rows by X's root mean square, computed in X's dtype: the
    squares overflow on huge float32 values."""

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        X_res = X_res.copy()
        X_res[len(X) :] += 0.01 * np.sqrt(np.mean(X**2, axis=0))
        return X_res, y_res


class DropsFarRows(BaseCleaningSampler):
    """Removes targeted rows farther than 0.1 from the origin: an absolute
    threshold, so the rows kept depend on the unit of X."""

    def __init__(self, *, sampling_strategy="auto"):
        self.sampling_strategy = sampling_strategy

    def _fit_resample(self, X, y):
        targeted = np.isin(y, list(self.sampling_strategy_))
        keep = ~targeted | (np.linalg.norm(X, axis=1) <= 0.1)
        return X[keep], y[keep]


class MakesInputWriteable(RandomOverSampler):
    """Turns a read-only X writeable (to write into it, say)."""

    def fit_resample(self, X, y, **params):
        if isinstance(X, np.ndarray) and not X.flags.writeable:
            X.setflags(write=True)
        return super().fit_resample(X, y, **params)


class LosesNullableDtypes(RandomOverSampler):
    """Returns float64 columns for pandas nullable ones."""

    def fit_resample(self, X, y, **params):
        X_res, y_res = super().fit_resample(X, y, **params)
        if hasattr(X_res, "columns"):
            X_res = X_res.astype("float64")
        return X_res, y_res


class MisalignsLengths(RandomOverSampler):
    """Returns one row of X fewer than labels."""

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        return X_res[:-1], y_res


@pytest.mark.parametrize(
    ("sampler", "case", "message"),
    [
        (FailsOnIdenticalRows(), "identical_rows", "raised IndexError"),
        (VagueRefusal(), "identical_rows", "ValueError: 'bad data' on valid input"),
        (DropsLastRow(), "smallest_class", "rows after resampling, expected"),
        (MisalignsLengths(), "one_feature", "X_res has .* rows and y_res"),
        (NoiseFromSquares(), "huge_float32", "non-finite values"),
        (DropsFarRows(), "tiny_float32", "on the same data scaled exactly"),
        (DropsFarRows(), "huge_float32", "on the same data scaled exactly"),
        (UpcastsToFloat64(), "tiny_float32", "X_res has dtype float64"),
        (CentresInPlace(), "read_only", "ValueError: .*read-only.* on valid input"),
        (CentresInPlace(), "duplicated_rows", "X was modified"),
        (MakesInputWriteable(), "read_only", "set X.flags.writeable to True"),
        (LosesNullableDtypes(), "nullable_pandas", "column dtypes"),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_degenerate_check_finds_the_bug_of_a_broken_sampler(sampler, case, message):
    """Check that each degenerate case finds the bug it is there for."""
    with pytest.raises(AssertionError, match=message):
        check_sampler_degenerate_inputs(sampler, cases=[case], max_examples=5)


@pytest.mark.parametrize("sampler", [RandomOverSampler(), RefusesIdenticalRows()])
def test_degenerate_check_passes_a_correct_sampler_or_a_clear_refusal(sampler):
    """Check that a correct sampler, or one that refuses with a message naming
    itself, passes every degenerate case."""
    check_sampler_degenerate_inputs(sampler, max_examples=3)


def test_degenerate_check_accepts_listed_errors():
    """Check that accept_errors lets a sampler refuse with its own message."""
    check_sampler_degenerate_inputs(
        VagueRefusal(),
        cases=["identical_rows"],
        max_examples=3,
        accept_errors=["bad data"],
    )


def test_degenerate_check_bad_case():
    """Check the message for an unknown case name."""
    with pytest.raises(ValueError, match="cases must hold names among"):
        check_sampler_degenerate_inputs(RandomOverSampler(), cases=["empty"])
