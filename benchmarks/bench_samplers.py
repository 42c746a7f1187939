"""Each over-sampler against its imbalanced-learn counterpart, in the same process.

Run on demand (not in CI)::

    python benchmarks/bench_samplers.py                       # n=10k, 100k
    python benchmarks/bench_samplers.py --sizes 1000000 --dims 30 --classes 2 \
        --dtypes float32                                      # the issue's target row

Data: ``make_classification`` with 1 % minority (binary) or four 1 % classes
(5-class), ``n_informative=10``; ``--data`` chooses clean, noisy or discrete
(integer) data, see ``make_data``. For every configuration and sampler it prints
the wall time of ours and of imbalanced-learn's, their ratio, and our peak extra
memory (tracemalloc, so NumPy allocations are counted) relative to the size of
the returned arrays. imbalanced-learn's memory is measured with
``--reference-memory`` (it doubles its run time).

Timing: each sampler first runs once untimed on the full data (the first
large ``fit_resample`` of a process pays for fresh memory pages: measured
0.6-0.8 s more for either library at n = 1M), then ``--repeats`` timed runs
alternate ours and imbalanced-learn's, and the medians are compared.

Beside each ratio: the floor, the exact brute-force search's matrix products
alone (``q @ R.T`` in float32 for the shapes the sampler must search, on the
same device, nothing selected), and our time over it: how far from the limit
of an exact method we are. ``--data noisy`` (in the default pair) is the
realistic case: 1 % flipped labels, two clusters per class. ``--device``
runs our engine on torch's CPU or a GPU (``imbestimators.config_context``).

The under-samplers, cleaning rules and combinations are benchmarked on the
same data by ``bench_under_sampling.py``.
"""

import argparse
import contextlib
import functools
import gc
import importlib
import importlib.util
import pathlib
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import make_classification

# the neighbour searches each over-sampler needs, per minority class of
# ``n_class`` rows among ``n`` (the shape of its exact brute-force product)
FLOOR_SHAPES = {
    "RandomOverSampler": lambda n_class, n: [],
    "SMOTE": lambda n_class, n: [(n_class, n_class)],
    "BorderlineSMOTE": lambda n_class, n: [(n_class, n), (n_class, n_class)],
    "ADASYN": lambda n_class, n: [(n_class, n), (n_class, n_class)],
    "SMOTENC": lambda n_class, n: [(n_class, n_class)],
}

OVER_SAMPLERS = {
    "RandomOverSampler": {},
    "SMOTE": {},
    "BorderlineSMOTE": {},
    "ADASYN": {},
    "SMOTENC": {"categorical_features": [0]},
}


def make_data(n, d, n_classes, dtype, kind="clean"):
    """1 % minority classes, the rest in the majority.

    ``kind="clean"``: one cluster per class, no label noise (the foundation
    issue's data). ``"noisy"``: ``make_classification``'s defaults as a new
    user calls it (two clusters per class, two informative features; five
    for more than two classes) with 1 % of the labels flipped, as real tables
    have. ``"discrete"``: the noisy data with every feature rounded to an
    integer (about 9 levels, as counts or rating scales): squared distances
    are then small integers, so most rows have many rows tied at their k-th
    distance -- the case for the engine's tie rules and certification.
    """
    weights = [0.01] * (n_classes - 1)
    weights = [1 - sum(weights), *weights]
    shape = {"n_informative": 10, "n_redundant": 0}
    if kind in ("noisy", "discrete"):
        # two clusters for each of K classes need 2 * K <= 2 ** n_informative
        shape = {} if n_classes == 2 else {"n_informative": 5}
    X, y = make_classification(
        n_samples=n,
        n_features=d,
        n_classes=n_classes,
        n_clusters_per_class=1 if kind == "clean" else 2,
        weights=weights,
        flip_y=0 if kind == "clean" else 0.01,
        random_state=0,
        **shape,
    )
    if kind == "discrete":
        X = np.round(X)
    X = X.astype(dtype)
    # SMOTENC needs a categorical column: a 4-level one in column 0
    X[:, 0] = np.floor(np.clip(X[:, 0], -1.99, 1.99)) + 2
    return X, y


