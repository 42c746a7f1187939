"""Samplers on a GPU through the engine's device setting (issue 14 targets).

Run on a machine with a CUDA GPU, from the repository root, with
``imbestimators`` and its dependencies importable (``PYTHONPATH``)::

    python benchmarks/gpu_samplers_check.py [--device cuda] [--n 1000000]

Data: ``make_classification`` with 1 % minority, 30 features, float32,
``flip_y=0.01`` and two clusters per class (the noisy case of
``bench_under_sampling.py``). Each sampler runs once untimed (fresh pages,
CUDA context, kernels), then once timed, under ``config_context(device=...)``;
the over-samplers are also timed on the NumPy engine (``device="cpu"``) and
their outputs compared, so that the speed-up is printed beside an equality
check. Targets on an H200 (issue 14): SMOTE, ADASYN, BorderlineSMOTE at
1M x 30 under 1 s; TomekLinks and ENN at 1M under 5 s; SMOTEENN at 100k
under 1 s. The other cleaning rules are timed at the same sizes (no
target). The cleaning rules' witness scans run on the device too
(``under_sampling/_witnesses_torch.py``); ``--n-check`` rows are cleaned on
both engines and compared, so that the speed comes with an equality check
at a size the NumPy engine finishes in seconds.
"""

import argparse
import cProfile
import pstats
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification

from imbestimators import config_context
from imbestimators.combine import SMOTEENN, SMOTETomek
from imbestimators.over_sampling import ADASYN, SMOTE, BorderlineSMOTE
from imbestimators.under_sampling import (
    AllKNN,
    EditedNearestNeighbours,
    NeighbourhoodCleaningRule,
    OneSidedSelection,
    RepeatedEditedNearestNeighbours,
    TomekLinks,
)

TARGETS = {
    "SMOTE": 1.0,
    "ADASYN": 1.0,
    "BorderlineSMOTE": 1.0,
    "TomekLinks": 5.0,
    "EditedNearestNeighbours": 5.0,
    "SMOTEENN": 1.0,
}


def noisy_data(n, seed=0):
    X, y = make_classification(
        n_samples=n,
        n_features=30,
        n_informative=10,
        n_redundant=0,
        n_clusters_per_class=2,
        weights=[0.99],
        flip_y=0.01,
        random_state=seed,
    )
    return X.astype(np.float32), y


def timed(sampler, X, y, device, warm_up=True):
    with config_context(device=device), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if warm_up:
            sampler.fit_resample(X, y)  # warm-up: pages, CUDA context, kernels
        start = time.perf_counter()
        X_res, y_res = sampler.fit_resample(X, y)
        return time.perf_counter() - start, X_res, y_res


def run(name, sampler, X, y, device, compare, warm_up=True):
    seconds, X_res, y_res = timed(sampler, X, y, device, warm_up)
    line = f"{name:<32} n={len(y):>8}  {device}: {seconds:7.3f} s"
    if compare:
        cpu_seconds, X_cpu, y_cpu = timed(sampler, X, y, "cpu")
        same = np.array_equal(X_res, X_cpu) and np.array_equal(y_res, y_cpu)
        line += f"  numpy: {cpu_seconds:7.3f} s  ratio {cpu_seconds / seconds:5.1f}x"
        line += f"  same output: {same}"
    line += f"  n out {len(y_res)}"
    target = TARGETS.get(name)
    if target is not None:
        line += f"  target < {target} s: {'met' if seconds < target else 'MISSED'}"
    print(line, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--n-smoteenn", type=int, default=100_000)
    parser.add_argument("--n-check", type=int, default=200_000)
    parser.add_argument("--skip-cleaning", action="store_true")
    parser.add_argument("--skip-over", action="store_true", help="no over-samplers")
    parser.add_argument(
        "--rules",
        nargs="+",
        default=[name for name, _ in cleaning_rules()],
        help="the cleaning rules to check and time (all by default)",
    )
    parser.add_argument("--skip-smotetomek", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="profile ENN at --n on the device"
    )
    args = parser.parse_args(argv)
    # first the cleaning rules on both engines at a size NumPy finishes in
    # seconds (this also warms the device's kernels up), then the targets
    if not args.skip_cleaning:
        X_check, y_check = noisy_data(args.n_check, seed=1)
        for name, sampler in cleaning_rules(args.rules):
            run(name, sampler, X_check, y_check, args.device, compare=True)
    X, y = noisy_data(args.n)
    rules = [] if args.skip_cleaning else cleaning_rules(args.rules)
    # the 1M cleaning rules run once, timed: the kernels are warm by now
    for name, sampler in rules[:2]:
        run(name, sampler, X, y, args.device, compare=False, warm_up=False)
    X_small, y_small = noisy_data(args.n_smoteenn)
    run("SMOTEENN", SMOTEENN(random_state=0), X_small, y_small, args.device, True)
    over = [
        ("SMOTE", SMOTE(random_state=0)),
        ("ADASYN", ADASYN(random_state=0)),
        ("BorderlineSMOTE", BorderlineSMOTE(random_state=0)),
    ]
    for name, sampler in [] if args.skip_over else over:
        run(name, sampler, X, y, args.device, compare=True)
    for name, sampler in rules[2:]:
        run(name, sampler, X, y, args.device, compare=False, warm_up=False)
    if not args.skip_smotetomek:
        run(
            "SMOTETomek",
            SMOTETomek(random_state=0),
            X_small,
            y_small,
            args.device,
            True,
        )
    if args.profile:
        profile(EditedNearestNeighbours(), X, y, args.device)


def profile(sampler, X, y, device):
    """The functions where the sampler spends its time (cumulative, top 25)."""
    profiler = cProfile.Profile()
    with config_context(device=device), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profiler.runcall(sampler.fit_resample, X, y)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def cleaning_rules(names=None):
    """``(name, sampler)`` of the cleaning rules, Tomek and ENN (the targets)
    first, or of those named."""
    rules = [
        ("TomekLinks", TomekLinks()),
        ("EditedNearestNeighbours", EditedNearestNeighbours()),
        ("RepeatedEditedNearestNeighbours", RepeatedEditedNearestNeighbours()),
        ("AllKNN", AllKNN()),
        ("NeighbourhoodCleaningRule", NeighbourhoodCleaningRule()),
        ("OneSidedSelection", OneSidedSelection(random_state=0)),
    ]
    return [rule for rule in rules if names is None or rule[0] in names]


if __name__ == "__main__":
    main()
