"""ThresholdTunedClassifier against scikit-learn's TunedThresholdClassifierCV,
and the Brier score of prior-corrected under-sampling, in the same process.

Run on demand (not in CI)::

    python benchmarks/bench_threshold.py                        # n = 10k, 100k, 1M
    python benchmarks/bench_threshold.py --sizes 10000 100000   # quicker

Data: ``make_classification`` with 3.5 % positives, 20 features (5
informative, 2 clusters per class), 1 % label noise; a held-out set of
``--test-size`` rows from the same draw. Both tuners wrap the same
``LogisticRegression`` with the same ``StratifiedKFold(5, shuffle=True)`` and
maximize F1; scikit-learn searches its default 100-point grid, we search every
distinct out-of-fold score. Printed per size: the best-of-``--repeats`` wall
time of each and their ratio (ours / scikit-learn's, < 1 means we are faster),
the chosen thresholds (seed 0), and the held-out F1 of each averaged over
``--seeds`` cv shuffles (with the number of seeds where ours is >= theirs):
one threshold choice is noisy, several show whether a difference is real.

Second table: ``RandomUnderSampler`` + ``LogisticRegression`` in an
imbalanced-learn pipeline, raw and wrapped in ``PriorCorrectedClassifier``
(analytic correction, and with ``calibration='sigmoid'`` or ``'isotonic'``),
against the same
logistic regression trained without resampling: held-out Brier score, mean
predicted probability, and the ratio of the corrected Brier to the plain one.
On the same make_classification data, and on two Gaussian classes with a
shared covariance, where logistic regression is well specified: the analytic
correction is exact only for a well-specified model. The ROC AUC of the plain
and the under-sampled model tells whether a remaining Brier gap is ranking
(which no correction of probabilities removes) or calibration (which the
cross-validated recalibration removes).
"""

import argparse
import gc
import time

import numpy as np
from imblearn.pipeline import make_pipeline
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

from imbestimators.model_selection import (
    PriorCorrectedClassifier,
    ThresholdTunedClassifier,
)
from imbestimators.under_sampling import RandomUnderSampler


def make_data(n_train, n_test):
    X, y = make_classification(
        n_samples=n_train + n_test,
        n_features=20,
        n_informative=5,
        n_redundant=0,
        weights=[0.965],
        flip_y=0.01,
        random_state=0,
    )
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def timed(make, X, y, repeats):
    """Best-of-``repeats`` fit time and the last fitted model."""
    best = np.inf
    for _ in range(repeats):
        model = make()
        gc.collect()
        start = time.perf_counter()
        model.fit(X, y)
        best = min(best, time.perf_counter() - start)
    return best, model


def tuners(seed):
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)

    def ours():
        return ThresholdTunedClassifier(LogisticRegression(), objective="f1", cv=cv)

    def theirs():
        return TunedThresholdClassifierCV(LogisticRegression(), scoring="f1", cv=cv)

    return ours, theirs


def bench_tuning(n, X, y, X_test, y_test, repeats, n_seeds):
    """Time on the first cv seed; held-out F1 averaged over ``n_seeds`` seeds."""
    ours, theirs = tuners(0)
    t_theirs, m_theirs = timed(theirs, X, y, repeats)
    t_ours, m_ours = timed(ours, X, y, repeats)
    lo, hi = m_ours.best_threshold_interval_
    f1_ours = [f1_score(y_test, m_ours.predict(X_test))]
    f1_theirs = [f1_score(y_test, m_theirs.predict(X_test))]
    for seed in range(1, n_seeds):
        ours, theirs = tuners(seed)
        f1_ours.append(f1_score(y_test, ours().fit(X, y).predict(X_test)))
        f1_theirs.append(f1_score(y_test, theirs().fit(X, y).predict(X_test)))
    wins = sum(a >= b for a, b in zip(f1_ours, f1_theirs))
    print(
        f"{n:>9,d} | {t_ours:8.2f} | {t_theirs:8.2f} | {t_ours / t_theirs:5.2f} | "
        f"{m_ours.best_threshold_:.4f} [{lo:.3f}, {hi:.3f}] | "
        f"{m_theirs.best_threshold_:.4f} | {np.mean(f1_ours):.4f} | "
        f"{np.mean(f1_theirs):.4f} | {np.mean(f1_ours) - np.mean(f1_theirs):+.4f} | "
        f"{wins}/{n_seeds}",
        flush=True,
    )


