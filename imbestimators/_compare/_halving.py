"""The search's engine for compare: ratios drawn as it draws them, successive halving.

compare's strategies are whole pipelines (threshold tuning, prior correction,
networks that replace the classifier), and its table shows several metrics per
fold with every fold's warnings, which
:class:`~imbestimators.model_selection.ImbalanceStrategySearchCV` does not
record. So compare runs the search's engine with its own scoring: the same
ratio candidates (:func:`draw_candidates`), the same rungs
(:func:`halving_schedule`), the same halving loop over the same nested,
stratified subsamples (:func:`successive_halving`), and it scores every
candidate of a rung with
:func:`~imbestimators._compare._evaluate.cross_validate_strategies`.
"""

from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.utils import check_random_state

from imbestimators._compare._evaluate import (
    comparison_folds,
    cross_validate_strategies,
)
from imbestimators._compare._ranking import rank
from imbestimators.model_selection._strategy_eval import (
    class_floor,
    class_permutations,
    halving_schedule,
    kept_candidates,
    planned_candidates,
    rungs_split_by_group,
    successive_halving,
)
from imbestimators.model_selection._strategy_space import (
    draw_candidates,
    resolve_strategies,
)

__all__ = [
    "Rung",
    "halving_cross_validate",
    "plan",
    "planned_work",
    "ratio_candidates",
]

_OWNER = "imbestimators compare"
# the sampler's parameter in compare's pipelines
_RATIO_PARAM = "sampler__sampling_strategy"


def _ratio_specs(strategies):
    """The search's specs of the strategies whose sampler takes a float ratio."""
    # the search knows which samplers take a minority/majority ratio (not the
    # cleaning rules); asking it keeps both tools on the same space
    space = {
        spec.name: spec
        for spec in resolve_strategies("all", LogisticRegression(), owner=_OWNER)
    }
    return [
        space[s.name]
        for s in strategies
        if s.name in space
        and space[s.name].kind == "sampler"
        and space[s.name].ratio is not None
        and _RATIO_PARAM in s.estimator.get_params()
    ]


def ratio_candidates(strategies, y, *, n_ratios, random_state):
    """The strategies, each resampler followed by copies at searched ratios.

    The ratios (minority/majority after resampling) are the search's: drawn
    log-uniformly between 1.25 times the data's own ratio and 1, one per bin
    of ``n_ratios`` equal bins. The strategy at its default ratio stays, under
    its own name. Only for two classes (a float ratio needs two).

    Parameters
    ----------
    strategies : list of Strategy
    y : ndarray of shape (n_samples,)
    n_ratios : int
        Ratios drawn per resampler; 0 adds none.
    random_state : int

    Returns
    -------
    list of Strategy
    """
    counts = np.unique(y, return_counts=True)[1]
    if n_ratios < 1 or len(counts) != 2:
        return list(strategies)
    specs = {spec.name: spec for spec in _ratio_specs(strategies)}
    drawn = draw_candidates(
        list(specs.values()),
        n_candidates=n_ratios,
        data_ratio=counts.min() / counts.max(),
        prior_options=[False],
        rng=check_random_state(random_state),
    )
    ratios = {}
    for candidate in drawn:
        if candidate["ratio"] is not None:
            ratios.setdefault(candidate["strategy"], []).append(candidate["ratio"])
    expanded = []
    for strategy in strategies:
        expanded.append(strategy)
        for ratio in ratios.get(strategy.name, []):
            estimator = clone(strategy.estimator).set_params(**{_RATIO_PARAM: ratio})
            expanded.append(
                replace(
                    strategy,
                    name=f"{strategy.name} ratio={ratio:.3g}",
                    estimator=estimator,
                )
            )
    return expanded


@dataclass
class Rung:
    """One rung of successive halving: its rows, candidates and fold results."""

    n_rows: int
    strategies: list
    results: list = field(default_factory=list)


def _baseline(strategies):
    return [s.name for s in strategies if s.family == "baseline"]


def _floor(y, n_splits):
    """Rows a class keeps in a subsample: the search's floor for these folds."""
    return class_floor(RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=1), y)


def plan(strategies, y, *, n_splits, factor, groups=None, random_state=0):
    """The rows of each rung and the candidates planned for each, before any fit.

    The candidates of a later rung are an upper bound: the baseline joins the
    best ``1 / factor`` unless it is among them. With ``groups``, the rungs
    whose subsample (drawn with the int ``random_state``, as
    :func:`halving_cross_validate` draws it) cannot be split by group with
    every class in every test fold are left out.
    """
    counts = np.unique(y, return_counts=True)[1]
    floor = _floor(y, n_splits)
    rows = halving_schedule(
        counts, len(strategies), factor=factor, min_resources="auto", floor=floor
    )
    if groups is not None:
        rows = rungs_split_by_group(
            rows,
            class_permutations(y, check_random_state(random_state)),
            floor,
            comparison_folds(n_splits, 1, random_state, grouped=True),
            y,
            groups,
        )
    alive = planned_candidates(
        len(strategies), len(rows), factor, len(_baseline(strategies))
    )
    return rows, alive


