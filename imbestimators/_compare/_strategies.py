"""The strategies that compare puts side by side, discovered from what is installed.

Each strategy wraps the same model (the data's preprocessing, then a
LogisticRegression) so that only the way of handling the imbalance differs.
Strategies come from the library's subpackages through imports guarded by
``ImportError``: a subpackage that is missing (or torch, for the focal-loss MLP)
removes its strategies, never the command.
"""

import importlib
from dataclasses import dataclass

from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from imbestimators._compare._errors import CompareError
from imbestimators.pipeline import Pipeline

__all__ = ["Strategy", "available_strategies", "select_strategies"]

# the classifier every strategy shares; lbfgs converges on scaled data well
# within 1000 iterations
_CLASSIFIER = LogisticRegression(max_iter=1000)

# (module, class, family, simplicity, heavy, parameters); simplicity orders the
# strategies when their scores tie (lower is simpler to explain and to run);
# heavy ones are skipped on large data unless named in --strategies
_SAMPLERS = [
    ("over_sampling", "RandomOverSampler", "over-sampling", 3, False, {}),
    ("over_sampling", "SMOTE", "over-sampling", 4, False, {}),
    ("over_sampling", "BorderlineSMOTE", "over-sampling", 4, False, {}),
    ("over_sampling", "ADASYN", "over-sampling", 4, False, {}),
    ("under_sampling", "RandomUnderSampler", "under-sampling", 3, False, {}),
    ("under_sampling", "NearMiss", "under-sampling", 4, False, {}),
    ("under_sampling", "TomekLinks", "under-sampling", 4, False, {}),
    ("under_sampling", "EditedNearestNeighbours", "under-sampling", 4, False, {}),
    (
        "under_sampling",
        "RepeatedEditedNearestNeighbours",
        "under-sampling",
        4,
        True,
        {},
    ),
    ("under_sampling", "AllKNN", "under-sampling", 4, True, {}),
    ("under_sampling", "OneSidedSelection", "under-sampling", 4, False, {}),
    ("under_sampling", "NeighbourhoodCleaningRule", "under-sampling", 4, False, {}),
    ("under_sampling", "CondensedNearestNeighbour", "under-sampling", 5, True, {}),
    (
        "under_sampling",
        "InstanceHardnessThreshold",
        "under-sampling",
        5,
        True,
        # the shared classifier rather than the default 100-tree forest per fold
        {"estimator": LogisticRegression(max_iter=1000)},
    ),
    ("under_sampling", "ClusterCentroids", "under-sampling", 5, True, {}),
    ("combine", "SMOTETomek", "combination", 5, False, {}),
    ("combine", "SMOTEENN", "combination", 5, False, {}),
    # an SVC fit grows with the square of the rows: heavy
    ("over_sampling", "SVMSMOTE", "over-sampling", 5, True, {}),
    ("over_sampling", "KMeansSMOTE", "over-sampling", 5, False, {}),
    # SMOTEN is left out: compare one-hot encodes nominal columns and scales
    # numeric ones, so its input is never the nominal-only table SMOTEN is for
]

# (class, simplicity, heavy, whether the shared classifier is the member):
# balanced ensembles replace the classifier by an ensemble of members, each fit
# on its own balanced under-sample; EasyEnsemble fits 10 AdaBoost ensembles of
# 50 learners per fold, too slow on large data unless named
_ENSEMBLES = [
    ("BalancedBaggingClassifier", 5, False, True),
    ("BalancedRandomForestClassifier", 5, False, False),
    ("RUSBoostClassifier", 5, False, False),
    ("EasyEnsembleClassifier", 6, True, False),
]

# sample-weight schemes of imbestimators.class_weight, applied per training fold
_WEIGHT_SCHEMES = [("inverse_sqrt", 1), ("effective_number", 1)]

# objectives of ThresholdTunedClassifier: the two decision metrics of the table
# that a threshold can trade (recall or precision alone have trivial optima)
_THRESHOLD_OBJECTIVES = ["f1", "balanced_accuracy"]


