"""Draw the figures of docs/user_guide/threshold_tuning.rst.

Run from the repository root::

    python docs/user_guide/make_threshold_figures.py

It writes ``docs/_static/threshold_tuning_metric.png`` and
``docs/_static/threshold_tuning_cost_curve.png``.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from imblearn.pipeline import make_pipeline
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from imbestimators.model_selection import (
    CostCurveDisplay,
    MetricThresholdDisplay,
    PriorCorrectedClassifier,
    ThresholdTunedClassifier,
)
from imbestimators.under_sampling import RandomUnderSampler

STATIC = Path(__file__).resolve().parents[1] / "_static"


def main():
    X, y = make_classification(
        n_samples=20_000,
        n_features=20,
        n_informative=5,
        n_redundant=0,
        weights=[0.965],
        flip_y=0.01,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    model = PriorCorrectedClassifier(
        make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    )
    tuned = ThresholdTunedClassifier(
        model, objective="recall", constraint=("precision", 0.5), cv=5
    ).fit(X_train, y_train)
    STATIC.mkdir(parents=True, exist_ok=True)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    MetricThresholdDisplay.from_estimator(tuned, ax=ax, name="out-of-fold recall")
    ax.set_xlim(0, 1)
    ax.set_title("Maximize recall subject to precision >= 0.5")
    fig.tight_layout()
    fig.savefig(STATIC / "threshold_tuning_metric.png", dpi=100)

    fig, ax = plt.subplots(figsize=(6, 4.5))
    CostCurveDisplay.from_estimator(tuned, X_test, y_test, ax=ax)
    ax.set_title("Cost curve on held-out data")
    fig.tight_layout()
    fig.savefig(STATIC / "threshold_tuning_cost_curve.png", dpi=100)
    print(
        f"threshold {tuned.best_threshold_:.3f}, out-of-fold recall "
        f"{tuned.best_score_:.3f}, precision {tuned.constraint_score_:.3f}"
    )


if __name__ == "__main__":
    main()
