"""Tests of class_weight_from_cost_matrix."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imbestimators.class_weight import (
    class_weight_from_cost_matrix,
    compute_class_weight,
)


@given(
    fp=st.floats(0.1, 100),
    fn=st.floats(0.1, 100),
    tn=st.floats(0, 5),
    tp=st.floats(0, 5),
    p1=st.floats(0.001, 0.999),
)
def test_binary_weights_give_cost_optimal_decision(fp, fn, tn, tp, p1):
    """Check Elkan's result: argmax of the weighted posterior minimises the cost."""
    cost = np.array([[tn, tn + fp], [tp + fn, tp]])
    weight = class_weight_from_cost_matrix(cost, classes=[0, 1])
    proba = np.array([1 - p1, p1])
    expected_cost = proba @ cost  # expected cost of predicting each column
    weighted = proba * np.array([weight[0], weight[1]])
    if not np.isclose(expected_cost[0], expected_cost[1], rtol=1e-9):
        assert np.argmax(weighted) == np.argmin(expected_cost)


def test_multiclass_row_sums_of_regret():
    """Check w_c = sum_j (C[c, j] - C[c, c]) and the dict's labels."""
    cost = np.array([[1.0, 2.0, 4.0], [5.0, 0.0, 1.0], [3.0, 3.0, 3.0]])
    weight = class_weight_from_cost_matrix(cost, classes=["x", "y", "z"])
    assert weight == {"x": 4.0, "y": 6.0, "z": 0.0}


def test_result_feeds_compute_class_weight():
    """Check that the dict is accepted as class_weight, in the order of classes."""
    weight = class_weight_from_cost_matrix([[0, 1], [10, 0]], classes=["ok", "fraud"])
    y = np.array(["ok", "ok", "fraud"])
    np.testing.assert_array_equal(
        compute_class_weight(weight, classes=np.unique(y), y=y), [10.0, 1.0]
    )


@pytest.mark.parametrize(
    ("cost", "classes", "error", "match"),
    [
        (
            np.zeros((2, 3)),
            [0, 1],
            ValueError,
            r"cost_matrix must have shape \(2, 2\), one row and one column per "
            r"class; got shape \(2, 3\)",
        ),
        ([[0, np.inf], [1, 0]], [0, 1], ValueError, "must hold finite numbers"),
        ([["a", "b"], ["c", "d"]], [0, 1], TypeError, "square array of numbers"),
        (
            [[2, 1], [1, 0]],
            ["a", "b"],
            ValueError,
            r"cost_matrix\[0, 1\] is smaller than cost_matrix\[0, 0\]: predicting "
            r"'b' for a sample of class 'a' would cost less",
        ),
        ([[1, 1], [2, 2]], [0, 1], ValueError, "at least one misclassification"),
        ([[0, 1], [1, 0]], [0, 0], ValueError, "classes must not contain duplicates"),
        ("cost", [0, 1], ValueError, "'cost_matrix' parameter .* must be an array"),
    ],
)
def test_cost_matrix_errors(cost, classes, error, match):
    """Check every error message of class_weight_from_cost_matrix."""
    with pytest.raises(error, match=match):
        class_weight_from_cost_matrix(cost, classes=classes)
