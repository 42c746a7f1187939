"""Each under-sampler and combination against imbalanced-learn, in the same process.

Run on demand (not in CI)::

    python benchmarks/bench_under_sampling.py                  # n=10k, 100k
    python benchmarks/bench_under_sampling.py --sizes 1000000 \
        --samplers TomekLinks EditedNearestNeighbours NearMiss-2   # ours only at 1M

Data: ``make_data`` of ``bench_samplers.py``, d = 30, 1 % minority, binary,
float32: ``--data clean`` (the foundation issue's: one cluster per class, no
label noise) and ``noisy`` (1 % flipped labels, two clusters per class, as real
tables have), both by default; ``discrete`` (the noisy data rounded to
integers, as counts and rating scales: many rows tied at each distance).
``--device`` runs our engine on torch's CPU or a GPU. Beside each ratio it
prints the floor (the exact brute-force search's products alone, same device;
see ``floor_shapes``) and our time over it. For every sampler it prints the
wall time of ours and of imbalanced-learn's (the median of ``--repeats`` runs,
default one: imbalanced-learn's cleaning rules take tens of seconds at 100k;
after one untimed run of each, see ``bench_samplers.py``), their ratio, and the
peak extra memory of each during ``fit_resample`` (tracemalloc, which counts
NumPy's allocations; a second, untimed run). imbalanced-learn is skipped above
``--max-reference-n`` and above each sampler's own limit (NaN in the table);
``--no-reference-memory`` skips its memory run.
"""

import argparse
import importlib
import importlib.util
import pathlib

import numpy as np

# name -> (class name, parameters, largest n for ours, largest n for imbalanced-learn)
SAMPLERS = {
    "RandomUnderSampler": ("RandomUnderSampler", {"random_state": 0}, None, None),
    "TomekLinks": ("TomekLinks", {}, None, None),
    "EditedNearestNeighbours": ("EditedNearestNeighbours", {}, None, None),
    "RepeatedEditedNearestNeighbours": (
        "RepeatedEditedNearestNeighbours",
        {},
        None,
        None,
    ),
    "AllKNN": ("AllKNN", {}, None, None),
    "NeighbourhoodCleaningRule": ("NeighbourhoodCleaningRule", {}, None, None),
    "NearMiss-1": ("NearMiss", {"version": 1}, None, None),
    # imbalanced-learn sorts an (n_majority x n_minority) matrix: 177 GB at 1M
    "NearMiss-2": ("NearMiss", {"version": 2}, None, 100_000),
    "NearMiss-3": ("NearMiss", {"version": 3}, None, None),
    "OneSidedSelection": ("OneSidedSelection", {"random_state": 0}, None, None),
    # imbalanced-learn refits and predicts after every addition
    "CondensedNearestNeighbour": (
        "CondensedNearestNeighbour",
        {"random_state": 0},
        100_000,
        10_000,
    ),
    # a random forest in 5-fold cross-validation, the same for both
    "InstanceHardnessThreshold": (
        "InstanceHardnessThreshold",
        {"random_state": 0},
        10_000,
        10_000,
    ),
    # k-means with as many clusters as minority rows, the same for both
    "ClusterCentroids": ("ClusterCentroids", {"random_state": 0}, 10_000, 10_000),
    "SMOTETomek": ("SMOTETomek", {"random_state": 0}, None, None),
    "SMOTEENN": ("SMOTEENN", {"random_state": 0}, None, None),
}
COMBINED = {"SMOTETomek", "SMOTEENN"}


def floor_shapes(label, n_minority, n):
    """The products an exact brute-force run of ``label`` must make.

    ``(n_query, n_reference)`` pairs for a binary problem with
    ``n_minority`` rows of ``n``: the cleaning rules query the majority rows
    (ENN's family) or every row (Tomek's links, NCR) against all rows;
    NearMiss, CNN and OSS compare the majority with the minority; a
    combination first searches the minority (SMOTE), then cleans the
    balanced ``2 * n_majority`` rows. Only the first pass of the repeated
    rules is counted, so their floor is a lower bound. Empty for the rules
    that search no neighbours.
    """
    n_majority = n - n_minority
    balanced = 2 * n_majority
    return {
        "TomekLinks": [(n, n)],
        "EditedNearestNeighbours": [(n_majority, n)],
        "RepeatedEditedNearestNeighbours": [(n_majority, n)],
        "AllKNN": [(n_majority, n)],
        "NeighbourhoodCleaningRule": [(n, n)],
        "NearMiss-1": [(n_majority, n_minority)],
        "NearMiss-2": [(n_majority, n_minority)],
        "NearMiss-3": [(n_majority, n_minority)],
        "OneSidedSelection": [(n_majority, n_minority)],
        "CondensedNearestNeighbour": [(n_majority, n_minority)],
        "SMOTETomek": [(n_minority, n_minority), (balanced, balanced)],
        "SMOTEENN": [(n_minority, n_minority), (balanced, balanced)],
    }.get(label, [])


