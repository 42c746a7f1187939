"""The space of ImbalanceStrategySearchCV: strategies, their candidates, their models.

A *strategy* is one way of handling the imbalance (no treatment, a class-weight
scheme, a sampler, a balanced ensemble); a *candidate* is a strategy with its
parameters drawn (the sampler's ratio, the effective-number ``beta``, prior
correction or not). Candidates are plain dicts, so that ``cv_results_`` reads
like scikit-learn's, and :func:`build_candidate` turns one into an unfitted
estimator around the user's classifier.

The list of samplers, their simplicity order and their "heavy" flag are the
``compare`` command's (:mod:`imbestimators._compare._strategies`), imported
rather than copied so that both rank strategies the same way.
"""

import importlib
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    clone,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from imbestimators._compare._strategies import _ENSEMBLES, _SAMPLERS

try:  # our Pipeline (samplers act at fit time only), else imbalanced-learn's
    from imbestimators.pipeline import Pipeline as _SamplerPipeline
except ImportError:  # pragma: no cover - before imbestimators.pipeline existed
    from imblearn.pipeline import Pipeline as _SamplerPipeline

__all__ = [
    "AUTO_STRATEGIES",
    "LARGE_DATA_ROWS",
    "StrategySpec",
    "build_candidate",
    "draw_candidates",
    "resolve_strategies",
]

#: the default space: cheap strategies that are often the strongest (random
#: resampling, SMOTE, class weights) and the cleaning rules that scale
AUTO_STRATEGIES = (
    "none",
    "class_weight=balanced",
    "class_weight=inverse_sqrt",
    "class_weight=effective_number",
    "RandomUnderSampler",
    "RandomOverSampler",
    "SMOTE",
    "TomekLinks",
    "EditedNearestNeighbours",
    "NeighbourhoodCleaningRule",
)

#: above this many rows, strategies='all' (and ``imbestimators compare``)
#: leaves out the heavy strategies unless they are named: an SVC per fit
#: (SVMSMOTE), repeated or iterated k-NN passes, 10 boosted ensembles...
LARGE_DATA_ROWS = 50_000

# samplers whose float sampling_strategy is a minority/majority ratio after
# resampling; cleaning rules only take named targets, so nothing is searched
_RATIO_FAMILIES = ("over-sampling", "under-sampling", "combination")
_CLEANING = {
    "TomekLinks",
    "EditedNearestNeighbours",
    "RepeatedEditedNearestNeighbours",
    "AllKNN",
    "OneSidedSelection",
    "NeighbourhoodCleaningRule",
    "CondensedNearestNeighbour",
    "InstanceHardnessThreshold",
}
# (scheme, simplicity): compare's order (class weights are the simplest fix)
_WEIGHT_SCHEMES = (("balanced", 1), ("inverse_sqrt", 1), ("effective_number", 1))
# effective_number's beta = 1 - 10**-u, u drawn in this range (0.9 ... 0.9999,
# Cui et al. 2019 use 0.9 to 0.9999)
_BETA_EXPONENTS = (1.0, 4.0)
# the lowest ratio drawn is this multiple of the data's own minority/majority
# ratio, so that every training fold can still be resampled to it
_RATIO_MARGIN = 1.25


@dataclass(frozen=True)
class StrategySpec:
    """One strategy of the space.

    Attributes
    ----------
    name : str
        Shown in ``cv_results_['strategy']`` and accepted in ``strategies``.
    family : str
        ``'baseline'``, ``'class weights'``, a sampler family or
        ``'ensemble'``.
    kind : {'none', 'weight', 'sampler', 'ensemble'}
    simplicity : int
        Lower is simpler; a simpler strategy wins a statistical tie.
    template : object
        The weight scheme's name, or an unfitted sampler or ensemble.
    ratio : None, 'auto', tuple (low, high) or list of float
        The values searched for ``sampling_strategy`` (a float ratio).
    heavy : bool
        Slow on large data: left out of ``'all'`` above
        :data:`LARGE_DATA_ROWS` rows unless named (never in ``'auto'``).
    member : bool
        For ensembles: whether the user's classifier is their member.
    """

    name: str
    family: str
    kind: str
    simplicity: int
    template: object = None
    ratio: object = None
    heavy: bool = False
    member: bool = False


