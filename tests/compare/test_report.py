"""Tests of the report folder."""

import csv
import sys
import types

import numpy as np
import pytest

from imbestimators._compare._data import Dataset
from imbestimators._compare._evaluate import FoldResult
from imbestimators._compare._metrics import METRICS
from imbestimators._compare._ranking import rank
from imbestimators._compare._report import (
    distinct,
    imbalance_text,
    out_of_fold_scores,
    write_report,
)
from imbestimators._compare._strategies import Strategy


def _run():
    y = np.array([1, 0, 0, 1, 0, 0])
    folds = [np.array([0, 1, 2]), np.array([3, 4, 5])]
    results = []
    for name, shift in (("a", 0.0), ("b", 0.1)):
        for k, test in enumerate(folds):
            score = (y[test] * 0.6 + 0.2 + shift).astype(np.float32)
            results.append(
                FoldResult(
                    name,
                    0,
                    k,
                    {"pr_auc": 1.0, "f1": 0.5},
                    0.1,
                    0.1,
                    test=test,
                    score=score,
                )
            )
        results.append(FoldResult(name, 1, 0, {"pr_auc": 0.9, "f1": 0.4}, 0.1, 0.1))
    return y, results


def test_out_of_fold_scores_assemble_the_first_repeat():
    """Check that each row gets its score from the fold that tested it."""
    y, results = _run()
    oof = out_of_fold_scores(results, len(y))
    np.testing.assert_allclose(oof["a"], y * 0.6 + 0.2, rtol=1e-6)
    assert set(oof) == {"a", "b"}


def test_out_of_fold_scores_drop_failed_strategies():
    """Check that a strategy with a failed first-repeat fold has no curve."""
    y, results = _run()
    results[0] = FoldResult("a", 0, 0, error="E: x")
    assert set(out_of_fold_scores(results, len(y))) == {"b"}


def test_write_report_files(tmp_path):
    """Check the per-fold CSV, summary CSV, imbalance report and plots."""
    pytest.importorskip("matplotlib")
    y, results = _run()
    metrics = [METRICS["pr_auc"], METRICS["f1"]]
    strategies = [Strategy("a", "fa", None, 0), Strategy("b", "fb", None, 1)]
    summaries = rank(strategies, results, metrics, metrics[0])
    notes = []
    dataset = Dataset("toy", "toy data", np.zeros((6, 1)), y)
    written = write_report(
        tmp_path / "out",
        dataset=dataset,
        summaries=summaries,
        results=results,
        metrics=metrics,
        context={"pos_label": 1, "chosen": "a", "cv": 2, "notes": notes},
    )
    assert [p.name for p in written] == [
        "scores.csv",
        "summary.csv",
        "imbalance_report.txt",
        "pr_curves.png",
        "threshold_curves.png",
    ]
    with open(written[0]) as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    assert rows[0]["family"] == "fa"
    assert float(rows[0]["pr_auc"]) == 1.0
    with open(written[1]) as handle:
        summary = list(csv.DictReader(handle))
    assert [row["strategy"] for row in summary] == ["a", "b"]
    assert float(summary[0]["pr_auc_mean"]) == pytest.approx((1 + 1 + 0.9) / 3)
    assert written[2].read_text() == imbalance_text(dataset, cv=2) + "\n"
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in written[3:])
    assert notes == []


def test_imbalance_text_fallback_counts():
    """Check the class counts and ratio written without the diagnostics module."""
    from imbestimators._compare._report import _basic_imbalance_text

    text = _basic_imbalance_text(np.array(["a"] * 9 + ["b"] * 3))
    assert "'a': 9 (75.0%)" in text
    assert "3.0:1" in text


def test_imbalance_text_uses_diagnostics_when_present(monkeypatch):
    """Check that the diagnostics module's report is used, with X when numeric."""
    calls = {}

    def imbalance_report(y, X=None, cv=None, *, groups=None):
        calls.update(n=len(y), X=X, cv=cv, groups=groups)
        return "from diagnostics"

    fake = types.ModuleType("imbestimators.diagnostics")
    fake.imbalance_report = imbalance_report
    monkeypatch.setitem(sys.modules, "imbestimators.diagnostics", fake)
    X = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 3.0], [6.0, 3.0]])
    dataset = Dataset("toy", "toy", X, np.array([0, 0, 0, 1]))
    assert imbalance_text(dataset, cv=3) == "from diagnostics"
    assert calls["n"] == 4
    assert calls["cv"] == 3
    assert calls["groups"] is None
    grouped = Dataset("toy", "toy", X, np.array([0, 0, 0, 1]), groups=np.arange(4))
    imbalance_text(grouped, cv=3)
    np.testing.assert_array_equal(calls["groups"], np.arange(4))
    # the features as the compared models see them: standardised
    np.testing.assert_allclose(calls["X"].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(calls["X"].std(axis=0), 1.0)


def test_imbalance_text_falls_back_with_a_note_when_diagnostics_fails(monkeypatch):
    """Check that a failing report leaves the basic counts and a note."""

    def imbalance_report(y, X=None, cv=None, *, groups=None):
        raise ValueError("boom")

    fake = types.ModuleType("imbestimators.diagnostics")
    fake.imbalance_report = imbalance_report
    monkeypatch.setitem(sys.modules, "imbestimators.diagnostics", fake)
    notes = []
    dataset = Dataset("toy", "toy", np.zeros((4, 2)), np.array([0, 0, 0, 1]))
    text = imbalance_text(dataset, cv=3, notes=notes)
    assert "imbalance ratio (largest / smallest class): 3.0:1" in text
    assert notes == ["imbalance report failed (ValueError: boom)"]


def test_distinct_drops_repeated_curves():
    """Check that strategies with the same scores (or ranks) are drawn once."""
    values = {
        "none": np.array([1.0, 2.0]),
        "threshold": np.array([1.0, 2.0]),
        "smote": np.array([2.0, 1.0]),
    }
    assert distinct(["none", "threshold", "smote"], values) == ["none", "smote"]


def test_imbalance_text_with_the_real_diagnostics():
    """Check the report of imbestimators.diagnostics on the embedded data."""
    pytest.importorskip("imbestimators.diagnostics")
    from imbestimators._compare._data import load_embedded

    text = imbalance_text(load_embedded(), cv=5)
    assert "Imbalance ratio 9.3:1" in text
    assert "moderate" in text
    assert "Typology" in text
