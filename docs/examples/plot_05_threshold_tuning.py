"""
=======================================
Threshold tuning for F1 and for cost
=======================================

A probabilistic classifier predicts the positive class when its score passes
a threshold, 0.5 by default. Nothing makes 0.5 right for an imbalanced
problem. :class:`~imbestimators.model_selection.ThresholdTunedClassifier`
learns the threshold by cross-validation for the objective you care about —
here F1, then an explicit cost of errors — without touching the data or the
model's fit.
"""

# %%
# The digits data ("is this an 8?"), split once into a training part (where
# the threshold is learned, by inner cross-validation) and a test part.
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from imbestimators.model_selection import ThresholdTunedClassifier

X, digit = load_digits(return_X_y=True)
y = (digit == 8).astype(int)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, stratify=y, test_size=0.4, random_state=0
)
base = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))

# %%
# Tuning for F1
# -------------
# The search is exact: every distinct out-of-fold score is a candidate.
from sklearn.metrics import f1_score

for_f1 = ThresholdTunedClassifier(base, objective="f1", pos_label=1, random_state=0)
for_f1.fit(X_train, y_train)
untouched = base.fit(X_train, y_train)
print(f"threshold learned for F1: {for_f1.best_threshold_:.3f}")
print(f"test F1 at 0.5:           {f1_score(y_test, untouched.predict(X_test)):.3f}")
print(f"test F1 tuned:            {f1_score(y_test, for_f1.predict(X_test)):.3f}")

# %%
# Tuning for a cost
# -----------------
# Say a missed 8 costs ten times a false alarm. The objective ``'cost'`` is
# minus the expected cost per sample; theory says the best threshold of a
# calibrated model is ``c_fp / (c_fp + c_fn) = 1/11``.
from sklearn.metrics import confusion_matrix

costs = {"fp": 1.0, "fn": 10.0}
for_cost = ThresholdTunedClassifier(
    base, objective="cost", cost_matrix=costs, pos_label=1, random_state=0
).fit(X_train, y_train)
print(f"threshold learned for cost: {for_cost.best_threshold_:.3f} (1/11 = 0.091)")


def cost_per_sample(y_true, y_pred):
    _tn, fp, fn, _tp = confusion_matrix(y_true, y_pred).ravel()
    return (costs["fp"] * fp + costs["fn"] * fn) / len(y_true)


print(f"test cost at 0.5:  {cost_per_sample(y_test, untouched.predict(X_test)):.3f}")
print(f"test cost tuned:   {cost_per_sample(y_test, for_cost.predict(X_test)):.3f}")

# %%
# The objectives against the threshold, on the pooled out-of-fold scores of
# the training part (``cv_results_``), with the learned thresholds marked.
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
for ax, tuned, label in [(left, for_f1, "F1"), (right, for_cost, "- cost per sample")]:
    results = tuned.cv_results_
    ax.plot(results["thresholds"], results["scores"])
    ax.axvline(tuned.best_threshold_, color="tab:red", ls="--", label="learned")
    ax.axvline(0.5, color="grey", ls=":", label="0.5")
    ax.set(xlabel="threshold", ylabel=label, xlim=(0, 1))
    ax.legend()
left.set_title("Tuned for F1")
right.set_title("Tuned for cost (fn = 10 x fp)")
plt.show()

# %%
# The same model, two thresholds, two different answers: the right threshold
# depends on what the decisions are for. Tuning it is cheaper than resampling
# (no refit per candidate) and keeps the model's probabilities calibrated.
