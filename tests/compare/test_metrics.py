"""Tests of the metrics of the compare table."""

import numpy as np
import pytest
from imblearn.metrics import (
    geometric_mean_score,
    make_index_balanced_accuracy,
    specificity_score,
)
from sklearn import metrics as skm

from imbestimators._compare._errors import CompareError
from imbestimators._compare._metrics import DEFAULT_METRICS, METRICS, resolve_metrics


@pytest.fixture
def binary():
    rng = np.random.default_rng(0)
    y = np.where(rng.random(200) < 0.15, "pos", "neg")
    score = rng.random(200) + (y == "pos") * 0.4
    y_pred = np.where(score > 0.7, "pos", "neg")
    return y, y_pred, score


def test_binary_metrics_match_scikit_learn(binary):
    """Check that binary metrics score the positive class as scikit-learn does."""
    y, y_pred, score = binary
    kw = {"classes": np.array(["neg", "pos"]), "pos_label": "pos"}
    got = {name: m(y, y_pred, score, **kw) for name, m in METRICS.items()}
    assert got["pr_auc"] == pytest.approx(
        skm.average_precision_score(y == "pos", score)
    )
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y == "pos", score))
    assert got["f1"] == pytest.approx(skm.f1_score(y, y_pred, pos_label="pos"))
    assert got["recall"] == pytest.approx(skm.recall_score(y, y_pred, pos_label="pos"))
    assert got["precision"] == pytest.approx(
        skm.precision_score(y, y_pred, pos_label="pos")
    )
    assert got["balanced_accuracy"] == pytest.approx(
        skm.balanced_accuracy_score(y, y_pred)
    )
    assert got["g_mean"] == pytest.approx(geometric_mean_score(y, y_pred))
    assert got["specificity"] == pytest.approx(
        specificity_score(y, y_pred, pos_label="pos")
    )
    assert got["mcc"] == pytest.approx(skm.matthews_corrcoef(y, y_pred))
    iba = make_index_balanced_accuracy(alpha=0.1, squared=True)(geometric_mean_score)
    assert got["iba"] == pytest.approx(
        iba(y, y_pred, pos_label="pos", average="binary")
    )


def test_multiclass_metrics_are_macro_averages():
    """Check that multiclass metrics are macro averages over the classes."""
    rng = np.random.default_rng(1)
    classes = np.array([0, 1, 2])
    y = rng.choice(classes, size=150, p=[0.7, 0.2, 0.1])
    proba = rng.dirichlet(np.ones(3), size=150)
    y_pred = classes[proba.argmax(axis=1)]
    kw = {"classes": classes, "pos_label": 2}
    assert METRICS["f1"](y, y_pred, proba, **kw) == pytest.approx(
        skm.f1_score(y, y_pred, average="macro")
    )
    assert METRICS["roc_auc"](y, y_pred, proba, **kw) == pytest.approx(
        skm.roc_auc_score(y, proba, multi_class="ovr")
    )
    assert METRICS["g_mean"](y, y_pred, proba, **kw) == pytest.approx(
        geometric_mean_score(y, y_pred)
    )
    assert METRICS["specificity"](y, y_pred, proba, **kw) == pytest.approx(
        specificity_score(y, y_pred, average="macro")
    )


def test_resolve_metrics_ranks_first_and_adds_columns():
    """Check that --scoring's first metric ranks and extra ones become columns."""
    ranking, columns = resolve_metrics("g_mean, average_precision")
    assert ranking.name == "g_mean"
    assert [c.name for c in columns] == [*DEFAULT_METRICS, "g_mean"]
    ranking, columns = resolve_metrics("index_balanced_accuracy,sensitivity")
    assert ranking.name == "iba"
    assert [c.name for c in columns] == [*DEFAULT_METRICS, "iba"]


@pytest.mark.parametrize(
    ("scoring", "message"),
    [("", r"at least one metric"), ("pr_auc,auc", r"unknown metric 'auc'")],
)
def test_resolve_metrics_errors(scoring, message):
    """Check that empty and unknown metric names are refused."""
    with pytest.raises(CompareError, match=message):
        resolve_metrics(scoring)
