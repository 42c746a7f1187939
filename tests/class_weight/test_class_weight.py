"""Tests of compute_class_weight and compute_sample_weight."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.utils.class_weight import compute_class_weight as sklearn_class_weight
from sklearn.utils.class_weight import compute_sample_weight as sklearn_sample_weight

from imbestimators.class_weight import (
    SCHEMES,
    compute_class_weight,
    compute_sample_weight,
)

class_counts = st.lists(st.integers(1, 300), min_size=2, max_size=6)
betas = st.floats(0.5, 0.9999)


def _labels(counts, seed=0):
    y = np.repeat(np.arange(len(counts)), counts)
    return np.random.default_rng(seed).permutation(y)


@given(counts=class_counts)
def test_balanced_matches_formula_and_scikit_learn(counts):
    """Check that 'balanced' is N / (K n_c), as in scikit-learn."""
    y = _labels(counts)
    classes = np.unique(y)
    counts = np.asarray(counts, dtype=float)
    weight = compute_class_weight("balanced", classes=classes, y=y)
    expected = counts.sum() / (len(counts) * counts)
    np.testing.assert_allclose(weight, expected, rtol=1e-12)
    np.testing.assert_allclose(
        weight, sklearn_class_weight("balanced", classes=classes, y=y), rtol=1e-12
    )


@given(counts=class_counts)
def test_inverse_sqrt_matches_formula(counts):
    """Check that 'inverse_sqrt' is N / (sqrt(n_c) sum_j sqrt(n_j))."""
    y = _labels(counts)
    counts = np.asarray(counts, dtype=float)
    weight = compute_class_weight("inverse_sqrt", classes=np.unique(y), y=y)
    expected = counts.sum() / (np.sqrt(counts) * np.sqrt(counts).sum())
    np.testing.assert_allclose(weight, expected, rtol=1e-12)


@given(counts=class_counts, beta=betas)
def test_effective_number_matches_formula(counts, beta):
    """Check 'effective_number' against Cui et al.'s (1 - beta) / (1 - beta^n)."""
    y = _labels(counts)
    counts = np.asarray(counts, dtype=float)
    weight = compute_class_weight(
        "effective_number", classes=np.unique(y), y=y, beta=beta
    )
    inverse_effective = (1 - beta) / (1 - beta**counts)
    expected = inverse_effective * counts.sum() / np.dot(counts, inverse_effective)
    np.testing.assert_allclose(weight, expected, rtol=1e-9)
    # Cui et al. normalise to sum K instead: the ratios are the same
    cui = inverse_effective / inverse_effective.sum() * len(counts)
    np.testing.assert_allclose(weight / weight[0], cui / cui[0], rtol=1e-9)


@given(counts=class_counts, scheme=st.sampled_from(sorted(SCHEMES)), beta=betas)
def test_schemes_keep_total_weight_and_order(counts, scheme, beta):
    """Check that every scheme keeps the total weight N and favours rare classes."""
    y = _labels(counts)
    weight = compute_sample_weight(scheme, y, beta=beta)
    np.testing.assert_allclose(weight.sum(), len(y), rtol=1e-10)
    class_weight = compute_class_weight(scheme, classes=np.unique(y), y=y, beta=beta)
    order = np.argsort(counts, kind="stable")
    assert np.all(np.diff(class_weight[order]) <= 1e-12 * class_weight.max())


@given(
    counts=class_counts,
    scheme=st.sampled_from([*sorted(SCHEMES), None]),
    seed=st.integers(0, 2**16),
)
def test_schemes_invariant_to_label_renaming(counts, scheme, seed):
    """Check that renaming the labels (any bijection, to strings) moves the weights."""
    y = _labels(counts)
    rng = np.random.default_rng(seed)
    names = np.array([f"label-{k}" for k in rng.permutation(len(counts))])
    renamed = names[y]
    weight = compute_class_weight(scheme, classes=np.unique(y), y=y)
    weight_renamed = compute_class_weight(scheme, classes=np.unique(renamed), y=renamed)
    by_name = dict(zip(np.unique(renamed).tolist(), weight_renamed))
    np.testing.assert_allclose([by_name[name] for name in names], weight, rtol=1e-12)
    np.testing.assert_allclose(
        compute_sample_weight(scheme, renamed), compute_sample_weight(scheme, y)
    )


@given(counts=class_counts, scheme=st.sampled_from(sorted(SCHEMES)))
def test_integer_sample_weight_equals_repetition(counts, scheme):
    """Check that an integer sample weight counts as that many copies of a sample."""
    y = np.arange(len(counts))
    weight = compute_class_weight(scheme, classes=y, y=y, sample_weight=counts)
    repeated = np.repeat(y, counts)
    expected = compute_class_weight(scheme, classes=y, y=repeated)
    np.testing.assert_allclose(weight, expected, rtol=1e-12)


