"""
=================
The accuracy trap
=================

On imbalanced data a model that never predicts the minority class looks
excellent by accuracy. This example shows the trap on the handwritten digits
of scikit-learn ("is this an 8?", about one image in ten) and the metrics that
see through it.
"""

# %%
# The data: 174 eights among 1797 images.
from collections import Counter

import numpy as np
from sklearn.datasets import load_digits

X, digit = load_digits(return_X_y=True)
y = (digit == 8).astype(int)
print(Counter(y.tolist()))

# %%
# A model that always answers "not an 8", and a logistic regression, scored by
# cross-validation with accuracy and with imbalance-aware metrics.
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

models = {
    "always 'not 8'": DummyClassifier(strategy="most_frequent"),
    "logistic regression": make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000)
    ),
}
metrics = ["accuracy", "balanced_accuracy", "recall", "f1", "average_precision"]
cv = StratifiedKFold(5, shuffle=True, random_state=0)
scores = {
    name: {
        m: cross_validate(model, X, y, cv=cv, scoring=m)["test_score"].mean()
        for m in metrics
    }
    for name, model in models.items()
}
for name, row in scores.items():
    print(f"{name:>20}: " + ", ".join(f"{m} {v:.3f}" for m, v in row.items()))

# %%
# Accuracy gives the useless model 0.90 — only a few points below the real
# one. Balanced accuracy (the mean recall of the two classes), recall, F1 and
# the area under the precision-recall curve (average precision) put it where
# it belongs: at chance.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
width = 0.38
positions = np.arange(len(metrics))
for k, (name, row) in enumerate(scores.items()):
    ax.bar(positions + (k - 0.5) * width, list(row.values()), width, label=name)
ax.set_xticks(positions, metrics, rotation=15)
ax.set_ylim(0, 1.05)
ax.set_title("Cross-validated scores: accuracy hides the useless model")
ax.legend(loc="upper right")
plt.show()

# %%
# Per class, :func:`~imbestimators.metrics.imbalanced_classification_report`
# puts recall (sensitivity), specificity, F1, the G-mean and the index balanced
# accuracy side by side for the out-of-fold predictions of the real model.
from sklearn.model_selection import cross_val_predict

from imbestimators.metrics import imbalanced_classification_report

y_pred = cross_val_predict(models["logistic regression"], X, y, cv=cv)
print(imbalanced_classification_report(y, y_pred, target_names=["other", "eight"]))

# %%
# Take-aways: report recall, precision, F1 or balanced accuracy for
# decisions, and average precision (PR-AUC) for the ranking of the scores;
# accuracy alone is never enough when one class is rare.
