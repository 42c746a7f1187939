"""Tests of the objective checks of ThresholdTunedClassifier (before any fit)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from imbestimators.model_selection import ThresholdTunedClassifier
from imbestimators.model_selection._objective import resolve_objective, sample_costs

BINARY = np.array([0, 1])
NAMED = np.array(["fraud", "ok"])
THREE = np.array([0, 1, 2])


def _clf(**params):
    return ThresholdTunedClassifier(LogisticRegression(), **params)


@pytest.mark.parametrize(
    ("params", "classes", "has_cost", "match"),
    [
        (
            {"objective": "roc_auc", "constraint": ("precision", 0.9)},
            BINARY,
            False,
            "constraint needs a built-in objective",
        ),
        (
            {"objective": "recall", "constraint": ("auc", 0.9)},
            BINARY,
            False,
            r"constraint must be a \(metric, floor\) pair",
        ),
        (
            {"objective": "recall", "constraint": ("precision", np.inf)},
            BINARY,
            False,
            r"constraint must be a \(metric, floor\) pair",
        ),
        (
            {"objective": "recall", "constraint": ("precision",)},
            BINARY,
            False,
            r"constraint must be a \(metric, floor\) pair",
        ),
        ({"objective": "f1"}, NAMED, False, "pos_label=None cannot tell which"),
        (
            {"objective": "balanced_accuracy", "constraint": ("precision", 0.5)},
            NAMED,
            False,
            "pos_label=None cannot tell which",
        ),
        ({"pos_label": "spam"}, NAMED, False, "pos_label='spam' is not a class"),
        ({"pos_label": 1}, THREE, False, "pos_label applies to two classes"),
        ({"objective": "cost"}, BINARY, False, "objective='cost' needs costs"),
        (
            {"objective": "f1", "cost_matrix": [[0, 1], [1, 0]]},
            BINARY,
            False,
            "cost_matrix is only used by objective='cost'",
        ),
        ({"objective": "f1"}, BINARY, True, "sample_cost is only used"),
        (
            {"objective": "cost", "cost_matrix": {"fp": 1, "fn": 5}},
            THREE,
            False,
            "a cost_matrix dict of false-positive/false-negative costs needs two",
        ),
        (
            {"objective": "cost", "cost_matrix": {"fp": 1, "miss": 5}},
            BINARY,
            False,
            r"got unknown keys \['miss'\]",
        ),
        (
            {"objective": "cost", "cost_matrix": np.zeros((2, 3))},
            BINARY,
            False,
            r"cost_matrix must have shape \(2, 2\)",
        ),
        (
            {"objective": "cost", "cost_matrix": [[0, np.nan], [1, 0]]},
            BINARY,
            False,
            "cost_matrix must be finite",
        ),
    ],
)
def test_resolve_objective_errors(params, classes, has_cost, match):
    """Check every message of a wrong combination of objective parameters."""
    with pytest.raises(ValueError, match=match):
        resolve_objective(_clf(**params), classes, has_cost)


def test_pos_label_not_needed_for_symmetric_objectives():
    """Check that symmetric objectives accept named labels without pos_label."""
    objective = resolve_objective(_clf(objective="mcc"), NAMED, False)
    assert objective.coding.labels.tolist() == ["fraud", "ok"]


def test_pos_label_sets_code_one():
    """Check that pos_label becomes code 1 and the cost matrix follows it."""
    clf = _clf(objective="cost", pos_label="fraud", cost_matrix=[[0, 10], [1, 0]])
    objective = resolve_objective(clf, NAMED, False)
    assert objective.coding.labels.tolist() == ["ok", "fraud"]
    # rows/columns were [fraud, ok]; in code order [ok, fraud]
    assert objective.cost_matrix.tolist() == [[0, 1], [10, 0]]


def test_sample_costs_shapes():
    """Check per-sample costs: one cost per sample, or one per class."""
    objective = resolve_objective(_clf(objective="cost"), THREE, True)
    y = np.array([0, 2, 1])
    weight = np.array([1.0, 2.0, 1.0])
    costs = sample_costs(objective, y, weight, np.array([5.0, 1.0, 3.0]))
    assert costs.tolist() == [[0, 5, 5], [2, 2, 0], [3, 0, 3]]
    full = np.arange(9.0).reshape(3, 3)
    assert np.array_equal(sample_costs(objective, y, np.ones(3), full), full)
    with pytest.raises(ValueError, match=r"sample_cost must have shape \(3,\)"):
        sample_costs(objective, y, weight, np.ones(4))
    with pytest.raises(ValueError, match="sample_cost must be finite"):
        sample_costs(objective, y, weight, np.array([1.0, np.inf, 1.0]))
