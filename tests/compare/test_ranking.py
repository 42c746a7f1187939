"""Tests of the ranking, the recommendation and the table."""

import numpy as np
import pytest

from imbestimators._compare._evaluate import FoldResult
from imbestimators._compare._metrics import METRICS
from imbestimators._compare._ranking import corrected_t, format_table, rank, recommend
from imbestimators._compare._strategies import Strategy

PR = METRICS["pr_auc"]


def _results(name, values, error=None):
    return [
        FoldResult(name, 0, k, {"pr_auc": v}, fit_time=0.1, error=error)
        if error is None
        else FoldResult(name, 0, k, error=error)
        for k, v in enumerate(values)
    ]


def _strategy(name, simplicity, family="test"):
    return Strategy(name, family, None, simplicity)


def test_corrected_t_is_smaller_than_the_naive_t():
    """Check the Nadeau-Bengio correction: variance (1/n + test/train) s^2."""
    d = np.array([0.01, 0.03, 0.02, 0.00, 0.04, 0.02])
    naive = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
    corrected = corrected_t(d, 1 / 4)
    expected = d.mean() / np.sqrt((1 / 6 + 1 / 4) * d.var(ddof=1))
    assert corrected == pytest.approx(expected)
    assert corrected < naive


def test_corrected_t_constant_differences():
    """Check that identical differences are infinitely significant, zeros not."""
    assert corrected_t([0.5, 0.5, 0.5], 0.25) == np.inf
    assert corrected_t([0.0, 0.0], 0.25) == 0.0


def test_rank_orders_by_mean_and_puts_failures_last():
    """Check the ranking order, means, stds and failure counts."""
    strategies = [_strategy("a", 0), _strategy("b", 1), _strategy("c", 2)]
    results = (
        _results("a", [0.5, 0.7])
        + _results("b", [0.8, 0.9])
        + _results("c", [0, 0], error="ValueError: boom")
    )
    summaries = rank(strategies, results, [PR], PR)
    assert [s.strategy.name for s in summaries] == ["b", "a", "c"]
    assert summaries[0].mean["pr_auc"] == pytest.approx(0.85)
    assert summaries[1].std["pr_auc"] == pytest.approx(0.1)
    assert summaries[2].n_failed == 2
    assert summaries[2].errors == ["ValueError: boom"]


def test_recommend_prefers_the_simpler_of_tied_strategies():
    """Check that a simpler strategy within noise of the best is recommended."""
    noise = [0.80, 0.90, 0.70, 0.85, 0.75, 0.80]
    strategies = [_strategy("base", 0, "baseline"), _strategy("fancy", 4)]
    results = _results("base", noise) + _results(
        "fancy", [v + (0.01 if k % 2 else -0.005) for k, v in enumerate(noise)]
    )
    choice = recommend(rank(strategies, results, [PR], PR), PR, n_splits=5)
    assert choice.strategy == "base"
    assert "cannot be told apart from the best, fancy" in choice.reason
    assert "no strategy for the imbalance improves PR-AUC" in choice.reason


def test_recommend_keeps_a_clearly_better_strategy():
    """Check that a consistent gain beats simplicity."""
    base = [0.70, 0.72, 0.69, 0.71, 0.70, 0.73]
    strategies = [_strategy("base", 0), _strategy("fancy", 4)]
    results = _results("base", base) + _results("fancy", [v + 0.1 for v in base])
    choice = recommend(rank(strategies, results, [PR], PR), PR, n_splits=5)
    assert choice.strategy == "fancy"
    assert choice.reason.startswith("highest mean PR-AUC (0.808 ± 0.013)")
    assert choice.tied == []


def test_recommend_none_when_everything_failed():
    """Check that no recommendation is made from failed strategies."""
    summaries = rank([_strategy("a", 0)], _results("a", [0, 0], "E: x"), [PR], PR)
    assert recommend(summaries, PR, n_splits=2) is None


def test_format_table_aligns_and_marks_the_ranking_metric():
    """Check the table's header, rows and failure cells."""
    strategies = [_strategy("a", 0), _strategy("broken", 1)]
    results = _results("a", [0.5, 0.7]) + _results("broken", [0, 0], "E: x")
    table = format_table(rank(strategies, results, [PR], PR), [PR], PR)
    lines = table.splitlines()
    assert lines[0].split() == ["#", "strategy", "family", "PR-AUC", "*", "fit", "s"]
    assert lines[2].split() == ["1", "a", "test", "0.600", "±", "0.100", "0.10"]
    assert lines[3].split() == ["2", "broken", "test", "failed"]
    assert len({len(line) for line in lines[:3]}) == 1


def test_recommend_reason_shortens_a_long_list_of_ties():
    """Check that many tied strategies are summarised, not all listed."""
    same = [0.80, 0.90, 0.70, 0.85]
    strategies = [_strategy(name, 0) for name in "abcdef"]
    results = [r for name in "abcdef" for r in _results(name, same)]
    choice = recommend(rank(strategies, results, [PR], PR), PR, n_splits=4)
    assert choice.strategy == "a"
    assert "b, c, d and 2 more cannot be told apart" in choice.reason
    assert len(choice.tied) == 5
