"""Tests of the scorers: by name and object, in cross_val_score and GridSearchCV."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, make_scorer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

from imbestimators.metrics import (
    SCORERS,
    expected_cost,
    geometric_mean_score,
    get_scorer,
    get_scorer_names,
    index_balanced_accuracy,
    sensitivity_score,
    specificity_score,
)
from imbestimators.utils._param_validation import InvalidParameterError

X, y = make_classification(n_samples=300, weights=[0.85], flip_y=0.05, random_state=0)
CV = StratifiedKFold(3, shuffle=True, random_state=0)

DECISION_METRICS = {
    "sensitivity": (sensitivity_score, {}),
    "sensitivity_macro": (sensitivity_score, {"average": "macro"}),
    "specificity": (specificity_score, {}),
    "specificity_weighted": (specificity_score, {"average": "weighted"}),
    "geometric_mean": (geometric_mean_score, {}),
    "geometric_mean_macro": (geometric_mean_score, {"average": "macro"}),
    "index_balanced_accuracy": (index_balanced_accuracy, {}),
    "index_balanced_accuracy_macro": (index_balanced_accuracy, {"average": "macro"}),
}


@pytest.mark.parametrize("name", list(DECISION_METRICS))
def test_decision_scorer_equals_metric_on_predictions(name):
    """Check that a named scorer scores predict() with its metric."""
    metric, kwargs = DECISION_METRICS[name]
    model = LogisticRegression().fit(X, y)
    assert get_scorer(name)(model, X, y) == metric(y, model.predict(X), **kwargs)


def test_neg_expected_cost_is_the_negated_error_rate():
    """Check the default-cost scorer: minus the fraction of errors."""
    model = LogisticRegression().fit(X, y)
    error_rate = np.mean(model.predict(X) != y)
    assert get_scorer("neg_expected_cost")(model, X, y) == pytest.approx(-error_rate)


@pytest.mark.parametrize(
    ("model", "response"),
    [
        (LogisticRegression(), "decision_function"),
        (DecisionTreeClassifier(max_depth=3, random_state=0), "predict_proba"),
    ],
    ids=["decision_function", "predict_proba"],
)
def test_pr_auc_scores_the_ranking(model, response):
    """Check that pr_auc uses decision_function, else predict_proba[:, 1]."""
    model.fit(X, y)
    scores = getattr(model, response)(X)
    scores = scores[:, 1] if scores.ndim == 2 else scores
    assert get_scorer("pr_auc")(model, X, y) == average_precision_score(y, scores)


@pytest.mark.parametrize("name", sorted(SCORERS))
def test_every_scorer_works_in_cross_val_score(name):
    """Check that every named scorer runs in cross_val_score, in [-1, 1.1]."""
    scores = cross_val_score(
        LogisticRegression(), X, y, cv=CV, scoring=get_scorer(name)
    )
    assert scores.shape == (3,)
    assert np.all((scores >= -1) & (scores <= 1.1))


def test_scorers_in_grid_search_by_name_and_object():
    """Check multi-metric GridSearchCV with our scorers and a cost scorer object."""
    cost = make_scorer(
        expected_cost, greater_is_better=False, fp_cost=1.0, fn_cost=10.0
    )
    search = GridSearchCV(
        LogisticRegression(),
        {"class_weight": [None, "balanced"]},
        cv=CV,
        scoring={
            "gmean": get_scorer("geometric_mean"),
            "pr_auc": get_scorer("pr_auc"),
            "cost": cost,
        },
        refit="gmean",
    ).fit(X, y)
    results = search.cv_results_
    # balancing the classes raises recall of the minority, hence the G-mean,
    # and lowers the cost when a false negative costs 10 false positives
    assert search.best_params_ == {"class_weight": "balanced"}
    assert results["mean_test_cost"][1] > results["mean_test_cost"][0]


def test_get_scorer_falls_back_to_scikit_learn():
    """Check sklearn names, callables and None pass through get_scorer."""
    model = LogisticRegression().fit(X, y)
    assert get_scorer("roc_auc")(model, X, y) > 0.5
    scorer = get_scorer("balanced_accuracy")
    assert get_scorer(scorer) is scorer
    assert get_scorer(None) is None


def test_get_scorer_returns_fresh_picklable_copies():
    """Check that named scorers are copies and survive pickling (for joblib)."""
    first, second = get_scorer("geometric_mean"), get_scorer("geometric_mean")
    assert first is not second
    model = LogisticRegression().fit(X, y)
    restored = pickle.loads(pickle.dumps(first))
    assert restored(model, X, y) == first(model, X, y)


def test_get_scorer_names_lists_ours_and_scikit_learn():
    """Check that the names list both registries, sorted."""
    names = get_scorer_names()
    assert set(SCORERS) <= set(names)
    assert {"roc_auc", "f1", "average_precision"} <= set(names)
    assert names == sorted(names)


def test_get_scorer_unknown_name():
    """Check the message for an unknown name and the type check."""
    with pytest.raises(ValueError, match="'gmean' is not a valid scoring value"):
        get_scorer("gmean")
    with pytest.raises(InvalidParameterError, match="'scoring' parameter"):
        get_scorer(3)