def load_bench_samplers():
    """bench_samplers.py: the foundation issue's data and the timing protocol."""
    path = pathlib.Path(__file__).with_name("bench_samplers.py")
    spec = importlib.util.spec_from_file_location("bench_samplers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = load_bench_samplers()


def build(package, label):
    name, params, _, _ = SAMPLERS[label]
    subpackage = "combine" if label in COMBINED else "under_sampling"
    module = importlib.import_module(f"{package}.{subpackage}")
    return getattr(module, name)(**params)


def run_memory(sampler, X, y):
    return BENCH.run_memory(sampler, X, y) / 2**20


def within(limit, n):
    return limit is None or n <= limit


def bench_one(label, X, y, args):
    nan = float("nan")
    _, _, our_limit, ref_limit = SAMPLERS[label]
    row = {"sampler": label, "ours_s": nan, "ref_s": nan, "ours_MB": nan}
    row["floor_s"] = nan
    row.update(ref_MB=nan, n_out=-1, ref_n_out=-1)
    n = len(y)
    if not within(our_limit, n):
        return row
    ours = build("imbestimators", label)
    compare = within(ref_limit, n) and n <= args.max_reference_n
    theirs = build("imblearn", label) if compare else None
    with BENCH.device_context(args.device):
        mine, ref = BENCH.time_pair(ours, theirs, X, y, args.repeats, args.warmup)
        row["ours_MB"] = run_memory(build("imbestimators", label), X, y)
    row.update(ours_s=mine["seconds"], ref_s=ref["seconds"])
    row.update(n_out=mine["rows"], ref_n_out=ref["rows"])
    n_minority = int(np.bincount(y).min())
    shapes = floor_shapes(label, n_minority, n)
    row["floor_s"] = BENCH.floor_or_nan(shapes, X.shape[1], args)
    if compare and args.reference_memory:
        row["ref_MB"] = run_memory(build("imblearn", label), X, y)
    return row


def print_row(config, row):
    print(
        f"{config:<22} {row['sampler']:<32} {row['ours_s']:>8.3f} "
        f"{row['ref_s']:>10.3f} {row['ref_s'] / row['ours_s']:>8.1f}x "
        f"{row['floor_s']:>8.3f} {row['ours_s'] / row['floor_s']:>7.1f}x "
        f"{row['ours_MB']:>9.1f} {row['ref_MB']:>10.1f} "
        f"{row['n_out']:>8} {row['ref_n_out']:>8}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--samplers", nargs="+", default=None, choices=SAMPLERS)
    parser.add_argument(
        "--max-reference-n",
        type=int,
        default=100_000,
        help="skip imbalanced-learn above this n (NaN in the table)",
    )
    parser.add_argument(
        "--no-reference-memory", dest="reference_memory", action="store_false"
    )
    BENCH.add_timing_arguments(parser, repeats=1)
    args = parser.parse_args()
    print(
        f"{'config':<22} {'sampler':<32} {'ours s':>8} {'imblearn s':>10} "
        f"{'speedup':>9} {'floor s':>8} {'/floor':>8} {'ours MB':>9} "
        f"{'imblearn MB':>10} {'n out':>8} {'ref out':>8}"
    )
    for kind in args.data:
        for n in args.sizes:
            X, y = BENCH.make_data(n, 30, 2, np.float32, kind)
            config = f"{kind} n={n} d=30 float32"
            for label in args.samplers or list(SAMPLERS):
                print_row(config, bench_one(label, X, y, args))


if __name__ == "__main__":
    main()