@dataclass(frozen=True)
class Strategy:
    """One way of handling the imbalance, as an unfitted estimator.

    Attributes
    ----------
    name : str
        Name shown in the table and accepted by ``--strategies``.
    family : str
        Group name, also accepted by ``--strategies``.
    estimator : estimator object
        Unfitted; cloned for every fold.
    simplicity : int
        Lower is simpler; breaks ties in the recommendation.
    weight_scheme : str or None
        Scheme of :func:`imbestimators.class_weight.compute_sample_weight`
        whose weights, computed on each training fold, are passed to the
        classifier's ``fit``.
    binary_only : bool
        Whether the strategy needs a binary target.
    heavy : bool
        Whether it is slow on large data (skipped there unless named).
    """

    name: str
    family: str
    estimator: object
    simplicity: int
    weight_scheme: str | None = None
    binary_only: bool = False
    heavy: bool = False


def _pipeline(preprocessor, classifier, sampler=None):
    steps = [("preprocess", clone(preprocessor))]
    if sampler is not None:
        steps.append(("sampler", sampler))
    steps.append(("classifier", classifier))
    return Pipeline(steps)


def _import(module, name):
    try:
        return getattr(importlib.import_module(f"imbestimators.{module}"), name)
    except (ImportError, AttributeError):
        return None


def _with_seed(estimator, random_state):
    if "random_state" in estimator.get_params(deep=False):
        estimator.set_params(random_state=random_state)
    return estimator


def _baselines(preprocessor, random_state):
    yield Strategy("none", "baseline", _pipeline(preprocessor, clone(_CLASSIFIER)), 0)
    balanced = clone(_CLASSIFIER).set_params(class_weight="balanced")
    yield Strategy(
        "class_weight=balanced", "class weights", _pipeline(preprocessor, balanced), 1
    )
    if _import("class_weight", "compute_sample_weight") is not None:
        for scheme, simplicity in _WEIGHT_SCHEMES:
            yield Strategy(
                f"class_weight={scheme}",
                "class weights",
                _pipeline(preprocessor, clone(_CLASSIFIER)),
                simplicity,
                weight_scheme=scheme,
            )


def _samplers(preprocessor, random_state):
    for module, name, family, simplicity, heavy, params in _SAMPLERS:
        Sampler = _import(module, name)
        if Sampler is None:
            continue
        sampler = _with_seed(Sampler(**params), random_state)
        yield Strategy(
            name,
            family,
            _pipeline(preprocessor, clone(_CLASSIFIER), sampler),
            simplicity,
            heavy=heavy,
        )


def _ensembles(preprocessor, random_state):
    for name, simplicity, heavy, shared_member in _ENSEMBLES:
        Ensemble = _import("ensemble", name)
        if Ensemble is None:
            continue
        ensemble = _with_seed(Ensemble(), random_state)
        if shared_member:
            ensemble.set_params(estimator=clone(_CLASSIFIER))
        yield Strategy(
            name,
            "ensemble",
            _pipeline(preprocessor, ensemble),
            simplicity,
            heavy=heavy,
        )


def _threshold_tuning(preprocessor, pos_label, random_state):
    Tuned = _import("model_selection", "ThresholdTunedClassifier")
    if Tuned is None:
        return
    for objective in _THRESHOLD_OBJECTIVES:
        # the rule is learned on out-of-fold scores of the training fold only,
        # so the outer test fold stays unseen
        tuned = Tuned(
            _pipeline(preprocessor, clone(_CLASSIFIER)),
            objective=objective,
            pos_label=pos_label,
            random_state=random_state,
        )
        yield Strategy(f"threshold={objective}", "threshold tuning", tuned, 2)


# (strategy name, base strategy it corrects, simplicity): resampling and weights
# that change the prior the model learns under
_PRIOR_CORRECTED = [
    ("class_weight=balanced", 2),
    ("RandomUnderSampler", 4),
    ("SMOTE", 5),
]

