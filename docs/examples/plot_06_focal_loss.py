"""
==========
Focal loss
==========

The focal loss down-weights the samples a network already classifies well,
so that training concentrates on the hard ones. This example trains the same
small network with cross-entropy (``gamma=0``) and with the focal loss
(``gamma=2``) on an imbalanced problem and compares them fairly: same
architecture, same training rows. It needs the ``torch`` extra and says so without it.
"""

# %%
# An imbalanced problem with a non-linear boundary: 8 % positives.
from sklearn.datasets import make_classification

X, y = make_classification(
    n_samples=1200,
    n_features=10,
    n_informative=6,
    n_clusters_per_class=2,
    weights=[0.92],
    class_sep=1.5,
    random_state=0,
)
print("positives:", int(y.sum()), "of", len(y))

# %%
# Test-set probabilities of three networks trained on the same half of the
# data: cross-entropy, focal loss, and focal loss with class-balanced weights
# (Cui et al., 2019).
try:
    from imbestimators.neural import FocalLossMLPClassifier
except ImportError as exc:  # the torch extra is not installed
    FocalLossMLPClassifier = None
    print(f"Skipped: {exc}")

if FocalLossMLPClassifier is not None:
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    variants = {
        "cross-entropy (gamma=0)": {"gamma": 0.0},
        "focal (gamma=2)": {"gamma": 2.0},
        "focal + effective-number weights": {
            "gamma": 2.0,
            "class_weight": "effective_number",
        },
    }
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, test_size=0.5, random_state=0
    )
    proba = {}
    for name, params in variants.items():
        network = FocalLossMLPClassifier(
            hidden_layer_sizes=(32,), max_epochs=100, random_state=0, **params
        )
        model = make_pipeline(StandardScaler(), network)
        proba[name] = model.fit(X_train, y_train).predict_proba(X_test)[:, 1]

# %%
# Precision-recall curves, average precision and F1 at the default threshold.
if FocalLossMLPClassifier is not None:
    import matplotlib.pyplot as plt
    from sklearn.metrics import (
        PrecisionRecallDisplay,
        average_precision_score,
        f1_score,
    )

    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    for name, p in proba.items():
        PrecisionRecallDisplay.from_predictions(y_test, p, name=name, ax=ax)
        print(
            f"{name:>34}: average precision "
            f"{average_precision_score(y_test, p):.3f}, "
            f"F1 at 0.5 {f1_score(y_test, p >= 0.5):.3f}, "
            f"mean score of the positives {p[y_test == 1].mean():.2f}"
        )
    ax.set_title("Same network, three losses (test set)")
    ax.legend(loc="lower left", fontsize="small")
    plt.show()

# %%
# The focal loss moves the *scores* more than their *ranking*: the positives'
# mean score rises, many of them cross the 0.5 threshold and F1 at 0.5 jumps,
# while the average precision (the ranking) improves much less. Part of the
# gain is therefore a threshold effect: before adopting a new loss, check
# whether a tuned threshold on the plain network
# (:class:`~imbestimators.model_selection.ThresholdTunedClassifier`) does as
# well. ``imbestimators compare`` runs this comparison on your data.
