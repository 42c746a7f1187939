"""Tests of the input validation helpers."""

import math
import re
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from imblearn.utils import check_sampling_strategy
from scipy import sparse

from imbestimators.utils._validation import (
    check_X_y_lengths,
    count_from_ratio,
    resolve_sampling_strategy,
)


def binary_y(n_first, n_second):
    return np.array([0] * n_first + [1] * n_second)


@pytest.mark.parametrize(
    ("value", "count"),
    [
        (100 * 0.29, 29),  # 28.999999999999996
        (7 / 0.07, 100),  # 99.99999999999999
        (29.0, 29),
        (math.nextafter(29.0, math.inf), 29),
        (28.5, 28),
        (28.99, 28),
        (29.000001, 29),
        (0.3, 0),
        (0.0, 0),
    ],
)
def test_count_from_ratio(value, count):
    """Check that a value a few ulps from an integer is it; others are truncated."""
    assert count_from_ratio(value) == count


@pytest.mark.parametrize(
    ("n_majority", "ratio"), [(100, 0.29), (50, 0.58), (90, 0.70), (300, 0.41)]
)
def test_float_over_sampling_issue_1215(n_majority, ratio):
    """Check that a ratio one sample above the minority adds that sample.

    imbalanced-learn truncates ``n_majority * ratio`` (e.g. 28.999999999999996)
    and raises "required to remove samples" instead (its issue #1215).
    """
    n_target = round(Fraction(str(ratio)) * n_majority)
    y = binary_y(n_majority, n_target - 1)
    resolved = resolve_sampling_strategy(ratio, y, "over-sampling")
    assert resolved == {1: 1}


def test_float_under_sampling_keeps_the_exact_count():
    """Check that 7 minority samples at ratio 0.07 keep 100, not 99, majority rows."""
    y = binary_y(120, 7)
    assert resolve_sampling_strategy(0.07, y, "under-sampling") == {0: 100}


def exact_target(ratio, n_reference, sampling_type):
    """The count the user means: the decimal or fraction they wrote, exactly."""
    if sampling_type == "over-sampling":
        return ratio * n_reference
    return n_reference / ratio


ratios = st.integers(1, 400).flatmap(lambda q: st.tuples(st.integers(1, q), st.just(q)))


