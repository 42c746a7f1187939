"""
=====================
Stratified splitting
=====================

With a rare class, a plain split can leave a fold with few or no minority
rows: its scores are noisy or undefined, and a sampler with ``k_neighbors=5``
cannot even run on it. Stratified splits keep the class shares in every fold.
"""

# %%
# A small data set with 20 positives in 400 rows (5 %).
import numpy as np
from sklearn.datasets import make_classification

X, y = make_classification(
    n_samples=400, n_features=5, weights=[0.95], flip_y=0, random_state=3
)
print("positives:", int(y.sum()), "of", len(y))

# %%
# Count the positives in each test fold of a shuffled K-fold and of a
# stratified K-fold, over 20 repetitions with different seeds.
from sklearn.model_selection import KFold, StratifiedKFold


def positives_per_fold(splitter_class, n_repeats=20):
    counts = []
    for seed in range(n_repeats):
        splitter = splitter_class(n_splits=10, shuffle=True, random_state=seed)
        counts += [int(y[test].sum()) for _, test in splitter.split(X, y)]
    return np.array(counts)


plain = positives_per_fold(KFold)
stratified = positives_per_fold(StratifiedKFold)
print("KFold:           min", plain.min(), "max", plain.max())
print("StratifiedKFold: min", stratified.min(), "max", stratified.max())

# %%
# Plain K-fold gives test folds with anywhere from none to many positives;
# stratified folds all hold two.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
bins = np.arange(max(plain.max(), stratified.max()) + 2) - 0.5
ax.hist(plain, bins=bins, alpha=0.6, label="KFold")
ax.hist(stratified, bins=bins, alpha=0.6, label="StratifiedKFold")
ax.set_xlabel("positives in a test fold (expected: 2)")
ax.set_ylabel("folds")
ax.legend()
plt.show()

# %%
# Training folds matter too: SMOTE needs ``k_neighbors + 1`` rows of each
# class it over-samples. Our samplers say so in plain words when a fold is too
# small, instead of a low-level neighbours error.
from imbestimators.over_sampling import SMOTE

try:
    SMOTE(k_neighbors=5).fit_resample(X[:60], y[:60])
except ValueError as exc:
    print(exc)

# %%
# Use :class:`~sklearn.model_selection.StratifiedKFold` (the default of
# ``cross_validate`` for classifiers) and ``train_test_split(...,
# stratify=y)``; with very few positives, repeat the stratified split
# (:class:`~sklearn.model_selection.RepeatedStratifiedKFold`) and look at the
# spread, not only the mean.
