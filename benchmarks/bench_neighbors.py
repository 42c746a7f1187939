"""Our k-NN engine against scikit-learn's NearestNeighbors, and KD-tree vs brute.

Run on demand: ``python benchmarks/bench_neighbors.py [--n 200000] [--queries 5000]``.
Prints, for several dimensions, the time of each screening algorithm of
:class:`imbestimators.utils.NeighborsIndex` and of scikit-learn's exact search on
the same data, with the ratio, and checks that all return the same neighbours.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from imbestimators.utils import kneighbors


def _time(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def _row(X, queries, k, d):
    t_tree, ind_tree = _time(
        lambda: kneighbors(X, k, X[queries], exclude=queries, algorithm="kd_tree")
    )
    t_brute, ind_brute = _time(
        lambda: kneighbors(X, k, X[queries], exclude=queries, algorithm="brute")
    )
    nn = NearestNeighbors(n_neighbors=k + 1).fit(X)
    t_sk, _ = _time(lambda: nn.kneighbors(X[queries]))
    same = np.array_equal(ind_tree, ind_brute)
    ratio = t_sk / min(t_tree, t_brute)
    return f"{d:>4} {t_tree:>10.2f} {t_brute:>9.2f} {t_sk:>10.2f} {ratio:>6.1f}x {same}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=5_000)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    print(f"n={args.n} queries={args.queries} k={args.k} float32")
    print(
        f"{'d':>4} {'kd_tree s':>10} {'brute s':>9} {'sklearn s':>10} {'ratio':>7} same"
    )
    for d in (4, 8, 12, 16, 30):
        X, _ = make_classification(
            n_samples=args.n,
            n_features=d,
            n_informative=min(d, 6),
            n_redundant=0,
            random_state=0,
        )
        X = X.astype(np.float32)
        print(_row(X, np.arange(args.queries), args.k, d))


if __name__ == "__main__":
    main()