# a small, fast network: the comparison must stay a few minutes on two cores
_MLP_PARAMS = {"hidden_layer_sizes": (64,), "max_epochs": 25}
# (name, gamma, class_weight, simplicity): the network changes the model, not only the
# handling of the imbalance, so the plain cross-entropy MLP (gamma=0) is the
# baseline the focal variants are to be read against
_MLP_VARIANTS = [
    ("MLP", 0.0, None, 6),
    ("FocalLossMLP", 2.0, None, 7),
    ("FocalLossMLP+class_weight=effective_number", 2.0, "effective_number", 7),
]


def _prior_correction(strategies, random_state):
    Corrected = _import("model_selection", "PriorCorrectedClassifier")
    if Corrected is None:
        return
    by_name = {s.name: s for s in strategies}
    for base, simplicity in _PRIOR_CORRECTED:
        if base not in by_name:
            continue
        # the fitted prior is read from the pipeline's sampler or class_weight;
        # the corrected probabilities reflect the training fold's class shares
        yield Strategy(
            f"{base}+prior_correction",
            "prior correction",
            Corrected(clone(by_name[base].estimator)),
            simplicity,
        )


def _neural(preprocessor, random_state):
    MLP = _import("neural", "FocalLossMLPClassifier")
    if MLP is None:  # torch or skorch missing
        return
    for name, gamma, class_weight, simplicity in _MLP_VARIANTS:
        mlp = MLP(
            **_MLP_PARAMS,
            gamma=gamma,
            class_weight=class_weight,
            random_state=random_state,
        )
        yield Strategy(
            name,
            "neural network",
            _pipeline(preprocessor, mlp),
            simplicity,
            heavy=True,
        )


def available_strategies(preprocessor, *, pos_label=None, random_state=0):
    """Every strategy the installed library offers, simplest first.

    Parameters
    ----------
    preprocessor : transformer
        First step of every pipeline (cloned).
    pos_label : label, default=None
        Positive class of a binary target (None for multiclass).
    random_state : int, default=0
        Seed of every randomised sampler and estimator.

    Returns
    -------
    list of Strategy
    """
    strategies = [
        *_baselines(preprocessor, random_state),
        *_threshold_tuning(preprocessor, pos_label, random_state),
        *_samplers(preprocessor, random_state),
        *_ensembles(preprocessor, random_state),
    ]
    strategies += _prior_correction(strategies, random_state)
    strategies += _neural(preprocessor, random_state)
    return sorted(strategies, key=lambda s: s.simplicity)


def select_strategies(strategies, wanted=None, *, binary=True, large=False):
    """The strategies to run, with a note for each one left out.

    Parameters
    ----------
    strategies : list of Strategy
    wanted : list of str or None
        Names or families (case-insensitive); None keeps every strategy that
        suits the data.
    binary : bool
        Whether the target is binary; binary-only strategies are dropped
        otherwise.
    large : bool
        Whether the data is large: heavy strategies are then dropped unless
        named.

    Returns
    -------
    selected : list of Strategy
    notes : list of str
    """
    notes = []
    if wanted is not None:
        strategies = _filter_named(strategies, wanted)
    selected = []
    for strategy in strategies:
        if strategy.binary_only and not binary:
            notes.append(f"{strategy.name} skipped: it needs a binary target")
        elif strategy.heavy and large and wanted is None:
            notes.append(
                f"{strategy.name} skipped: slow on data this large; name it in "
                "--strategies to run it"
            )
        else:
            selected.append(strategy)
    return selected, notes


def _filter_named(strategies, wanted):
    keys = {w.strip().lower() for w in wanted if w.strip()}
    known = {s.name.lower() for s in strategies} | {
        s.family.lower() for s in strategies
    }
    unknown = sorted(keys - known)
    if unknown:
        names = ", ".join(s.name for s in strategies)
        families = ", ".join(dict.fromkeys(s.family for s in strategies))
        raise CompareError(
            f"--strategies: unknown {', '.join(map(repr, unknown))}; available "
            f"strategies: {names}; families: {families}."
        )
    return [s for s in strategies if s.name.lower() in keys or s.family.lower() in keys]
