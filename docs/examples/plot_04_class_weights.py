"""
=============
Class weights
=============

Class weights make errors on rare classes cost more in the training loss.
This example compares the weighting schemes of
:mod:`imbestimators.class_weight` and shows what weights really do to a
probabilistic model: they shift its scores, much like moving the threshold.
"""

# %%
# The schemes on a 9:1 problem. All are normalised so that the mean sample
# weight is 1.
import numpy as np

from imbestimators.class_weight import compute_class_weight, compute_sample_weight

y_demo = np.array([0] * 90 + [1] * 10)
for scheme in ["balanced", "inverse_sqrt", "effective_number"]:
    weights = compute_class_weight(scheme, classes=np.array([0, 1]), y=y_demo)
    print(f"{scheme:>16}: {np.round(weights, 3)}")

# %%
# Fit a logistic regression with each scheme on the digits data ("is this an
# 8?"), weights computed on the training part only.
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, digit = load_digits(return_X_y=True)
y = (digit == 8).astype(int)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, stratify=y, test_size=0.4, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

probabilities = {}
for scheme in [None, "inverse_sqrt", "effective_number", "balanced"]:
    weight = compute_sample_weight(scheme, y_train)
    clf = LogisticRegression(max_iter=1000).fit(X_train, y_train, sample_weight=weight)
    p = clf.predict_proba(X_test)[:, 1]
    probabilities[str(scheme)] = p
    print(
        f"{scheme!s:>16}: recall {recall_score(y_test, p >= 0.5):.3f}, "
        f"precision {precision_score(y_test, p >= 0.5):.3f}, "
        f"average precision {average_precision_score(y_test, p):.3f}"
    )

# %%
# Stronger weights trade precision for recall at the 0.5 threshold, while the
# average precision — the quality of the ranking — changes much less (and
# rather down than up). The scores
# of the test positives and negatives show why: weights push all scores up
# together.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
names = list(probabilities)
data = []
for name in names:
    data += [probabilities[name][y_test == 0], probabilities[name][y_test == 1]]
positions = np.arange(len(data)) + np.repeat(np.arange(len(names)), 2) * 0.6
box = ax.boxplot(data, positions=positions, widths=0.5, patch_artist=True)
for k, patch in enumerate(box["boxes"]):
    patch.set_facecolor("tab:blue" if k % 2 == 0 else "tab:orange")
ax.set_xticks(positions[::2] + 0.5, names)
ax.axhline(0.5, color="grey", ls=":")
ax.set_ylabel("predicted probability of '8'")
ax.set_title("Scores of the negatives (blue) and positives (orange)")
plt.show()

# %%
# Weighted probabilities are no longer calibrated: after
# ``class_weight='balanced'`` a score of 0.5 does not mean a 50 % chance. To
# act on probabilities, prefer the untouched model with a tuned threshold, or
# correct the probabilities for the prior the weights imposed.