def _import(module, name):
    try:
        return getattr(importlib.import_module(f"imbestimators.{module}"), name)
    except (ImportError, AttributeError):  # a subpackage not there (yet)
        return None


def _final_step(estimator):
    """(step name or None, final classifier) of a classifier or a pipeline."""
    steps = getattr(estimator, "steps", None)
    if steps is None:
        return None, estimator
    return steps[-1][0], steps[-1][1]


def _weightable(final):
    params = final.get_params(deep=False)
    return "class_weight" in params or has_fit_parameter(final, "sample_weight")


def available_strategies(estimator):
    """Every strategy the installed library offers for ``estimator``."""
    _, final = _final_step(estimator)
    specs = [StrategySpec("none", "baseline", "none", 0)]
    if _weightable(final):
        specs += [
            StrategySpec(f"class_weight={scheme}", "class weights", "weight", s, scheme)
            for scheme, s in _WEIGHT_SCHEMES
        ]
    for module, name, family, simplicity, heavy, params in _SAMPLERS:
        Sampler = _import(module, name)
        if Sampler is None:
            continue
        ratio = None if name in _CLEANING else "auto"
        specs.append(
            StrategySpec(
                name, family, "sampler", simplicity, Sampler(**params), ratio, heavy
            )
        )
    # compare's table: the same ensembles, simplicity and large-data flag in
    # both tools ('auto' has no ensemble: each fit trains many members)
    for name, simplicity, heavy, member in _ENSEMBLES:
        Ensemble = _import("ensemble", name)
        if Ensemble is not None:
            ratio = "auto" if "sampling_strategy" in Ensemble().get_params() else None
            specs.append(
                StrategySpec(
                    name,
                    "ensemble",
                    "ensemble",
                    simplicity,
                    Ensemble(),
                    ratio,
                    heavy=heavy,
                    member=member,
                )
            )
    return specs


def _spec_from_object(obj, owner):
    if isinstance(obj, type):
        raise TypeError(
            f"{owner}: a strategy object must be an instance, e.g. "
            f"{obj.__name__}(); got the class {obj.__name__}."
        )
    if hasattr(obj, "fit_resample"):
        ratio = None
        if "sampling_strategy" in obj.get_params() and type(obj).__name__ not in (
            _CLEANING
        ):
            ratio = "auto"
        family = getattr(obj, "_sampling_type", "sampler")
        return StrategySpec(type(obj).__name__, family, "sampler", 4, obj, ratio)
    if hasattr(obj, "fit") and hasattr(obj, "predict"):
        ratio = "auto" if "sampling_strategy" in obj.get_params() else None
        return StrategySpec(
            type(obj).__name__, "ensemble", "ensemble", 5, obj, ratio, heavy=True
        )
    raise TypeError(
        f"{owner}: a strategy object must be a sampler (with fit_resample) or a "
        f"classifier such as a balanced ensemble; got {type(obj).__name__}."
    )


def _by_name(key, available, owner):
    wanted = key.strip().lower()
    found = [s for s in available if wanted in (s.name.lower(), s.family.lower())] or [
        s for s in available if s.name.lower() == f"class_weight={wanted}"
    ]
    if not found:
        names = ", ".join(s.name for s in available)
        raise ValueError(
            f"{owner}: unknown strategy {key!r}. Available for this estimator: "
            f"{names}; or 'auto', 'all', a family name, a sampler object, or a dict "
            "{'strategy': ..., 'ratio': ...}."
        )
    return found


def _check_ratio(ratio, owner):
    if ratio is None or ratio == "auto":
        return ratio
    values = np.atleast_1d(np.asarray(ratio, dtype=float))
    ok = values.size > 0 and np.all((values > 0) & (values <= 1))
    if not ok or (isinstance(ratio, tuple) and len(ratio) != 2):
        raise ValueError(
            f"{owner}: a strategy's 'ratio' must be 'auto', None, a (low, high) "
            f"range or a list of minority/majority ratios in (0, 1]; got {ratio!r}."
        )
    return (
        (float(values[0]), float(values[1]))
        if isinstance(ratio, tuple)
        else (values.tolist())
    )