def make_gaussian(n_train, n_test):
    """Two Gaussian classes with a shared covariance: the log-odds are linear,
    so logistic regression is well specified (make_classification's clusters
    make it misspecified)."""
    rng = np.random.default_rng(0)
    n = n_train + n_test
    y = (rng.random(n) < 0.035).astype(int)
    X = rng.normal(size=(n, 20))
    X[:, :5] += np.array([1.5, 1.0, 0.8, 0.5, 0.3]) * y[:, None]
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def bench_prior(name, n, X, y, X_test, y_test):
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    models = {
        "plain": LogisticRegression(),
        "under-sampled": pipe,
        "corrected": PriorCorrectedClassifier(pipe),
        "corrected+sigmoid": PriorCorrectedClassifier(pipe, calibration="sigmoid"),
        "corrected+isotonic": PriorCorrectedClassifier(pipe, calibration="isotonic"),
    }
    brier, mean, auc = {}, {}, {}
    for key, model in models.items():
        proba = model.fit(X, y).predict_proba(X_test)[:, 1]
        brier[key] = brier_score_loss(y_test, proba)
        mean[key] = proba.mean()
        auc[key] = roc_auc_score(y_test, proba)
    print(
        f"{name:>19} | {n:>9,d} | {y_test.mean():.4f} | "
        + " | ".join(f"{brier[k]:.4f} ({mean[k]:.3f})" for k in models)
        + f" | {brier['corrected'] / brier['plain']:.3f}"
        + f" | {brier['corrected+sigmoid'] / brier['plain']:.3f}"
        + f" | {brier['corrected+isotonic'] / brier['plain']:.3f}"
        + f" | {auc['plain']:.4f} / {auc['under-sampled']:.4f}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000]
    )
    parser.add_argument("--test-size", type=int, default=200_000)
    parser.add_argument(
        "--repeats", type=int, default=0, help="timing repeats (0: 3 below 1M, else 1)"
    )
    parser.add_argument(
        "--seeds", type=int, default=0, help="cv seeds for F1 (0: 5 below 1M, else 1)"
    )
    args = parser.parse_args()
    data = {n: make_data(n, args.test_size) for n in args.sizes}
    # warm-up: imports, joblib and BLAS start-up are not part of either time
    warm = make_data(2_000, 500)
    ThresholdTunedClassifier(LogisticRegression()).fit(*warm[:2])
    TunedThresholdClassifierCV(LogisticRegression()).fit(*warm[:2])

    print("\nThreshold tuning, F1, LogisticRegression, StratifiedKFold(5)")
    print(
        "  n train | ours (s) | sklearn  | ratio | our threshold [fold range] | "
        "sklearn thr | F1 ours | F1 sklearn | diff"
    )
    for n in args.sizes:
        large = n >= 1_000_000
        repeats = args.repeats or (1 if large else 3)
        seeds = args.seeds or (1 if large else 5)
        bench_tuning(n, *data[n], repeats, seeds)

    print("\nPrior correction of RandomUnderSampler + LogisticRegression")
    print(
        "               data |   n train | prevalence | Brier (mean proba): plain | "
        "under-sampled | corrected | corrected+sigmoid | corrected+isotonic | "
        "corrected/plain | sigmoid/plain | isotonic/plain | "
        "ROC AUC plain / under-sampled"
    )
    for n in args.sizes:
        bench_prior("make_classification", n, *data[n])
        bench_prior("gaussian", n, *make_gaussian(n, args.test_size))


if __name__ == "__main__":
    main()