@functools.cache
def _load_device_bench():
    path = pathlib.Path(__file__).with_name("bench_neighbors_device.py")
    spec = importlib.util.spec_from_file_location("bench_neighbors_device", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def product_floor(shapes, n_features, device="cpu", repeats=3):
    """Seconds of the exact brute-force floor: the products alone.

    For each ``(n_query, n_reference)`` in ``shapes``, the blocked float32
    product of a query and a reference set of that many rows and
    ``n_features`` columns on ``device`` (as ``bench_neighbors_device.py``
    times it: nothing selected, nothing sorted), the fastest of ``repeats``
    (a floor: what the machine can do, not what a busy moment lets it); the
    sum over the shapes. The product's cost depends on the shape only, so the
    rows are random (a combination's second search is over more rows than
    ``X`` has). No exact search can take less on the same machine. NaN when
    the sampler searches no neighbours.
    """
    if not shapes:
        return float("nan")
    bench = _load_device_bench()
    sync = bench.synchronizer(device)
    largest = max(max(shape) for shape in shapes)
    rows = np.random.default_rng(0).standard_normal((int(largest), n_features))
    rows = rows.astype(np.float32)
    total = 0.0
    for n_query, n_reference in shapes:
        product = bench.floor_product(device, rows[:n_reference], rows[:n_query])
        product()  # untimed: fresh pages, the device's first kernels
        total += min(bench.timed(product, sync)[0] for _ in range(repeats))
    return total


def floor_or_nan(shapes, n_features, args):
    if not args.floor:
        return float("nan")
    return product_floor(shapes, n_features, args.device)


def minority_sizes(y):
    """Row counts of every class but the largest."""
    _, counts = np.unique(y, return_counts=True)
    return sorted(counts)[:-1]


def device_context(device):
    """``config_context(device=...)``, or nothing for the default engine."""
    if device == "cpu":
        return contextlib.nullcontext()
    from imbestimators import config_context

    return config_context(device=device)


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
    with device_context(args.device):
        mine, ref = time_pair(
            ours, theirs if compare else None, X, y, args.repeats, args.warmup
        )
        peak_ours = run_memory(ours, X, y)
    t_ours, t_ref, returned = mine["seconds"], ref["seconds"], mine["bytes"]
    shapes = [
        shape for m in minority_sizes(y) for shape in FLOOR_SHAPES[name](m, len(y))
    ]
    peak_ref = run_memory(theirs, X, y) if args.reference_memory else float("nan")
    return {
        "sampler": name,
        "ours_s": t_ours,
        "imblearn_s": t_ref,
        "speedup": t_ref / t_ours,
        "floor_s": floor_or_nan(shapes, X.shape[1], args),
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
    parser.add_argument(
        "--data",
        nargs="+",
        default=["clean", "noisy"],
        choices=["clean", "noisy", "discrete"],
        help="clean synthetic data, noisy (1 %% flipped labels, two "
        "clusters per class), or discrete (the noisy data rounded to "
        "integers: distance ties); clean and noisy by default",
    )
    parser.add_argument(
        "--device",
        default="cpu",
        help="our engine's device (imbestimators.config_context): cpu, "
        "cpu-torch, cuda, cuda:N, auto; imbalanced-learn runs on the CPU",
    )
    parser.add_argument(
        "--no-floor",
        dest="floor",
        action="store_false",
        help="skip the floor (the exact search's products alone, same device)",
    )


def print_row(config, row):
    print(
        f"{config:<28} {row['sampler']:<18} {row['ours_s']:>8.3f} "
        f"{row['imblearn_s']:>10.3f} {row['speedup']:>8.1f}x "
        f"{row['floor_s']:>8.3f} {row['ours_s'] / row['floor_s']:>7.1f}x "
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
        f"{'speedup':>9} {'floor s':>8} {'/floor':>8} {'peak MB':>9} "
        f"{'peak/out':>10} {'ref p/out':>10}"
    )
    for kind in args.data:
        for n in args.sizes:
            for d in args.dims:
                for n_classes in args.classes:
                    for dtype in args.dtypes:
                        X, y = make_data(n, d, n_classes, dtype, kind)
                        config = f"{kind} n={n} d={d} K={n_classes} {dtype}"
                        for name in names:
                            row = bench_one(name, OVER_SAMPLERS[name], X, y, args)
                            print_row(config, row)


if __name__ == "__main__":
    main()
