"""Tests of the score matrices the decision rules act on."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from imbestimators.model_selection._response import (
    make_coding,
    resolve_response_method,
    rule_scores,
)


class _Fixed(ClassifierMixin, BaseEstimator):
    """A 'fitted' classifier returning given outputs."""

    def __init__(self, classes=None, proba=None, decision=None):
        self.classes = classes
        self.proba = proba
        self.decision = decision

    @property
    def classes_(self):
        return np.asarray(self.classes)

    def predict_proba(self, X):
        return self.proba

    def decision_function(self, X):
        return self.decision


def test_coding_puts_pos_label_at_code_one():
    """Check that the positive class gets code 1 and encode follows."""
    coding = make_coding(np.array(["a", "b"]), pos_label="a")
    assert coding.labels.tolist() == ["b", "a"]
    assert coding.encode(np.array(["a", "b", "a"])).tolist() == [1, 0, 1]
    three = make_coding(np.array([3, 5, 7]))
    assert three.encode(np.array([7, 3])).tolist() == [2, 0]


def test_binary_scores_follow_pos_label():
    """Check the binary matrix [0, score of pos_label] for both responses."""
    est = _Fixed(
        classes=["a", "b"],
        proba=np.array([[0.2, 0.8], [0.9, 0.1]]),
        decision=np.array([1.5, -2.0]),
    )
    coding = make_coding(est.classes_, pos_label="a")
    proba = rule_scores(est, None, "predict_proba", coding)
    assert proba.tolist() == [[0.0, 0.2], [0.0, 0.9]]
    decision = rule_scores(est, None, "decision_function", coding)
    assert decision.tolist() == [[0.0, -1.5], [0.0, 2.0]]


def test_multiclass_scores():
    """Check log-probabilities (missing classes at a finite floor), Bayes risks
    and decision values in code order."""
    est = _Fixed(classes=[0, 2], proba=np.array([[0.25, 0.75]]))
    coding = make_coding(np.array([0, 1, 2]))
    scores = rule_scores(est, None, "predict_proba", coding)
    assert scores[0, 0] == np.log(0.25)
    assert np.isfinite(scores[0, 1])
    assert scores[0, 1] < -700
    cost = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [4.0, 1.0, 0.0]])
    risk = rule_scores(est, None, "predict_proba", coding, risk=cost)
    assert risk.tolist() == [[-3.0, -1.0, -0.5]]


@pytest.mark.parametrize(
    ("est", "classes", "method", "match"),
    [
        (
            _Fixed(classes=[0, 2], decision=np.zeros((1, 2))),
            [0, 1, 2],
            "decision_function",
            r"never saw the classes \[1\]",
        ),
        (
            _Fixed(classes=[0, 1, 2], proba=np.zeros((1, 2))),
            [0, 1, 2],
            "predict_proba",
            r"returned shape \(1, 2\); expected \(n_samples, 3\)",
        ),
        (
            _Fixed(classes=[0, 1], decision=np.zeros((2, 2))),
            [0, 1],
            "decision_function",
            r"returned shape \(2, 2\) for two classes",
        ),
        (
            _Fixed(classes=[0, 1], decision=np.array([np.nan, 1.0])),
            [0, 1],
            "decision_function",
            "returned non-finite scores",
        ),
        (
            _Fixed(classes=[0], proba=np.ones((1, 1))),
            [0, 1],
            "predict_proba",
            "both classes",
        ),
    ],
)
def test_rule_scores_errors(est, classes, method, match):
    """Check the messages for scores that a rule cannot use."""
    with pytest.raises(ValueError, match=match):
        rule_scores(est, None, method, make_coding(np.array(classes)))


def test_resolve_response_method():
    """Check that 'auto' prefers predict_proba, then decision_function."""
    assert resolve_response_method(LogisticRegression(), "auto") == "predict_proba"
    from sklearn.svm import LinearSVC

    assert resolve_response_method(LinearSVC(), "auto") == "decision_function"
    assert (
        resolve_response_method(LogisticRegression(), "decision_function")
        == "decision_function"
    )