@given(pq=ratios, multiple=st.integers(1, 40), shift=st.integers(-2, 1))
@example(pq=(29, 100), multiple=1, shift=-1)
@example(pq=(58, 100), multiple=1, shift=-1)
@example(pq=(14, 100), multiple=1, shift=0)
def test_float_over_sampling_whole_targets_property(pq, multiple, shift):
    """Check that a ratio p/q whose exact target is whole gives that target.

    The majority size is a multiple of q / gcd(p, q), so ``p/q * n_majority``
    is an integer; the minority size is drawn around it, so that both the
    counts and the "remove samples" error are checked at their boundary.
    """
    p, q = pq
    n_majority = multiple * (q // math.gcd(p, q))
    target = exact_target(Fraction(p, q), n_majority, "over-sampling")
    assert target.denominator == 1
    n_minority = min(max(int(target) + shift, 1), n_majority)
    if n_minority == n_majority:
        # equal sizes: the majority is ambiguous, nothing to add
        return
    y = binary_y(n_majority, n_minority)
    if target <= n_minority:
        with pytest.raises(ValueError, match="required to remove samples"):
            resolve_sampling_strategy(p / q, y, "over-sampling")
        return
    resolved = resolve_sampling_strategy(p / q, y, "over-sampling")
    assert resolved == {1: int(target) - n_minority}


@given(pq=ratios, multiple=st.integers(1, 40), shift=st.integers(-1, 2))
@example(pq=(7, 100), multiple=7, shift=0)
@example(pq=(17, 100), multiple=17, shift=0)
@example(pq=(10, 29), multiple=10, shift=1)
def test_float_under_sampling_whole_targets_property(pq, multiple, shift):
    """Check that a ratio p/q whose exact target is whole keeps that many rows.

    The minority size is a multiple of p / gcd(p, q), so ``n_minority / (p/q)``
    is an integer; the majority size is drawn around it, so that both the
    counts and the "generate new sample" error are checked at their boundary.
    """
    p, q = pq
    n_minority = multiple * (p // math.gcd(p, q))
    target = exact_target(Fraction(p, q), n_minority, "under-sampling")
    assert target.denominator == 1
    n_majority = max(int(target) + shift, n_minority + 1)
    y = binary_y(n_majority, n_minority)
    if target > n_majority:
        with pytest.raises(ValueError, match="required to generate new sample"):
            resolve_sampling_strategy(p / q, y, "under-sampling")
        return
    resolved = resolve_sampling_strategy(p / q, y, "under-sampling")
    assert resolved == {0: int(target)}


@given(
    pq=ratios,
    n_reference=st.integers(2, 2000),
    sampling_type=st.sampled_from(["over-sampling", "under-sampling"]),
)
def test_float_fractional_targets_are_truncated_property(
    pq, n_reference, sampling_type
):
    """Check that a target that is not whole is truncated, as imbalanced-learn does.

    The tolerance must not round up a genuine fraction: with q <= 400 and
    counts of a few thousand, a fraction is at least 1/400 from an integer,
    far more than a few ulps.
    """
    p, q = pq
    target = exact_target(Fraction(p, q), n_reference, sampling_type)
    assume(target.denominator != 1)
    if sampling_type == "over-sampling":
        assume(target >= 2)
        y = binary_y(n_reference, 1)
        expected = {1: math.floor(target) - 1}
    else:
        y = binary_y(math.floor(target) + 1, n_reference)
        expected = {0: math.floor(target)}
    assert resolve_sampling_strategy(p / q, y, sampling_type) == expected


def target_counts(y):
    return {0: 5, 1: 12}


@pytest.mark.parametrize(
    ("strategy", "y", "sampling_type"),
    [
        ("auto", binary_y(20, 5), "over-sampling"),
        ("not majority", np.repeat([0, 1, 2], [9, 4, 2]), "over-sampling"),
        ("majority", np.repeat(["a", "b", "c"], [9, 4, 2]), "under-sampling"),
        ({0: 10}, binary_y(20, 5), "under-sampling"),
        ({1: 30}, binary_y(20, 5), "over-sampling"),
        (target_counts, binary_y(20, 12), "under-sampling"),
        ([0, 1], np.repeat([0, 1, 2], [9, 4, 2]), "clean-sampling"),
        (0.5, binary_y(20, 5), "over-sampling"),
        (0.5, binary_y(20, 5), "under-sampling"),
        (np.float32(0.29), binary_y(100, 28), "under-sampling"),
        (1.0, binary_y(20, 20), "under-sampling"),
    ],
)
def test_other_forms_are_imbalanced_learns(strategy, y, sampling_type):
    """Check that every form without float rounding resolves as imbalanced-learn."""
    expected = check_sampling_strategy(strategy, y, sampling_type)
    resolved = resolve_sampling_strategy(strategy, y, sampling_type)
    assert resolved == expected
    assert list(resolved) == list(expected)
    assert [type(v) for v in resolved.values()] == [type(v) for v in expected.values()]


@pytest.mark.parametrize(
    ("strategy", "y", "sampling_type"),
    [
        (1.5, binary_y(20, 5), "over-sampling"),
        (0.0, binary_y(20, 5), "under-sampling"),
        (0.5, np.repeat([0, 1, 2], [9, 4, 2]), "over-sampling"),
        (0.5, binary_y(20, 5), "clean-sampling"),
        ("minority", binary_y(20, 5), "under-sampling"),
        ({2: 4}, binary_y(20, 5), "under-sampling"),
    ],
)
def test_invalid_strategies_raise_imbalanced_learns_error(strategy, y, sampling_type):
    """Check that invalid strategies raise imbalanced-learn's error, word for word."""
    try:
        check_sampling_strategy(strategy, y, sampling_type)
    except ValueError as exc:
        message = str(exc)
    else:
        pytest.fail("imbalanced-learn accepts this strategy; the case is not invalid")
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve_sampling_strategy(strategy, y, sampling_type)


def test_ratio_errors_give_the_numbers():
    """Check that the ratio errors name the ratio, the counts and the bound."""
    with pytest.raises(
        ValueError,
        match=r"sampling_strategy=0\.1 of the 20 samples of the majority class 0 is "
        r"2 samples, but class 1 already has 5: the specified ratio required to "
        r"remove samples .* above 5/20\.",
    ):
        resolve_sampling_strategy(0.1, binary_y(20, 5), "over-sampling")
    with pytest.raises(
        ValueError,
        match=r"sampling_strategy=0\.1 keeps 5/0\.1 = 50 samples of class 0, but it "
        r"has only 20: the specified ratio required to generate new sample .* at "
        r"least 5/20\.",
    ):
        resolve_sampling_strategy(0.1, binary_y(20, 5), "under-sampling")


@pytest.mark.parametrize(
    "container",
    [np.asarray, list, pd.DataFrame, sparse.csr_matrix],
    ids=["array", "list", "frame", "sparse"],
)
@pytest.mark.parametrize(("n_X", "n_y"), [(6, 5), (5, 6), (1, 0)])
def test_check_X_y_lengths(container, n_X, n_y):
    """Check that X and y of different lengths raise, naming both lengths."""
    X = np.zeros((n_X, 2))
    X = X.tolist() if container is list else container(X)
    with pytest.raises(
        ValueError,
        match=rf"^RandomOverSampler: X and y have inconsistent numbers of samples: "
        rf"X has {n_X} rows but y has {n_y} labels\.",
    ):
        check_X_y_lengths(X, [0] * n_y, "RandomOverSampler")
    check_X_y_lengths(X, pd.Series([0] * n_X), "RandomOverSampler")


def test_check_X_y_lengths_leaves_non_arrays_to_validation():
    """Check that inputs without a length are left to the validation that follows."""
    check_X_y_lengths(None, [0, 1], "SMOTE")
    check_X_y_lengths(np.zeros((2, 2)), None, "SMOTE")
