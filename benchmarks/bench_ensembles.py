"""The four balanced ensembles against imbalanced-learn's, in the same process.

Run on demand (not in CI)::

    python benchmarks/bench_ensembles.py                       # n=10k, a few minutes
    python benchmarks/bench_ensembles.py --sizes 1000000 --n-jobs 1 2 \
        --ensembles BalancedBaggingClassifier BalancedRandomForestClassifier

Data: ``make_classification(n, 30, weights=[0.99], n_clusters_per_class=2)``,
``clean`` (``flip_y=0``) and ``noisy`` (``flip_y=0.01``), float64
(``--data``; ``bench_samplers.py``'s ``--device`` and ``--no-floor`` do not
apply here). Every
ensemble is built with its defaults and ``random_state=0`` (and ``n_jobs`` when
it has that parameter; RUSBoostClassifier has not, and runs at n_jobs=1 only).
For each it prints the fit time of ours and of imbalanced-learn's (median of
``--repeats`` runs after one untimed run of each, the protocol of
``bench_samplers.py``), their ratio, and the peak memory traced during one
more ``fit`` of each (tracemalloc: NumPy's allocations in this process; with
n_jobs > 1 the workers' memory is not counted). An ensemble that
``imbestimators.ensemble`` does not export yet is skipped with a message.
"""

import argparse
import gc
import importlib
import importlib.util
import pathlib
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import make_classification

ENSEMBLES = (
    "BalancedBaggingClassifier",
    "EasyEnsembleClassifier",
    "BalancedRandomForestClassifier",
    "RUSBoostClassifier",
)


def load_bench_samplers():
    """bench_samplers.py: the timing and data arguments shared by the benchmarks."""
    path = pathlib.Path(__file__).with_name("bench_samplers.py")
    spec = importlib.util.spec_from_file_location("bench_samplers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = load_bench_samplers()


def make_data(n, noisy):
    """The issue's data: d = 30, 1 % minority, two clusters per class."""
    return make_classification(
        n_samples=n,
        n_features=30,
        weights=[0.99],
        flip_y=0.01 if noisy else 0.0,
        n_clusters_per_class=2,
        random_state=0,
    )


def build(package, name, n_jobs):
    """The ensemble ``name`` of ``package``, or None when it has none."""
    cls = getattr(importlib.import_module(f"{package}.ensemble"), name, None)
    if cls is None:
        return None
    params = {"random_state": 0}
    if "n_jobs" in cls().get_params():
        params["n_jobs"] = n_jobs
    return cls(**params)


def run_timed(model, X, y):
    gc.collect()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return time.perf_counter() - start


def run_memory(model, X, y):
    """Peak MiB traced during one ``fit``."""
    gc.collect()
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def time_pair(ours, theirs, X, y, args):
    """Median fit times of two ensembles, timed in alternation."""
    models = (ours, theirs)
    if args.warmup:
        for model in models:
            run_timed(model, X, y)
    times = [[], []]
    for _ in range(args.repeats):
        for model, spent in zip(models, times):
            spent.append(run_timed(model, X, y))
    return [float(np.median(spent)) for spent in times]


def bench_one(name, n_jobs, X, y, args):
    ours = build("imbestimators", name, n_jobs)
    if ours is None:
        return None
    theirs = build("imblearn", name, n_jobs)
    ours_s, ref_s = time_pair(ours, theirs, X, y, args)
    row = {"ensemble": name, "ours_s": ours_s, "ref_s": ref_s}
    row["ours_MB"] = run_memory(ours, X, y)
    row["ref_MB"] = run_memory(theirs, X, y)
    return row


def print_row(config, row):
    print(
        f"{config:<26} {row['ensemble']:<32} {row['ours_s']:>8.3f} "
        f"{row['ref_s']:>10.3f} {row['ref_s'] / row['ours_s']:>8.2f}x "
        f"{row['ours_MB']:>9.1f} {row['ref_MB']:>11.1f} "
        f"{row['ref_MB'] / row['ours_MB']:>8.2f}x",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--n-jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ensembles", nargs="+", default=ENSEMBLES, choices=ENSEMBLES)
    BENCH.add_timing_arguments(parser, repeats=1)
    args = parser.parse_args()
    ours = importlib.import_module("imbestimators.ensemble")
    for name in args.ensembles:
        if not hasattr(ours, name):
            print(f"skipped {name}: imbestimators.ensemble does not export it yet")
    print(
        f"{'config':<26} {'ensemble':<32} {'ours s':>8} {'imblearn s':>10} "
        f"{'speedup':>9} {'ours MB':>9} {'imblearn MB':>11} {'MB ratio':>9}"
    )
    for n in args.sizes:
        for kind in args.data:
            X, y = make_data(n, noisy=kind == "noisy")
            for n_jobs in args.n_jobs:
                config = f"n={n} {kind} n_jobs={n_jobs}"
                for name in args.ensembles:
                    model = build("imbestimators", name, n_jobs)
                    if model is None or (
                        n_jobs != args.n_jobs[0] and "n_jobs" not in model.get_params()
                    ):
                        continue
                    print_row(config, bench_one(name, n_jobs, X, y, args))


if __name__ == "__main__":
    main()