def _promote(strategies, results, ranking, factor):
    """The best ``1 / factor`` by the ranking metric, failures last, plus the baseline.

    The baseline (no treatment) always goes on, so that the last rung can
    always say that no strategy beats it.
    """
    summaries = rank(strategies, results, [ranking], ranking)
    best = [
        s.strategy.name for s in summaries[: kept_candidates(len(strategies), factor)]
    ]
    keep = set(best) | set(_baseline(strategies))
    return [s for s in strategies if s.name in keep]


def halving_cross_validate(
    strategies,
    X,
    y,
    *,
    metrics,
    ranking,
    pos_label,
    n_splits,
    n_repeats,
    factor=3,
    n_jobs=None,
    random_state=0,
    progress=None,
    groups=None,
    schedule=None,
):
    """Successive halving over ``strategies``, the resource being training rows.

    Every rung scores its candidates on the same stratified folds of its
    subsample; the last rung has every row and every repeat. Earlier rungs
    run the first repeat only: they just choose which candidates go on, and
    the candidates they drop are the clearly weaker ones (a third survive).

    Parameters
    ----------
    strategies : list of Strategy
    X : array-like of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    metrics : list of Metric
    ranking : Metric
        Promotes the candidates from one rung to the next.
    pos_label : label
    n_splits, n_repeats : int
    factor : int or float, default=3
    n_jobs : int or None
    random_state : int
        Seeds the subsamples and the folds.
    progress : ProgressBar or None
        Re-planned at each rung; work counted in training rows.
    groups : ndarray of shape (n_samples,) or None
        Group labels: each rung's subsample is split by its rows' groups.
    schedule : tuple or None
        ``(rows per rung, candidates planned per rung)`` of :func:`plan` with
        the same arguments, when the caller already has it (planning by group
        splits every rung's subsample once).

    Returns
    -------
    list of Rung
        The last one has every row.
    """
    if schedule is None:
        schedule = plan(
            strategies,
            y,
            n_splits=n_splits,
            factor=factor,
            groups=groups,
            random_state=random_state,
        )
    rows_per_rung, alive_plan = schedule
    folds = _folds_per_rung(len(rows_per_rung), n_splits, n_repeats)
    rungs = []

    def evaluate(iteration, alive, rows, last):
        if progress is not None:
            _replan(progress, rungs, alive, rows, (rows_per_rung, alive_plan, folds))
            progress.stage = f"rung {iteration + 1}/{len(rows_per_rung)}"
        X_rung = X if last else (X.iloc[rows] if hasattr(X, "iloc") else X[rows])
        results = cross_validate_strategies(
            alive,
            X_rung,
            y[rows],
            metrics=metrics,
            pos_label=pos_label,
            n_splits=n_splits,
            n_repeats=n_repeats if last else 1,
            n_jobs=n_jobs,
            random_state=random_state,
            progress=progress,
            groups=None if groups is None else groups[rows],
        )
        for result in results:
            result.n_rows = len(rows)
            if not last:
                # test rows of a subsample: not rows of the data, no plots
                result.test = result.score = None
        rungs.append(Rung(len(rows), list(alive), results))
        return results

    successive_halving(
        rows_per_rung,
        class_permutations(y, check_random_state(random_state)),
        _floor(y, n_splits),
        strategies,
        evaluate,
        lambda alive, results: _promote(alive, results, ranking, factor),
    )
    return rungs


def _folds_per_rung(n_rungs, n_splits, n_repeats):
    """Folds of each rung: one repeat until the last rung."""
    return [n_splits] * (n_rungs - 1) + [n_splits * n_repeats]


def planned_work(rows_per_rung, alive_plan, n_splits, n_repeats):
    """(fits, rows x fits) that :func:`halving_cross_validate` plans, at most."""
    folds = _folds_per_rung(len(rows_per_rung), n_splits, n_repeats)
    steps = list(zip(alive_plan, rows_per_rung, folds))
    return sum(n * k for n, _, k in steps), sum(n * m * k for n, m, k in steps)


def _replan(progress, rungs, alive, rows, schedule):
    """Tell the bar the fits and rows of the rungs done, this one and those planned."""
    rows_per_rung, alive_plan, folds = schedule
    done = [(len(r.strategies), r.n_rows) for r in rungs]
    now = [(len(alive), len(rows))]
    later = [
        (min(n, len(alive)), m)
        for n, m in zip(alive_plan[len(rungs) + 1 :], rows_per_rung[len(rungs) + 1 :])
    ]
    steps = [(n, m, k) for (n, m), k in zip(done + now + later, folds)]
    progress.replan(
        sum(n * k for n, _, k in steps),
        sum(n * m * k for n, m, k in steps),
    )
