#!/usr/bin/env bash
# The k-NN engine's CUDA backend on a GPU machine (issue 14): correctness
# against the NumPy engine, then speed against the NumPy engine and the floor
# (the product q @ R.T alone). About 2 minutes on an H200; each step has its
# own timeout.
#
# Run from the repository root, with PYTHONPATH holding the repository and the
# carried wheels (imbalanced-learn, sklearn-compat, skorch, scikit-learn):
#     PYTHONPATH=.gpu-site:. bash benchmarks/gpu_neighbors_check.sh
# The log is also written to $OUT/gpu_neighbors_check.log when OUT is set.
# A dry run on a CPU, at a tenth of the sizes or less, checks the script itself:
#     DEVICE=cpu-torch SMALL=1 bash benchmarks/gpu_neighbors_check.sh
set -uo pipefail

export PY="${PYTHON:-python}"
export PYTHONPATH="${PYTHONPATH:-.}"
export DEVICE="${DEVICE:-cuda}"
export SMALL="${SMALL:-0}"
LOG="${OUT:-/tmp}/gpu_neighbors_check.log"
STATUS=0

# scale <size> [divisor]: the size, or size / divisor (10 by default) in a dry run
scale() { if [ "$SMALL" = 1 ]; then echo $(($1 / ${2:-10})); else echo "$1"; fi; }

step() {
    # step <seconds> <title> <command...>: run one step, note a failure, go on
    local limit=$1 title=$2
    shift 2
    echo
    echo "=== $title"
    local start=$SECONDS
    # the steps are shell functions: timeout runs them in a child bash
    timeout "$limit" bash -c '"$@"' step "$@"
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "!!! step failed (exit $rc; 124 means it ran past its ${limit} s)"
        STATUS=1
    fi
    echo "--- $((SECONDS - start)) s"
}

environment() {
    if [ "${DEVICE%%:*}" = cuda ]; then
        nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv,noheader
    fi
    "$PY" - <<'PYTHON'
import os

import numpy
import scipy
import sklearn
import torch

import imbestimators

print(
    f"numpy {numpy.__version__}, scipy {scipy.__version__}, scikit-learn "
    f"{sklearn.__version__}, torch {torch.__version__} (CUDA {torch.version.cuda}), "
    f"imbestimators {imbestimators.__version__}"
)
print("torch CPU threads:", torch.get_num_threads(), "| device:", os.environ["DEVICE"])
if os.environ["DEVICE"].startswith("cuda"):
    assert torch.cuda.is_available(), "torch sees no CUDA GPU"
    print("GPU:", torch.cuda.get_device_name(0))
PYTHON
}