def test_effective_number_limits():
    """Check that beta=0 gives uniform weights and beta -> 1 tends to 'balanced'."""
    y = _labels([500, 40, 3])
    classes = np.unique(y)
    uniform = compute_class_weight("effective_number", classes=classes, y=y, beta=0)
    np.testing.assert_array_equal(uniform, np.ones(3))
    near_one = compute_class_weight(
        "effective_number", classes=classes, y=y, beta=1 - 1e-9
    )
    balanced = compute_class_weight("balanced", classes=classes, y=y)
    np.testing.assert_allclose(near_one, balanced, rtol=1e-5)


def test_classes_order_is_respected():
    """Check that the weights come in the order of ``classes``, sorted or not."""
    y = ["b"] * 30 + ["a"] * 10
    weight = compute_class_weight("balanced", classes=np.array(["b", "a"]), y=y)
    np.testing.assert_allclose(weight, [40 / 60, 40 / 20])


def test_dict_and_none():
    """Check dict weights (unnamed classes get 1) and uniform weights for None."""
    y = np.array([0, 0, 1, 2])
    classes = np.unique(y)
    weight = compute_class_weight({1: 3.0, 2: 0.5}, classes=classes, y=y)
    np.testing.assert_array_equal(weight, [1.0, 3.0, 0.5])
    np.testing.assert_array_equal(
        compute_class_weight(None, classes=classes, y=y), np.ones(3)
    )


@pytest.mark.parametrize(
    "class_weight", ["balanced", {0: 2.0, 1: 5.0}, None, {"x": 1.0}]
)
def test_compute_sample_weight_matches_scikit_learn(class_weight):
    """Check compute_sample_weight against scikit-learn's on the shared schemes."""
    y = np.array([0, 0, 0, 1, 1, 2])
    if class_weight == {"x": 1.0}:
        with pytest.raises(ValueError, match="names labels that are not classes"):
            compute_sample_weight(class_weight, y)
        return
    np.testing.assert_allclose(
        compute_sample_weight(class_weight, y), sklearn_sample_weight(class_weight, y)
    )


def test_sample_weight_changes_counts_only():
    """Check that sample_weight enters the counts but is not multiplied in."""
    y = np.array([0, 0, 1])
    weight = compute_sample_weight("balanced", y, sample_weight=[1.0, 1.0, 2.0])
    np.testing.assert_allclose(weight, [1.0, 1.0, 1.0])


def test_sample_weight_does_not_modify_inputs():
    """Check that the inputs are left unchanged."""
    y = np.array([0, 0, 1])
    sample_weight = np.array([1.0, 2.0, 3.0])
    compute_sample_weight("inverse_sqrt", y, sample_weight=sample_weight)
    np.testing.assert_array_equal(sample_weight, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(y, [0, 0, 1])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"class_weight": "bal"},
            ValueError,
            r"'class_weight' parameter of compute_class_weight must be .* Got 'bal'",
        ),
        (
            {"beta": 1.0},
            ValueError,
            r"'beta' parameter of compute_class_weight must be a float in the range "
            r"\[0.0, 1.0\). Got 1.0 instead",
        ),
        (
            {"classes": np.array(["a"])},
            ValueError,
            r"classes must include every label of y; y also holds 'b'",
        ),
        (
            {"classes": np.array(["a", "a", "b"])},
            ValueError,
            "classes must not contain duplicates",
        ),
        (
            {"classes": np.array(["a", "b", "c"])},
            ValueError,
            r"class_weight='balanced' needs samples of every class; .*: 'c'\.",
        ),
        (
            {"class_weight": {"z": 1.0}},
            ValueError,
            r"class_weight names labels that are not classes of y: 'z'\. The "
            r"classes are 'a', 'b'\.",
        ),
        (
            {"class_weight": {"a": -1.0}},
            ValueError,
            "class_weight values must be finite and non-negative",
        ),
        (
            {"sample_weight": np.zeros(4)},
            ValueError,
            "Sample weights must contain at least one non-zero number",
        ),
        (
            {"sample_weight": np.ones(3)},
            ValueError,
            r"sample_weight must have shape \(4,\), one weight per sample; got "
            r"shape \(3,\)",
        ),
        (
            {"sample_weight": [1.0, -1.0, 1.0, 1.0]},
            ValueError,
            "sample_weight must be finite and non-negative",
        ),
        (
            {"sample_weight": ["x", "y", "z", "w"]},
            TypeError,
            "sample_weight must be an array of numbers",
        ),
        (
            {"y": np.array([["a", "b"], ["a", "b"]])},
            ValueError,
            r"y must be a 1-D array of class labels; got an array of shape \(2, 2\)",
        ),
    ],
)
def test_compute_class_weight_errors(kwargs, error, match):
    """Check every error message of compute_class_weight."""
    params = {
        "class_weight": "balanced",
        "classes": np.array(["a", "b"]),
        "y": np.array(["a", "a", "a", "b"]),
        **kwargs,
    }
    class_weight = params.pop("class_weight")
    with pytest.raises(error, match=match):
        compute_class_weight(class_weight, **params)
