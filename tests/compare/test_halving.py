"""Tests of compare's ratio candidates and successive halving."""

import itertools

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from imbestimators._compare import _halving as halving
from imbestimators._compare._halving import (
    halving_cross_validate,
    plan,
    planned_work,
    ratio_candidates,
)
from imbestimators._compare._metrics import METRICS
from imbestimators._compare._progress import ProgressBar
from imbestimators._compare._strategies import available_strategies

_NAMES = ("none", "class_weight=balanced", "RandomUnderSampler", "TomekLinks")


def _strategies(names=_NAMES):
    every = available_strategies(StandardScaler(), pos_label=1, random_state=0)
    return [s for s in every if s.name in names]


def _data(n_samples=3000, weights=(0.9,)):
    return make_classification(
        n_samples=n_samples, n_features=5, weights=list(weights), random_state=0
    )


def _halve(strategies, X, y, **params):
    """halving_cross_validate ranked by PR-AUC on 2 folds, one repeat, seed 0."""
    pr_auc = METRICS["pr_auc"]
    params = {
        "metrics": [pr_auc],
        "ranking": pr_auc,
        "pos_label": 1,
        "n_splits": 2,
        "n_repeats": 1,
        "random_state": 0,
        **params,
    }
    return halving_cross_validate(strategies, X, y, **params)


def test_ratio_candidates_follow_their_resampler_within_the_search_range():
    """Check that each ratio sampler gets n_ratios copies, in (data ratio, 1]."""
    _, y = _data()
    strategies = _strategies()
    expanded = ratio_candidates(strategies, y, n_ratios=3, random_state=0)
    names = [s.name for s in expanded]
    # the cleaning rule takes no ratio; the default-ratio strategy stays first
    assert names[:2] == ["none", "class_weight=balanced"]
    rus = names.index("RandomUnderSampler")
    assert all(
        n.startswith("RandomUnderSampler ratio=") for n in names[rus + 1 : rus + 4]
    )
    assert names[rus + 4 :] == ["TomekLinks"]
    data_ratio = np.sum(y == 1) / np.sum(y == 0)
    for strategy in expanded[rus + 1 : rus + 4]:
        ratio = strategy.estimator.get_params()["sampler__sampling_strategy"]
        assert data_ratio < ratio <= 1
        assert strategy.family == "under-sampling"
    # the originals are not modified
    assert strategies[2].estimator.get_params()["sampler__sampling_strategy"] == "auto"


def test_ratio_candidates_none_for_zero_or_multiclass():
    """Check that n_ratios=0 and a multiclass target leave the strategies alone."""
    _, y = _data()
    strategies = _strategies()
    assert ratio_candidates(strategies, y, n_ratios=0, random_state=0) == strategies
    y3 = np.arange(len(y)) % 3
    assert ratio_candidates(strategies, y3, n_ratios=3, random_state=0) == strategies


def test_ratio_candidates_same_seed_same_ratios():
    """Check that the ratios drawn depend only on random_state."""
    _, y = _data()
    a = ratio_candidates(_strategies(), y, n_ratios=3, random_state=1)
    b = ratio_candidates(_strategies(), y, n_ratios=3, random_state=1)
    c = ratio_candidates(_strategies(), y, n_ratios=3, random_state=2)
    assert [s.name for s in a] == [s.name for s in b]
    assert [s.name for s in a] != [s.name for s in c]


