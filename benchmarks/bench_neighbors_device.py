"""The k-NN engine on a device (NumPy, torch's CPU, a CUDA GPU) against its floor.

Run on demand, e.g.::

    python benchmarks/bench_neighbors_device.py --device cpu-torch \\
        --minority 2000 --rows 100000 --square 20000
    python benchmarks/bench_neighbors_device.py --device cuda \\
        --minority 10000 --rows 1000000 --square 100000 1000000 --k 5

Times the neighbour searches the samplers make, on noisy data
(``make_classification(flip_y=0.01)``, two clusters per class, float32):

- *minority self*: the minority against itself (SMOTE), ``minority x minority``;
- *minority vs all*: the minority against all rows, each row excluding itself
  (ADASYN, BorderlineSMOTE), ``minority x rows``;
- *all vs all*: every row of a ``square``-row set against the others (the
  cleaning rules), ``square x square``.

Beside each time it prints the NumPy engine's time on the same query (unless
``--skip-numpy``), whether both found the same neighbours, and the floor: the
matrix product ``q @ R.T`` alone for the same shape on the same device, in
blocks, with nothing selected (``torch.cuda.synchronize()`` before each timer
is read). Each figure is the median of ``--repeat`` runs after ``--warmup``
untimed runs (one by default; the device itself is warmed up first on a small
search, so ``--warmup 0 --repeat 1`` is fair for the largest shapes).
"""

import argparse
import statistics
import time

import numpy as np
from sklearn.datasets import make_classification

from imbestimators import config_context
from imbestimators.utils._neighbors import NeighborsIndex, _map_threads
from imbestimators.utils._neighbors_torch import TorchNeighborsIndex, resolve_device

# the floor's blocks of the product: at most this many float32 distances
_FLOOR_BLOCK_ENTRIES = 2**26


def make_data(n_rows, n_features, seed=0):
    """Noisy two-class data, float32: 1 % label noise, two clusters per class."""
    X, y = make_classification(
        n_samples=n_rows,
        n_features=n_features,
        n_informative=min(n_features, 10),
        n_clusters_per_class=2,
        weights=[0.9],
        flip_y=0.01,
        random_state=seed,
    )
    return X.astype(np.float32), y


def cases(args):
    """(name, reference rows, query rows or None for a self-query) per search."""
    rng = np.random.default_rng(0)
    minority = np.sort(rng.choice(args.rows, size=args.minority, replace=False))
    yield "minority self", minority, None
    yield "minority vs all", np.arange(args.rows), minority
    for square in args.square:
        yield "all vs all", np.arange(square), None


def timed(func, sync):
    sync()
    start = time.perf_counter()
    result = func()
    sync()
    return time.perf_counter() - start, result


def median_times(funcs, repeat, warmup, sync):
    """``warmup`` untimed runs of each function, then ``repeat`` alternating
    timed runs; the median times and each function's last result."""
    results = [None] * len(funcs)
    for _ in range(warmup):
        results = [func() for func in funcs]
    times = [[] for _ in funcs]
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            elapsed, results[i] = timed(func, sync)
            times[i].append(elapsed)
    return [statistics.median(record) for record in times], results


def search(index_class, device, reference, query, exclude, k):
    """Build the index and answer one query, as a sampler does."""

    def run():
        with config_context(device=device):
            index = index_class(reference)
            return index.kneighbors(k, query, exclude=exclude, return_distance=True)

    return run


