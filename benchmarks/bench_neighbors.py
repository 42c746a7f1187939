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
        queries = np.arange(args.queries)
        t_tree, ind_tree = _time(
            lambda X=X: kneighbors(
                X, args.k, X[queries], exclude=queries, algorithm="kd_tree"
            )
        )
        t_brute, ind_brute = _time(
            lambda X=X: kneighbors(
                X, args.k, X[queries], exclude=queries, algorithm="brute"
            )
        )
        nn = NearestNeighbors(n_neighbors=args.k + 1).fit(X)
        t_sk, ind_sk = _time(lambda X=X, nn=nn: nn.kneighbors(X[queries])[1][:, 1:])
        same = np.array_equal(np.sort(ind_tree, 1), np.sort(ind_brute, 1))
        best = min(t_tree, t_brute)
        print(
            f"{d:>4} {t_tree:>10.2f} {t_brute:>9.2f} {t_sk:>10.2f} {t_sk / best:>6.1f}x {same}"
        )


if __name__ == "__main__":
    main()
