"""Write a synthetic table of the credit-card fraud data's shape as a CSV file.

284,807 rows, 30 numeric features, about 0.2 % positives (the real table has
0.17 %), a little label noise: the table issue 13 sizes ``imbestimators
compare`` against. Nothing is downloaded.

Usage::

    python benchmarks/make_creditcard_like.py [OUT.csv]   # default creditcard_like.csv
    imbestimators compare --csv creditcard_like.csv --target Class
"""

import sys

import numpy as np
from sklearn.datasets import make_classification

N_SAMPLES = 284_807
N_FEATURES = 30
# 0.2 % positives before the noise; flip_y re-draws the label of 0.05 % of the
# rows at random, which adds about 70 positives (0.22 % in all) and makes some
# positives impossible to find, as in real fraud data
WEIGHTS = [0.998]
FLIP_Y = 0.0005


def make_table(random_state=0):
    """(X, y) of the credit-card-like table."""
    return make_classification(
        n_samples=N_SAMPLES,
        n_features=N_FEATURES,
        n_informative=10,
        n_redundant=5,
        weights=WEIGHTS,
        flip_y=FLIP_Y,
        random_state=random_state,
    )


def main(path="creditcard_like.csv"):
    X, y = make_table()
    header = ",".join([*(f"V{j}" for j in range(1, N_FEATURES + 1)), "Class"])
    table = np.column_stack([X, y])
    fmt = ["%.6g"] * N_FEATURES + ["%d"]
    np.savetxt(path, table, delimiter=",", header=header, comments="", fmt=fmt)
    print(f"{path}: {N_SAMPLES} rows, {int(y.sum())} positives ({y.mean():.3%})")


if __name__ == "__main__":
    main(*sys.argv[1:])
