"""ImbalanceStrategySearchCV at the seeds' scale: the 284,807-row fraud-like table.

Run on demand (not in CI)::

    python benchmarks/bench_search_scale.py                        # lr and hgb
    python benchmarks/bench_search_scale.py --classifiers lr --reference

Data: ``make_creditcard_like.make_table()`` (284,807 rows, 30 features, about
0.2 % positives, a little label noise; nothing downloaded). For each
classifier (``lr``: StandardScaler + LogisticRegression(max_iter=1000);
``hgb``: HistGradientBoostingClassifier(random_state=0), its defaults) and each
variant (``AP``: the search's defaults; ``F1``: ``decision='f1'``), one
search fit with ``n_jobs=--n-jobs``, ``random_state=0``: wall time, the rows
and candidates of each rung, the choice and its cross-validated score. Peak
memory: run under ``/usr/bin/time -v`` (its maximum resident set size covers
the joblib workers, which this process cannot see).

``--reference`` also times one ``GridSearchCV`` over the same candidates on
all rows with the splits of the search's last rung (what a user without
halving would run; ``bench_search.grid_of``), and prints the search's time
over it. On the AP variant only: a grid search cannot cross-fit a threshold
on its own folds, so its F1 candidates nest a 3-fold threshold tuning of
their own and do four times the fits.
"""

import argparse
import pathlib
import sys
import time
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import bench_search
from make_creditcard_like import make_table
from sklearn.base import clone

from imbestimators.model_selection import ImbalanceStrategySearchCV


def rungs_text(search):
    return ", ".join(
        f"{c} on {r:,}" for c, r in zip(search.n_candidates_, search.n_resources_)
    )


def run_one(est, X, y, decision, n_jobs):
    search = ImbalanceStrategySearchCV(
        clone(est), decision=decision, n_jobs=n_jobs, random_state=0
    )
    start = time.perf_counter()
    search.fit(X, y)
    return search, time.perf_counter() - start


def reference_time(search, est, X, y):
    grid = bench_search.grid_of(search, est, None)
    start = time.perf_counter()
    grid.fit(X, y)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--classifiers", nargs="+", choices=("lr", "hgb"), default=["lr", "hgb"]
    )
    parser.add_argument(
        "--variants", nargs="+", choices=("AP", "F1"), default=["AP", "F1"]
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--reference", action="store_true")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    X, y = make_table()
    print(
        f"{len(y):,} rows x {X.shape[1]}, {int(y.sum())} positives, "
        f"n_jobs={args.n_jobs}"
    )
    for clf in args.classifiers:
        # the benchmarks' classifiers, but gradient boosting at its defaults:
        # at this size its early stopping is on
        est = bench_search.classifier(clf, hgb_max_iter=100)
        for variant in args.variants:
            decision = "f1" if variant == "F1" else None
            search, seconds = run_one(est, X, y, decision, args.n_jobs)
            line = (
                f"{clf} {variant}: {seconds:7.1f} s  rungs: {rungs_text(search)}; "
                f"chose {search.best_strategy_} (ratio "
                f"{search.best_params_['ratio']}), CV score {search.best_score_:.4f}"
            )
            if args.reference and decision is None:
                grid_seconds = reference_time(search, est, X, y)
                line += (
                    f"; GridSearchCV {grid_seconds:.1f} s, search/grid "
                    f"{seconds / grid_seconds:.2f}"
                )
            print(line, flush=True)


if __name__ == "__main__":
    main()
