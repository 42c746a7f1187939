"""The Optuna (TPE) backend of ImbalanceStrategySearchCV, imported only when asked.

Each strategy with a continuous parameter (the sampler's ratio, the
effective-number ``beta``) gets its own study of ``n_candidates`` trials, each
trial cross-validated on all rows; the other strategies are scored once.
Optuna is an optional dependency: nothing here imports it at module level.
"""

import importlib

import numpy as np

from imbestimators.model_selection._strategy_space import (
    _BETA_EXPONENTS,
    _RATIO_MARGIN,
    build_candidate,
    draw_candidates,
)

__all__ = ["import_optuna", "run_optuna"]


def import_optuna(owner):
    """The optuna module, or an ImportError that says how to install it."""
    try:
        return importlib.import_module("optuna")
    except ImportError as exc:
        raise ImportError(
            f"{owner}(search='optuna') needs the optuna package, which is not "
            "installed; install it with `pip install optuna` (or "
            "`pip install imbestimators[optuna]`), or use search='halving' or "
            "'exhaustive'."
        ) from exc


def _ratio_range(spec, data_ratio):
    if spec.ratio is None or data_ratio is None or isinstance(spec.ratio, list):
        return None
    if spec.ratio == "auto":
        low = min(1.0, _RATIO_MARGIN * data_ratio)
        return (low, 1.0) if low < 1.0 else None
    return spec.ratio


def _suggest(trial, spec, ratio_range, prior):
    candidate = {"strategy": spec.name, "ratio": None, "beta": None}
    if ratio_range is not None:
        candidate["ratio"] = trial.suggest_float("ratio", *ratio_range, log=True)
    if spec.kind == "weight" and spec.template == "effective_number":
        exponent = trial.suggest_float("beta_exponent", *_BETA_EXPONENTS)
        candidate["beta"] = 1.0 - 10.0 ** (-exponent)
    candidate["prior_correction"] = prior
    return candidate


def run_optuna(search, specs, decision, data, data_ratio, rng):
    """Candidates, their seeds and the one-rung history of an Optuna search."""
    optuna = import_optuna(type(search).__name__)
    from sklearn.model_selection import check_cv

    X, y, weight, scorer, fit_weight = data
    # every trial is scored on all rows: the last rung's (repeated) splits
    cv = search._last_rung_cv(check_cv(search.cv, y, classifier=True), rng)
    rows = np.arange(len(y))
    prior_options = search._prior_options(np.unique(y), decision)
    candidates, seeds, models, results, splits = [], [], [], {}, None

    def evaluate(candidate):
        nonlocal splits
        # every trial tunes its decision rule: TPE proposes one ratio at a time
        candidate = {**candidate, "threshold": None if decision is None else "tuned"}
        index = len(candidates)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        candidates.append(candidate)
        seeds.append(seed)
        models.append(
            build_candidate(
                search.estimator,
                specs[candidate["strategy"]],
                candidate,
                seed=seed,
                decision=search._model_decision(decision),
            )
        )
        context = (X, y, weight, scorer, fit_weight, 0)
        result, splits = search._evaluate(
            models, candidates, [index], rows, cv, context
        )
        results.update(result)
        return float(np.mean(result[index]["scores"]))

    for spec in specs.values():
        ratio_range = _ratio_range(spec, data_ratio)
        continuous = ratio_range is not None or spec.template == "effective_number"
        priors = [False] if spec.kind == "none" else prior_options
        if not continuous:
            for candidate in draw_candidates(
                [spec],
                n_candidates=search.n_candidates,
                data_ratio=data_ratio,
                prior_options=priors,
                rng=rng,
            ):
                evaluate(candidate)
            continue
        for prior in priors:
            sampler = optuna.samplers.TPESampler(
                seed=int(rng.randint(np.iinfo(np.int32).max))
            )
            study = optuna.create_study(direction="maximize", sampler=sampler)
            study.optimize(
                lambda trial, spec=spec, r=ratio_range, p=prior: _finite(
                    evaluate(_suggest(trial, spec, r, p))
                ),
                n_trials=search.n_candidates,
            )
    return candidates, seeds, [(0, len(y), results, splits)]


def _finite(score):
    # a failed candidate (NaN) is the worst trial, not an Optuna failure
    return score if np.isfinite(score) else -np.inf