correctness() {
    "$PY" - <<'PYTHON'
"""The torch backend against the NumPy engine: same indices, same distances."""
import os
import time

import numpy as np
import torch
from sklearn.datasets import make_classification

from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._neighbors_torch import TorchNeighborsIndex

DEVICE = os.environ["DEVICE"]
SMALL = os.environ["SMALL"] == "1"
N = 2_000 if SMALL else 20_000  # rows of the data with ties
M = 20_000 if SMALL else 200_000  # rows of the noisy data
failures = []


def check(name, X, k, query=None, **params):
    start = time.perf_counter()
    index = TorchNeighborsIndex(X, device=DEVICE)
    dist, ind = index.kneighbors(k, query, return_distance=True, **params)
    mid = time.perf_counter()
    numpy_index = NeighborsIndex(X, algorithm="brute")
    dist_np, ind_np = numpy_index.kneighbors(k, query, return_distance=True, **params)
    end = time.perf_counter()
    same = ind.shape == ind_np.shape and np.array_equal(ind, ind_np)
    # ties="include" pads with infinite distances
    finite = np.isfinite(dist_np)
    gap = np.max(np.abs(dist[finite] - dist_np[finite]), initial=0) if same else np.nan
    same = same and np.allclose(dist, dist_np, rtol=1e-12, atol=1e-12)
    if not same:
        failures.append(name)
    print(
        f"{name:<44} k={k:<3} {'SAME' if same else 'DIFFERENT':<9} "
        f"max |d - d_numpy| {gap:.1e}   {DEVICE} {mid - start:6.2f} s   "
        f"numpy {end - mid:6.2f} s",
        flush=True,
    )


rng = np.random.default_rng(0)
# N x N with exact ties: small integer values and duplicated rows
ties = rng.integers(0, 4, size=(N, 30)).astype(np.float32)
ties[N - N // 10 :] = ties[: N // 10]
rows = np.sort(rng.choice(N, size=N // 10, replace=False))
name = f"{N:,} x {N:,} ties"
for k in (5, 10):
    check(f"{name}, self", ties, k)
check(f"{name}, farthest", ties, 5, largest=True)
check(f"{name}, float64", ties.astype(np.float64), 5)
check(f"{N // 10:,} x {N:,} ties, exclude", ties, 5, ties[rows], exclude=rows)
if hasattr(NeighborsIndex, "label_counts"):
    check(f"{name}, ties='include'", ties, 5, ties="include")
    labels = np.arange(N) % 3
    same = np.array_equal(
        TorchNeighborsIndex(ties, device=DEVICE).label_counts(5, labels),
        NeighborsIndex(ties, algorithm="brute").label_counts(5, labels),
    )
    failures += [] if same else ["label_counts"]
    print(f"{name + ', label_counts':<44} k=5   {'SAME' if same else 'DIFFERENT'}")

# NeighborsIndex(...) follows the device setting, so a sampler needs no change
from imbestimators import config_context
from imbestimators.under_sampling import EditedNearestNeighbours

y_ties = (ties[:, :3].sum(axis=1) > 5).astype(int)
expected = EditedNearestNeighbours().fit_resample(ties, y_ties)
start = time.perf_counter()
with config_context(device=DEVICE):
    dispatched = type(NeighborsIndex(ties)) is TorchNeighborsIndex
    got = EditedNearestNeighbours().fit_resample(ties, y_ties)
seconds = time.perf_counter() - start
same = dispatched and all(np.array_equal(a, b) for a, b in zip(got, expected))
failures += [] if same else ["dispatch"]
print(
    f"{name + ', ENN under config_context':<44} k=3   "
    f"{'SAME' if same else 'DIFFERENT'}   torch engine: {dispatched}   "
    f"{DEVICE} {seconds:6.2f} s"
)

# M // 40 query rows x M rows of noisy data, each query row excluding itself
X, _ = make_classification(
    M,
    30,
    n_informative=10,
    n_clusters_per_class=2,
    weights=[0.9],
    flip_y=0.01,
    random_state=0,
)
X = X.astype(np.float32)
rows = np.sort(rng.choice(M, size=M // 40, replace=False))
name = f"{M // 40:,} x {M:,} noisy"
for k in (5, 10):
    check(f"{name}, exclude", X, k, X[rows], exclude=rows)
# queries off the rows, so that the float32 error bound stays small beside
# the distance
query = X[rows] + 0.5
bound = TorchNeighborsIndex(X, device=DEVICE).nearest_distance_bound(query)
numpy_index = NeighborsIndex(X, algorithm="brute")
exact = numpy_index.kneighbors(1, query, return_distance=True)[0][:, 0]
ok = bool(np.all(bound <= exact)) and np.allclose(bound, exact, atol=1e-2)
failures += [] if ok else ["nearest_distance_bound"]
print(f"{name + ', nearest_distance_bound':<44} {'OK' if ok else 'WRONG'}")

if hasattr(torch.backends.cuda.matmul, "fp32_precision"):
    precision = torch.backends.cuda.matmul.fp32_precision
    print(f"cuda matmul fp32_precision after the searches: {precision!r}")
print("ALL SAME" if not failures else f"MISMATCH in: {failures}")
raise SystemExit(1 if failures else 0)
PYTHON
}

block_profile() {
    "$PY" - <<'PYTHON'
"""Where one screening block's time goes: product, selection, row minimum."""
import os
import time

import torch

device = torch.device(os.environ["DEVICE"].replace("cpu-torch", "cpu"))
rows = 256 if os.environ["SMALL"] == "1" else 2048
width, d, m = 2**18, 30, 9
q = torch.randn(rows, d, device=device)
r = torch.randn(width, d, device=device)
norms = (r * r).sum(1)
out = torch.empty(rows, width, device=device)
sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)


def time_ms(func, repeat=10):
    func()
    sync()
    start = time.perf_counter()
    for _ in range(repeat):
        func()
    sync()
    return (time.perf_counter() - start) / repeat * 1e3


mm = time_ms(lambda: torch.addmm(norms, q, r.T, alpha=-2.0, out=out))
topk = time_ms(lambda: torch.topk(out, m, dim=1, largest=False, sorted=False))
amin = time_ms(lambda: out.amin(dim=1))
print(
    f"block {rows} x {width} (d={d}, m={m}, float32): addmm {mm:.2f} ms, "
    f"topk {topk:.2f} ms, amin {amin:.2f} ms -> "
    f"{rows * width / (mm + topk) / 1e6:.1f} G distances/s screened"
)
PYTHON
}

bench() {
    "$PY" benchmarks/bench_neighbors_device.py --device "$DEVICE" "$@"
}

export -f environment correctness block_profile bench

{
    echo "gpu_neighbors_check $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null)"
    step 30 "environment" environment
    step 45 "1. correctness: $DEVICE backend == NumPy engine" correctness
    step 15 "2. one screening block on the device" block_profile
    step 25 "3a. speed vs floor: minority self, minority vs all, all vs all; k=5, 10" \
        bench --minority "$(scale 10000)" --rows "$(scale 1000000)" \
        --square "$(scale 100000)" --k 5 10 --repeat 3 --warmup 0 --skip-numpy
    step 40 "3b. speed vs the NumPy engine (one run each); k=5" \
        bench --minority "$(scale 10000)" --rows "$(scale 1000000)" \
        --square "$(scale 100000)" --k 5 --repeat 1 --warmup 0
    step 75 "3c. speed, all vs all at 1M rows; k=5 (one run, no NumPy)" \
        bench --square "$(scale 1000000 50)" --rows "$(scale 1000000 50)" --k 5 \
        --repeat 1 --warmup 0 --skip-numpy --only "all vs all"
    echo
    if [ "$STATUS" -eq 0 ]; then
        echo "=== DONE: every step passed"
    else
        echo "=== DONE with failures"
    fi
    exit "$STATUS"
} 2>&1 | tee "$LOG"
exit "${PIPESTATUS[0]}"