def _spec_from_dict(item, available, owner):
    unknown = set(item) - {"strategy", "ratio"}
    if "strategy" not in item or unknown:
        raise ValueError(
            f"{owner}: a strategy dict has the keys 'strategy' (a name or a "
            f"sampler) and optionally 'ratio'; got keys {sorted(item)}."
        )
    base = item["strategy"]
    if isinstance(base, str):
        specs = _by_name(base, available, owner)
    else:
        specs = [_spec_from_object(base, owner)]
    if "ratio" not in item:
        return specs
    ratio = _check_ratio(item["ratio"], owner)
    return [
        StrategySpec(**{**s.__dict__, "ratio": ratio if s.ratio is not None else None})
        for s in specs
    ]


def resolve_strategies(strategies, estimator, *, owner, n_samples=None):
    """The StrategySpecs named by the ``strategies`` parameter, in given order.

    With ``'all'`` and more than :data:`LARGE_DATA_ROWS` samples, the heavy
    strategies (slow on large data) are left out: name them to include them.

    Parameters
    ----------
    strategies : "auto", "all" or list
        Names (or family names), sampler/ensemble objects, or dicts
        ``{'strategy': name_or_object, 'ratio': ...}``.
    estimator : classifier or pipeline
        Decides whether class-weight strategies apply.
    owner : str
        The estimator's name, for messages.
    n_samples : int, default=None
        The rows of the data, for the large-data rule of ``'all'``.

    Returns
    -------
    list of StrategySpec
        Without duplicate names.
    """
    available = available_strategies(estimator)
    if isinstance(strategies, str):
        if strategies == "all":
            if n_samples is not None and n_samples > LARGE_DATA_ROWS:
                return [s for s in available if not s.heavy]
            return available
        if strategies == "auto":
            auto = [s for s in available if s.name in AUTO_STRATEGIES]
            return auto
        strategies = [strategies]
    specs = []
    for item in strategies:
        if isinstance(item, str):
            specs += _by_name(item, available, owner)
        elif isinstance(item, dict):
            specs += _spec_from_dict(item, available, owner)
        else:
            specs.append(_spec_from_object(item, owner))
    unique = {}
    for spec in specs:
        unique.setdefault(spec.name, spec)
    if not unique:
        raise ValueError(f"{owner}: strategies is empty; name at least one.")
    return list(unique.values())


def _binned_uniform(low, high, n, rng):
    """``n`` draws, one uniform in each of ``n`` equal bins of [low, high].

    Stratified draws cover a range evenly with few candidates, where plain
    uniform draws often cluster.
    """
    edges = np.linspace(low, high, n + 1)
    return edges[:-1] + rng.uniform(size=n) * np.diff(edges)


def _ratios(spec, n_candidates, data_ratio, rng, top):
    if spec.ratio is None or data_ratio is None:
        return [None]
    if isinstance(spec.ratio, list):
        return spec.ratio
    if spec.ratio == "auto":
        low, high = min(1.0, _RATIO_MARGIN * data_ratio), 1.0
    else:
        low, high = spec.ratio
    if low >= high:
        # already balanced: no ratio to search, the sampler's default applies
        return [None]
    if not top and n_candidates == 1:
        return [high]
    # log-uniform: going from 1:100 to 1:50 matters as much as 1:2 to 1:1.
    # With `top`, the range's top (1.0: the classes balanced, every sampler's
    # default) is one of the candidates, so that the space holds the sampler
    # as it is usually used, and the others are drawn below it
    n_drawn = n_candidates - 1 if top else n_candidates
    logs = _binned_uniform(np.log(low), np.log(high), n_drawn, rng)
    drawn = sorted(float(r) for r in np.exp(logs))
    return [*drawn, float(high)] if top else drawn