def floor_product(device, reference, query):
    """The product ``query @ reference.T`` alone, in blocks, on ``device``.

    On the CPU, as the NumPy engine computes it: blocks of 512 x 4096 entries,
    one thread per core over row blocks, each with a single-threaded BLAS.
    """
    n_query, n_reference = query.shape[0], reference.shape[0]
    if device == "cpu":
        row_blocks = [slice(start, start + 512) for start in range(0, n_query, 512)]

        def product_rows(rows):
            out = np.empty((512, 4096), dtype=np.float32)
            q = query[rows]
            for first in range(0, n_reference, 4096):
                r = reference[first : first + 4096]
                np.matmul(q, r.T, out=out[: q.shape[0], : r.shape[0]])

        return lambda: _map_threads(product_rows, row_blocks)
    width = min(n_reference, 2**18)
    n_rows = max(1, min(n_query, _FLOOR_BLOCK_ENTRIES // width))
    import torch

    torch_device = resolve_device(device)
    ref_t = torch.from_numpy(reference).to(torch_device)
    query_t = torch.from_numpy(query).to(torch_device)

    def product():
        # a flat buffer: each block's view of it is contiguous
        out = torch.empty(n_rows * width, dtype=ref_t.dtype, device=torch_device)
        for start in range(0, n_query, n_rows):
            q = query_t[start : start + n_rows]
            for first in range(0, n_reference, width):
                r = ref_t[first : first + width]
                block = out[: q.shape[0] * r.shape[0]].view(q.shape[0], r.shape[0])
                torch.matmul(q, r.T, out=block)

    return product


def synchronizer(device):
    if device.startswith("cuda"):
        import torch

        return torch.cuda.synchronize
    return lambda: None


def run_case(args, X, name, ref_rows, query_rows, k, sync):
    reference = X[ref_rows]
    if query_rows is None:
        query, exclude, n_query = None, None, len(ref_rows)
    else:
        query, exclude, n_query = X[query_rows], query_rows, len(query_rows)
    engine_class = NeighborsIndex if args.device == "cpu" else TorchNeighborsIndex
    funcs = [
        search(engine_class, args.device, reference, query, exclude, k),
        floor_product(args.device, reference, reference if query is None else query),
    ]
    with_numpy = not args.skip_numpy and args.device != "cpu"
    if with_numpy:
        funcs.append(search(NeighborsIndex, "cpu", reference, query, exclude, k))
    times, results = median_times(funcs, args.repeat, args.warmup, sync)
    t_engine, t_floor = times[0], times[1]
    shape = f"{n_query} x {len(ref_rows)}"
    gdist = n_query * len(ref_rows) / t_engine / 1e9
    line = (
        f"{name:<16} {shape:>19} {k:>3} {t_engine:>9.3f} {gdist:>7.1f} "
        f"{t_floor:>8.3f} {t_engine / t_floor:>7.1f}x"
    )
    if with_numpy:
        (dist, ind), (dist_np, ind_np) = results[0], results[2]
        same = np.array_equal(ind, ind_np) and np.allclose(dist, dist_np, rtol=1e-12)
        line += f" {times[2]:>9.3f} {times[2] / t_engine:>7.1f}x {same!s:>5}"
    print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", choices=["cpu", "cpu-torch", "cuda"], default="cpu")
    parser.add_argument("--minority", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--square", type=int, nargs="+", default=[100_000])
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--k", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--only", choices=["minority self", "minority vs all", "all vs all"]
    )
    parser.add_argument("--skip-numpy", action="store_true")
    args = parser.parse_args()
    n_rows = max(args.rows, *args.square)
    X, _ = make_data(n_rows, args.features)
    sync = synchronizer(args.device)
    print(describe(args))
    warm_up(args.device, X, sync)
    header = (
        f"{'case':<16} {'query x reference':>19} {'k':>3} {'engine s':>9} "
        f"{'Gdist/s':>7} {'floor s':>8} {'/floor':>8}"
    )
    if not args.skip_numpy and args.device != "cpu":
        header += f" {'numpy s':>9} {'speedup':>8} {'same':>5}"
    print(header)
    for name, ref_rows, query_rows in cases(args):
        if args.only and name != args.only:
            continue
        for k in args.k:
            run_case(args, X, name, ref_rows, query_rows, k, sync)


def warm_up(device, X, sync):
    """Start the device (CUDA context, BLAS handles) on a small search."""
    if device == "cpu":
        return
    small = X[:2000]
    search(TorchNeighborsIndex, device, small, None, None, 5)()
    floor_product(device, small, small)()
    sync()


def describe(args):
    text = f"device={args.device} d={args.features} float32, noisy data (flip_y=0.01)"
    if args.device == "cpu":
        return text
    import torch

    device = resolve_device(args.device)
    where = (
        torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else f"{torch.get_num_threads()} threads"
    )
    return f"{text}; torch {torch.__version__} on {where}"


if __name__ == "__main__":
    main()
