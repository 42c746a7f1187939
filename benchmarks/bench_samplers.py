"""Each over-sampler against its imbalanced-learn counterpart, in the same process.

Run on demand (not in CI)::

    python benchmarks/bench_samplers.py                       # n=10k, 100k
    python benchmarks/bench_samplers.py --sizes 1000000 --dims 30 --classes 2 \
        --dtypes float32                                      # the issue's target row

Data: ``make_classification`` with 1 % minority (binary) or four 1 % classes
(5-class), ``n_informative=10``. For every configuration and sampler it prints
the wall time of ours and of imbalanced-learn's, their ratio, and our peak extra
memory (tracemalloc, so NumPy allocations are counted) relative to the size of
the returned arrays. imbalanced-learn's memory is measured with
``--reference-memory`` (it doubles its run time).

Timing: each sampler first runs once untimed on the full data (the first
large ``fit_resample`` of a process pays for fresh memory pages: measured
0.6-0.8 s more for either library at n = 1M), then ``--repeats`` timed runs
alternate ours and imbalanced-learn's, and the medians are compared.

The under-samplers, cleaning rules and combinations are benchmarked on the
same data by ``bench_under_sampling.py``.
"""

import argparse
import gc
import importlib
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import make_classification

OVER_SAMPLERS = {
    "RandomOverSampler": {},
    "SMOTE": {},
    "BorderlineSMOTE": {},
    "ADASYN": {},
    "SMOTENC": {"categorical_features": [0]},
}


def make_data(n, d, n_classes, dtype):
    """1 % minority classes, the rest in the majority."""
    weights = [0.01] * (n_classes - 1)
    weights = [1 - sum(weights), *weights]
    X, y = make_classification(
        n_samples=n,
        n_features=d,
        n_informative=10,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=weights,
        flip_y=0,
        random_state=0,
    )
    X = X.astype(dtype)
    # SMOTENC needs a categorical column: a 4-level one in column 0
    X[:, 0] = np.floor(np.clip(X[:, 0], -1.99, 1.99)) + 2
    return X, y


def load(module, name, params):
    cls = getattr(importlib.import_module(module), name)
    return cls(random_state=0, **params)


def run_timed(sampler, X, y):
    """Wall time, and the bytes and rows of the returned arrays."""
    gc.collect()
    start = time.perf_counter()
    with warnings.catch_warnings():
        # e.g. BorderlineSMOTE's "no sample in danger": timed all the same
        warnings.simplefilter("ignore")
        X_res, y_res = sampler.fit_resample(X, y)
    elapsed = time.perf_counter() - start
    return elapsed, X_res.nbytes + y_res.nbytes, len(y_res)


def time_pair(ours, theirs, X, y, repeats=3, warmup=True):
    """Median wall times of two samplers, timed in alternation.

    ``theirs=None`` times ours only. Returns, for ours then theirs, a dict
    with the median time and the bytes and rows returned (NaN and -1 when
    not run).
    """
    samplers = [ours] if theirs is None else [ours, theirs]
    if warmup:
        for sampler in samplers:
            run_timed(sampler, X, y)
    results = [{"times": []} for _ in samplers]
    for _ in range(repeats):
        for sampler, result in zip(samplers, results):
            elapsed, result["bytes"], result["rows"] = run_timed(sampler, X, y)
            result["times"].append(elapsed)
    for result in results:
        result["seconds"] = float(np.median(result.pop("times")))
    if theirs is None:
        results.append({"seconds": float("nan"), "bytes": -1, "rows": -1})
    return results


def run_memory(sampler, X, y):
    """Peak bytes traced during one ``fit_resample``."""
    gc.collect()
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler.fit_resample(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def bench_one(name, params, X, y, args):
    ours = load("imbestimators.over_sampling", name, params)
    theirs = load("imblearn.over_sampling", name, params)
    compare = len(y) <= args.max_reference_n
    mine, ref = time_pair(
        ours, theirs if compare else None, X, y, args.repeats, args.warmup
    )
    t_ours, t_ref, returned = mine["seconds"], ref["seconds"], mine["bytes"]
    peak_ours = run_memory(ours, X, y)
    peak_ref = run_memory(theirs, X, y) if args.reference_memory else float("nan")
    return {
        "sampler": name,
        "ours_s": t_ours,
        "imblearn_s": t_ref,
        "speedup": t_ref / t_ours,
        "peak_MB": peak_ours / 2**20,
        "peak_ratio": peak_ours / returned,
        "ref_peak_ratio": peak_ref / returned,
    }


def add_timing_arguments(parser, repeats):
    parser.add_argument(
        "--repeats",
        type=int,
        default=repeats,
        help=f"timed runs of each sampler, median reported (default {repeats})",
    )
    parser.add_argument(
        "--no-warmup",
        dest="warmup",
        action="store_false",
        help="skip the untimed first run of each sampler",
    )


def print_row(config, row):
    print(
        f"{config:<28} {row['sampler']:<18} {row['ours_s']:>8.3f} "
        f"{row['imblearn_s']:>10.3f} {row['speedup']:>8.1f}x "
        f"{row['peak_MB']:>9.1f} {row['peak_ratio']:>10.2f} "
        f"{row['ref_peak_ratio']:>10.2f}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dims", type=int, nargs="+", default=[30, 200])
    parser.add_argument("--classes", type=int, nargs="+", default=[2, 5])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument("--samplers", nargs="+", default=None)
    parser.add_argument(
        "--max-reference-n",
        type=int,
        default=1_000_000,
        help="skip imbalanced-learn above this n (NaN in the table)",
    )
    parser.add_argument("--reference-memory", action="store_true")
    add_timing_arguments(parser, repeats=3)
    args = parser.parse_args()
    names = args.samplers or list(OVER_SAMPLERS)
    print(
        f"{'config':<28} {'sampler':<18} {'ours s':>8} {'imblearn s':>10} "
        f"{'speedup':>9} {'peak MB':>9} {'peak/out':>10} {'ref p/out':>10}"
    )
    for n in args.sizes:
        for d in args.dims:
            for n_classes in args.classes:
                for dtype in args.dtypes:
                    X, y = make_data(n, d, n_classes, dtype)
                    config = f"n={n} d={d} K={n_classes} {dtype}"
                    for name in names:
                        row = bench_one(name, OVER_SAMPLERS[name], X, y, args)
                        print_row(config, row)


if __name__ == "__main__":
    main()