def _betas(n_candidates, rng):
    exponents = _binned_uniform(*_BETA_EXPONENTS, n_candidates, rng)
    return sorted(float(1.0 - 10.0 ** (-u)) for u in exponents)


def draw_candidates(specs, *, n_candidates, data_ratio, prior_options, rng, top=False):
    """The candidates of every strategy, as parameter dicts.

    Parameters
    ----------
    specs : list of StrategySpec
    n_candidates : int
        Values drawn per continuous parameter (ratio, beta).
    data_ratio : float or None
        The data's minority/majority ratio for two classes; None for more
        classes (a float ``sampling_strategy`` needs two classes).
    prior_options : list of bool
        Whether each candidate is also tried with prior correction.
    rng : RandomState
    top : bool, default=False
        Whether the top of a ratio range is one of the ``n_candidates``
        ratios (the others drawn below it); otherwise all are drawn.

    Returns
    -------
    list of dict
        Keys ``strategy``, ``ratio``, ``beta``, ``prior_correction``.
    """
    candidates = []
    for spec in specs:
        betas = [None]
        if spec.kind == "weight" and spec.template == "effective_number":
            betas = _betas(n_candidates, rng)
        ratios = _ratios(spec, n_candidates, data_ratio, rng, top)
        # no treatment has no prior to correct
        priors = [False] if spec.kind == "none" else prior_options
        candidates += [
            {"strategy": spec.name, "ratio": r, "beta": b, "prior_correction": p}
            for r in ratios
            for b in betas
            for p in priors
        ]
    return candidates


class _ClassWeightedClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """A classifier fit with the class weights of a scheme, computed on its ``y``.

    The weights are computed at fit time from the labels the classifier sees
    (a training fold, a halving subsample), so that the scheme means the same
    on every fold; they are passed as ``sample_weight`` (times the caller's)
    when the classifier takes it, else as a ``class_weight`` dict.
    """

    def __init__(self, estimator, *, scheme="balanced", beta=0.999):
        self.estimator = estimator
        self.scheme = scheme
        self.beta = beta

    def fit(self, X, y, sample_weight=None):
        from imbestimators.class_weight import compute_class_weight

        classes, codes = np.unique(y, return_inverse=True)
        weight = compute_class_weight(
            self.scheme,
            classes=classes,
            y=y,
            sample_weight=sample_weight,
            beta=self.beta,
        )
        self.class_weight_ = dict(zip(classes.tolist(), weight.tolist()))
        self.estimator_ = clone(self.estimator)
        if has_fit_parameter(self.estimator_, "sample_weight"):
            per_sample = weight[codes]
            if sample_weight is not None:
                per_sample = per_sample * np.asarray(sample_weight, dtype=float)
            self.estimator_.fit(X, y, sample_weight=per_sample)
        else:
            self.estimator_.set_params(class_weight=self.class_weight_)
            self.estimator_.fit(X, y)
        self.classes_ = self.estimator_.classes_
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, attr):
                setattr(self, attr, getattr(self.estimator_, attr))
        return self

    @property
    def class_weight(self):
        # read by PriorCorrectedClassifier to infer the prior the model saw
        return getattr(self, "class_weight_", None)

    def _has(attr):
        return lambda self: hasattr(self.estimator, attr)

    def predict(self, X):
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)

    @available_if(_has("predict_proba"))
    def predict_proba(self, X):
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_has("decision_function"))
    def decision_function(self, X):
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)


def _carried_weights(sampler, y_in, y_out, weight):
    """The weights of a sampler's output rows, following the rows it kept.

    Kept or duplicated rows (``sample_indices_``) keep their weight; the rows
    an over-sampler appends get the mean weight of their class; a sampler that
    tells neither (SMOTEENN) gets per-class mean weights, with a warning.
    """
    indices = getattr(sampler, "sample_indices_", None)
    if indices is not None:
        return weight[indices]
    means = {c: weight[y_in == c].mean() for c in np.unique(y_in).tolist()}
    by_class = np.array([means[c] for c in np.asarray(y_out).tolist()])
    if getattr(sampler, "_sampling_type", None) == "over-sampling":
        # over-samplers return the input rows first, then the new ones
        return np.concatenate([weight, by_class[len(weight) :]])
    warnings.warn(
        f"{type(sampler).__name__} does not say which rows it kept: its output "
        "rows get the mean sample weight of their class."
    )
    return by_class