def test_plan_ends_on_all_rows():
    """Check that the rungs grow to every row and the candidates shrink."""
    _, y = _data()
    strategies = ratio_candidates(_strategies(), y, n_ratios=3, random_state=0)
    rows, alive = plan(strategies, y, n_splits=2, factor=3)
    assert len(rows) > 1
    assert rows[-1] == len(y)
    assert all(a < b for a, b in itertools.pairwise(rows))
    assert alive[0] == len(strategies)
    assert all(a > b for a, b in itertools.pairwise(alive))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_halving_keeps_the_best_third_and_the_baseline(n_jobs):
    """Check rung sizes, nesting, promotion by the ranking metric and the baseline."""
    X, y = _data()
    strategies = ratio_candidates(_strategies(), y, n_ratios=3, random_state=0)
    rows, _alive = plan(strategies, y, n_splits=2, factor=3)
    progress = ProgressBar(1, enabled=False)
    rungs = _halve(strategies, X, y, factor=3, n_jobs=n_jobs, progress=progress)
    assert [r.n_rows for r in rungs][-1] == len(y)
    assert len(rungs) == len(rows)
    assert progress.done == sum(2 * len(r.strategies) for r in rungs)
    assert progress.done == progress.total
    for rung, following in itertools.pairwise(rungs):
        assert len(rung.results) == 2 * len(rung.strategies)
        assert all(r.n_rows == rung.n_rows for r in rung.results)
        # subsample test rows are no rows of the data: nothing for the plots
        assert all(r.test is None for r in rung.results)
        means = {
            s.name: np.mean(
                [r.scores["pr_auc"] for r in rung.results if r.strategy == s.name]
            )
            for s in rung.strategies
        }
        kept = {s.name for s in following.strategies}
        assert "none" in kept
        best = sorted(means, key=lambda n: -means[n])[: -(-len(means) // 3)]
        assert set(best) <= kept
        assert kept <= set(best) | {"none"}
    assert all(r.test is not None for r in rungs[-1].results if r.repeat == 0)


def test_halving_same_seed_same_rungs():
    """Check that a seed fixes the subsamples, so the survivors and scores."""
    X, y = _data()
    strategies = ratio_candidates(_strategies(), y, n_ratios=2, random_state=0)

    def run():
        rungs = _halve(strategies, X, y, random_state=3)
        return [
            (r.n_rows, [(f.strategy, f.scores.get("pr_auc")) for f in r.results])
            for r in rungs
        ]

    assert run() == run()


def test_halving_repeats_the_folds_only_on_the_last_rung():
    """Check one repeat on the subsamples and every repeat on all rows."""
    X, y = _data()
    strategies = ratio_candidates(_strategies(), y, n_ratios=3, random_state=0)
    rows, alive = plan(strategies, y, n_splits=2, factor=3)
    fits, work = planned_work(rows, alive, 2, 3)
    progress = ProgressBar(fits, enabled=False, total_work=work)
    rungs = _halve(strategies, X, y, n_repeats=3, progress=progress)
    for rung in rungs[:-1]:
        assert {r.repeat for r in rung.results} == {0}
    assert len(rungs[-1].results) == 6 * len(rungs[-1].strategies)
    assert {r.repeat for r in rungs[-1].results} == {0, 1, 2}
    # the plan is an upper bound that the run meets when the baseline is weak
    assert progress.done == progress.total <= fits
    assert progress.work == pytest.approx(progress.total_work)


def test_halving_splits_each_rung_by_its_rows_groups(monkeypatch):
    """Check that every rung gets the groups of its own rows."""
    X, y = _data()
    # the first column holds the row index, so the groups of a rung's rows
    # can be recomputed from its features
    X = np.c_[np.arange(len(y)), X]
    groups = np.arange(len(y)) // 10
    seen = []
    original = halving.cross_validate_strategies

    def spy(strategies, X_rung, y_rung, **kwargs):
        seen.append((X_rung[:, 0].astype(int) // 10, kwargs["groups"]))
        return original(strategies, X_rung, y_rung, **kwargs)

    monkeypatch.setattr(halving, "cross_validate_strategies", spy)
    rungs = _halve(_strategies(), X, y, groups=groups)
    assert len(seen) == len(rungs) > 1
    for expected, given in seen:
        np.testing.assert_array_equal(given, expected)


def test_rungs_that_cannot_be_split_by_group_are_planned_out():
    """Check that the plan leaves out the rungs whose subsample lacks a group
    (here a group of 6 rows, of both classes, that small subsamples miss), and
    that halving then runs to the end."""
    X, y = _data()
    groups = np.random.default_rng(0).integers(0, 4, len(y))
    tiny = np.r_[np.flatnonzero(y == 1)[:3], np.flatnonzero(y == 0)[:3]]
    groups[tiny] = 4
    strategies = ratio_candidates(_strategies(), y, n_ratios=3, random_state=0)
    plain, _ = plan(strategies, y, n_splits=5, factor=3)
    grouped, alive = plan(strategies, y, n_splits=5, factor=3, groups=groups)
    assert grouped[-1] == plain[-1] == len(y)
    assert len(grouped) < len(plain)
    assert len(alive) == len(grouped)
    rungs = _halve(strategies, X, y, n_splits=5, groups=groups)
    assert [r.n_rows for r in rungs] == grouped
    assert all(r.error is None for r in rungs[-1].results)
