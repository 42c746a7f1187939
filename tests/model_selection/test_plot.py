"""Tests of MetricThresholdDisplay and CostCurveDisplay."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, matthews_corrcoef

from imbestimators.model_selection import (
    CostCurveDisplay,
    MetricThresholdDisplay,
    ThresholdTunedClassifier,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _data(n_samples=600, n_classes=2):
    return make_classification(
        n_samples=n_samples,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        weights=[0.85] if n_classes == 2 else [0.6, 0.3],
        random_state=0,
    )


def test_import_does_not_load_matplotlib():
    """Check that importing the subpackage leaves matplotlib unimported."""
    code = (
        "import sys, imbestimators.model_selection; "
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_metric_display_from_cv_results():
    """Check the cross-validated curves: pooled line, fold band, threshold and
    constraint marks."""
    X, y = _data()
    clf = ThresholdTunedClassifier(
        LogisticRegression(), objective="recall", constraint=("precision", 0.5)
    ).fit(X, y)
    display = MetricThresholdDisplay.from_estimator(clf)
    results = clf.cv_results_
    assert np.array_equal(display.line_.get_xdata(), results["thresholds"])
    assert np.array_equal(display.line_.get_ydata(), results["scores"])
    assert display.fold_band_ is not None
    assert display.threshold_line_.get_xdata()[0] == clf.best_threshold_
    assert display.floor_line_.get_ydata()[0] == 0.5
    assert display.constraint_line_ is not None
    assert display.ax_.get_ylabel() == "recall, precision"


def test_metric_display_held_out_is_exact():
    """Check that the held-out curve is the objective of every threshold."""
    X, y = _data(n_samples=800)
    clf = ThresholdTunedClassifier(LogisticRegression(), objective="f1")
    clf.fit(X[:500], y[:500])
    _, ax = plt.subplots()
    display = MetricThresholdDisplay.from_estimator(clf, X[500:], y[500:], ax=ax)
    assert display.ax_ is ax
    assert display.fold_band_ is None
    proba = clf.predict_proba(X[500:])[:, 1]
    for t, v in list(zip(display.thresholds, display.scores))[::25]:
        assert v == pytest.approx(f1_score(y[500:], proba >= t, zero_division=0))


def test_metric_display_from_predictions_best_threshold():
    """Check that from_predictions marks the exact best threshold."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    score = rng.normal(size=300) + y
    display = MetricThresholdDisplay.from_predictions(y, score, objective="mcc")
    brute = max(matthews_corrcoef(y, score >= t) for t in np.unique(score))
    assert display.best_score == pytest.approx(brute)
    assert display.best_score == pytest.approx(display.scores.max())
    at_best = matthews_corrcoef(y, score >= display.best_threshold)
    assert at_best == pytest.approx(display.best_score)


@pytest.mark.parametrize(
    ("y_true", "y_score", "params", "match"),
    [
        ([0, 0, 0], [0.1, 0.2, 0.3], {}, "needs two classes in y_true; got 1"),
        ([0, 1, 1], [0.1, 0.2], {}, "one finite score per sample"),
        ([0, 1, 1], [0.1, 0.2, 0.3], {"objective": "roc_auc"}, "built-in objective"),
        ([0, 1, 1], [0.1, 0.2, 0.3], {"objective": len}, "built-in objective name"),
    ],
)
def test_metric_display_errors(y_true, y_score, params, match):
    """Check the messages of from_predictions."""
    with pytest.raises(ValueError, match=match):
        MetricThresholdDisplay.from_predictions(y_true, y_score, **params)


def test_metric_display_refuses_multiclass():
    """Check the message for a multiclass tuned classifier."""
    X, y = _data(n_classes=3)
    clf = ThresholdTunedClassifier(LogisticRegression(), objective="f1").fit(X, y)
    with pytest.raises(ValueError, match="with more classes the rule has no single"):
        MetricThresholdDisplay.from_estimator(clf)


def test_cost_curve_is_lower_envelope():
    """Check the envelope against a brute force over all thresholds, and the
    trivial classifiers at the ends."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    score = rng.normal(size=200) + 1.5 * y
    display = CostCurveDisplay.from_predictions(y, score, threshold=0.5)
    pc = display.probability_cost_
    expected = np.full(len(pc), np.inf)
    for t in np.r_[np.unique(score), np.inf]:
        pred = score >= t
        fpr = pred[y == 0].mean()
        fnr = 1 - pred[y == 1].mean()
        expected = np.minimum(expected, fnr * pc + fpr * (1 - pc))
    np.testing.assert_allclose(display.normalized_cost_, expected)
    assert display.normalized_cost_[0] == 0.0
    assert display.normalized_cost_[-1] == 0.0
    fpr, fnr, threshold = display.operating_point
    assert fpr == pytest.approx((score[y == 0] >= 0.5).mean())
    assert fnr == pytest.approx((score[y == 1] < 0.5).mean())
    assert threshold == 0.5


def test_cost_curve_from_estimator():
    """Check that a tuned classifier's threshold becomes the operating point."""
    X, y = _data()
    clf = ThresholdTunedClassifier(LogisticRegression(), objective="f1").fit(X, y)
    display = CostCurveDisplay.from_estimator(clf, X, y)
    assert display.operating_point[2] == clf.best_threshold_
    assert display.operating_line_ is not None
    plain = CostCurveDisplay.from_estimator(LogisticRegression().fit(X, y), X, y)
    np.testing.assert_allclose(plain.normalized_cost_, display.normalized_cost_)
    with pytest.raises(ValueError, match="pos_label=3 is not a class of y_true"):
        CostCurveDisplay.from_predictions(y, X[:, 0], pos_label=3)