class _WeightedPipeline(_SamplerPipeline):
    """A sampler pipeline whose fit carries sample_weight past samplers.

    imbalanced-learn's Pipeline hands ``sample_weight`` to the final step with
    its old length after a sampler (imbalanced-learn issue #457), and ours
    carries it only as routed metadata and refuses samplers that create rows;
    here a plain ``fit(X, y, sample_weight=...)`` (what the meta-estimators
    around a candidate call) carries the weights along the rows, synthetic rows
    included (:func:`_carried_weights`).
    """

    def fit(self, X, y=None, sample_weight=None, **params):
        if sample_weight is None:
            return super().fit(X, y, **params)
        Xt, yt = X, np.asarray(y)
        weight = np.asarray(sample_weight, dtype=float)
        for _, step in self.steps[:-1]:
            if step is None or step == "passthrough":
                continue
            if hasattr(step, "fit_resample"):
                Xt, y_out = step.fit_resample(Xt, yt)
                weight = _carried_weights(step, yt, y_out, weight)
                yt = np.asarray(y_out)
            else:
                Xt = step.fit_transform(Xt, yt)
        self._final_estimator.fit(Xt, yt, sample_weight=weight)
        return self


def _seeded(estimator, seed):
    if "random_state" in estimator.get_params(deep=False):
        estimator.set_params(random_state=seed)
    return estimator


def _treated_final(spec, params, final, seed):
    """The final classifier for strategies that change it (weights, ensembles)."""
    if spec.kind == "weight":
        if spec.template == "balanced" and "class_weight" in final.get_params(
            deep=False
        ):
            return clone(final).set_params(class_weight="balanced")
        beta = 0.999 if params["beta"] is None else params["beta"]
        return _ClassWeightedClassifier(clone(final), scheme=spec.template, beta=beta)
    if spec.kind == "ensemble":
        ensemble = _seeded(clone(spec.template), seed)
        if spec.member:
            ensemble.set_params(estimator=clone(final))
        if params["ratio"] is not None:
            ensemble.set_params(sampling_strategy=params["ratio"])
        return ensemble
    return clone(final)


def build_candidate(estimator, spec, params, *, seed, decision=None):
    """The unfitted estimator of one candidate.

    Parameters
    ----------
    estimator : classifier or pipeline
        The user's estimator; a pipeline's last step is the one treated, a
        sampler goes just before it.
    spec : StrategySpec
    params : dict
        The candidate, from :func:`draw_candidates`.
    seed : int
        Seed of the sampler or ensemble (and of the decision rule's split).
    decision : dict or None
        Parameters of a :class:`ThresholdTunedClassifier` wrapped around it,
        unless the candidate's ``threshold`` is ``'default'`` (it then keeps
        its own decision rule).

    Returns
    -------
    estimator object
    """
    name, final = _final_step(estimator)
    prefix = [] if name is None else [(n, clone(s)) for n, s in estimator.steps[:-1]]
    model = _treated_final(spec, params, final, seed)
    steps = list(prefix)
    if spec.kind == "sampler":
        sampler = _seeded(clone(spec.template), seed)
        if params["ratio"] is not None:
            sampler.set_params(sampling_strategy=params["ratio"])
        steps.append(("sampler", sampler))
    if steps:
        model = _WeightedPipeline([*steps, (name or "classifier", model)])
    if params["prior_correction"]:
        from imbestimators.model_selection._prior import PriorCorrectedClassifier

        model = PriorCorrectedClassifier(model)
    if decision is not None and params.get("threshold") != "default":
        from imbestimators.model_selection._threshold import ThresholdTunedClassifier

        model = ThresholdTunedClassifier(model, **decision, random_state=seed)
    return model
