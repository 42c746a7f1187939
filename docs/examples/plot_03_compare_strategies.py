"""
=================================================
Comparing strategies with precision-recall curves
=================================================

Over-sampling, under-sampling and class weights, side by side on the same
cross-validation folds, judged by their precision-recall curves. A curve
shows every trade-off between finding positives (recall) and being right
when flagging one (precision), whatever the decision threshold.
"""

# %%
# The digits data ("is this an 8?") and one pipeline per strategy, built with
# imbalanced-learn's Pipeline so that only the training folds are resampled.
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import StandardScaler

from imbestimators.over_sampling import ADASYN, SMOTE, RandomOverSampler
from imbestimators.pipeline import make_pipeline
from imbestimators.under_sampling import RandomUnderSampler, TomekLinks

X, digit = load_digits(return_X_y=True)
y = (digit == 8).astype(int)


def model(*samplers, **lr_params):
    return make_pipeline(
        StandardScaler(), *samplers, LogisticRegression(max_iter=1000, **lr_params)
    )


strategies = {
    "none": model(),
    "class_weight='balanced'": model(class_weight="balanced"),
    "RandomOverSampler": model(RandomOverSampler(random_state=0)),
    "SMOTE": model(SMOTE(random_state=0)),
    "ADASYN": model(ADASYN(random_state=0)),
    "RandomUnderSampler": model(RandomUnderSampler(random_state=0)),
    "TomekLinks": model(TomekLinks()),
}

# %%
# Out-of-fold probabilities: every image is scored by a model that did not see
# it. The same folds for every strategy.
cv = StratifiedKFold(5, shuffle=True, random_state=0)
proba = {
    name: cross_val_predict(pipe, X, y, cv=cv, method="predict_proba")[:, 1]
    for name, pipe in strategies.items()
}

# %%
# Precision-recall curves, with average precision (the area under the curve)
# and F1 at the default threshold of 0.5.
import matplotlib.pyplot as plt
from sklearn.metrics import PrecisionRecallDisplay, f1_score

fig, ax = plt.subplots(figsize=(7, 5.5), layout="constrained")
for name, p in proba.items():
    PrecisionRecallDisplay.from_predictions(y, p, name=name, ax=ax)
    print(f"{name:>24}: F1 at 0.5 = {f1_score(y, p >= 0.5):.3f}")
ax.set_title("Out-of-fold precision-recall curves")
ax.legend(loc="lower left", fontsize="small")
plt.show()

# %%
# The curves nearly coincide, and random under-sampling (which throws away
# most of the majority rows) is below the rest: resampling and weights mostly
# *move along* the curve — they change where the 0.5 threshold falls, raising
# recall at the cost of precision — rather than lifting it. That is why F1 at
# 0.5 differs much more between strategies than average precision does, and
# why tuning the threshold of the untouched model (see
# :ref:`sphx_glr_auto_examples_plot_05_threshold_tuning.py`) is often as good
# as any resampling.
#
# ``imbestimators compare`` runs this comparison for every strategy of the
# library, with repeated folds and a significance test, on your own CSV file.
