"""Probabilities corrected for the class prior that resampling or weighting changed."""

import warnings
from collections.abc import Mapping
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.validation import (
    check_is_fitted,
    has_fit_parameter,
    indexable,
)

from imbestimators.utils._param_validation import (
    HasMethods,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    _raise_for_params,
    _routing_enabled,
)
from imbestimators.utils._validation import check_classification_y

__all__ = ["PriorCorrectedClassifier", "fitted_prior"]

# samplers that combine an over-sampler with a cleaning step (imbalanced-learn's
# SMOTEENN / SMOTETomek and ours) expose both fitted steps
_COMBINED_STEPS = ("enn_", "tomek_")


def _steps(estimator):
    """(final estimator, [(name, sampler), ...]) of a possibly frozen pipeline."""
    if type(estimator).__name__ == "FrozenEstimator":
        estimator = estimator.estimator
    steps = getattr(estimator, "steps", None)
    if steps is None:
        return estimator, []
    samplers = [
        (name, step) for name, step in steps[:-1] if hasattr(step, "fit_resample")
    ]
    return steps[-1][1], samplers


def _labels_after(sampler, labels, where):
    """The labels a fitted sampler returned, from its fitted attributes."""
    indices = getattr(sampler, "sample_indices_", None)
    if indices is not None:
        return labels[indices]
    cleaner = next(
        (getattr(sampler, a) for a in _COMBINED_STEPS if hasattr(sampler, a)), None
    )
    if cleaner is not None and hasattr(sampler, "smote_"):
        return _labels_after(
            cleaner, _labels_after(sampler.smote_, labels, where), where
        )
    kind = getattr(sampler, "_sampling_type", None)
    strategy = getattr(sampler, "sampling_strategy_", None)
    if kind in ("over-sampling", "under-sampling") and isinstance(strategy, Mapping):
        # over-samplers append n new rows per class; under-samplers keep n rows
        kept = (
            labels
            if kind == "over-sampling"
            else labels[~np.isin(labels, list(strategy))]
        )
        new = [np.full(n, c, dtype=labels.dtype) for c, n in strategy.items()]
        return np.concatenate([kept, *new])
    raise ValueError(
        f"Cannot infer the class prior after the step {where!r} "
        f"({type(sampler).__name__}): it exposes neither sample_indices_ nor the "
        "sampling_strategy_ of an over- or under-sampler. Pass fit_prior "
        "explicitly."
    )


def _class_weight_factors(final, classes, totals):
    """Per-class factors of the final estimator's class_weight (1 without)."""
    class_weight = getattr(final, "class_weight", None)
    if class_weight is None:
        return np.ones(len(classes))
    if isinstance(class_weight, str):
        # 'balanced' (and 'balanced_subsample'): n / (K n_c) per sample, so every
        # class carries the same total weight
        return np.divide(1.0, totals, out=np.zeros(len(totals)), where=totals > 0)
    return np.array([float(class_weight.get(c, 1.0)) for c in classes.tolist()])


def fitted_prior(estimator, y, classes, sample_weight=None):
    """The class prior a fitted classifier effectively learned under.

    Parameters
    ----------
    estimator : fitted classifier
        A classifier, or an imbalanced-learn pipeline (possibly inside a
        :class:`~sklearn.frozen.FrozenEstimator`) whose samplers are fitted.
    y : ndarray of shape (n_samples,)
        The labels it was fit on.
    classes : ndarray of shape (n_classes,)
        Class labels, in the order of the result.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights its final step saw (ignored after samplers, which cannot pass
        them on, imbalanced-learn issue #457).

    Returns
    -------
    prior : ndarray of shape (n_classes,)
        Class frequencies after the samplers, times the final step's
        ``class_weight``, normalized.

    Examples
    --------
    >>> from collections import Counter
    >>> from imbestimators.pipeline import make_pipeline
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbestimators.under_sampling import RandomUnderSampler
    >>> from imbestimators.model_selection._prior import fitted_prior
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> sorted(Counter(y.tolist()).items())
    [(0, 898), (1, 102)]
    >>> pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    >>> fitted_prior(pipe.fit(X, y), y, np.array([0, 1])).tolist()
    [0.5, 0.5]
    """
    final, samplers = _steps(estimator)
    labels = np.asarray(y)
    for name, sampler in samplers:
        labels = _labels_after(sampler, labels, name)
    weight = None if samplers or sample_weight is None else sample_weight
    totals = np.array(
        [
            np.sum(labels == c) if weight is None else weight[labels == c].sum()
            for c in classes.tolist()
        ],
        dtype=np.float64,
    )
    totals = totals * _class_weight_factors(final, classes, totals)
    return totals / totals.sum()


def correct_proba(proba, ratio):
    """Bayes' rule for a prior shift: ``proba * ratio``, rows renormalized.

    A constant ratio cancels out: the probabilities are returned unchanged
    (not renormalized, so they stay bit-identical).
    """
    if np.all(ratio == ratio[0]):
        return proba
    corrected = proba * ratio
    return corrected / corrected.sum(axis=1, keepdims=True)


class PriorCorrectedClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Classifier whose probabilities are corrected for a changed class prior.

    Resampling (e.g. random under-sampling) or class weights make a model
    learn under a class prior ``fit_prior`` different from the prior of the
    data: its ``predict_proba`` is biased toward the resampled prior. If the
    class-conditional distributions are unchanged (prior shift), Bayes' rule
    gives the probabilities under the target ``prior``:

    ``p(c | x) ∝ p_fit(c | x) * prior[c] / fit_prior[c]``

    ``fit_prior`` is inferred from the fitted estimator: the labels its
    samplers returned (from their ``sample_indices_`` or
    ``sampling_strategy_``) times the final step's ``class_weight``. The
    corrected probabilities can also be recalibrated by cross-validation.

    Read more in the :ref:`User Guide <prior_correction>`.

    Parameters
    ----------
    estimator : estimator instance
        A classifier with ``predict_proba``, or an imbalanced-learn
        :class:`~imbestimators.pipeline.Pipeline` ending with one. Wrap a fitted one
        in :class:`~sklearn.frozen.FrozenEstimator` to correct it without
        refitting (``fit`` then only reads the priors).

    prior : "auto", array-like of shape (n_classes,) or dict, default="auto"
        The prior the corrected probabilities reflect: ``'auto'`` is the
        (weighted) class frequencies of the ``y`` given to ``fit``; an array
        (``classes_`` order) or a dict label -> prior gives another one, for
        instance the prevalence expected in deployment. Normalized to sum 1.

    fit_prior : "auto", array-like of shape (n_classes,) or dict, default="auto"
        The prior the estimator was fit under; ``'auto'`` infers it (see
        above). Give it when a step hides it (a custom sampler, weights set
        inside the estimator).

    calibration : {"sigmoid", "isotonic", "temperature"} or None, default=None
        Recalibrate the corrected probabilities with
        :class:`~sklearn.calibration.CalibratedClassifierCV` (one calibrator fit
        on out-of-fold predictions, ``ensemble=False``).

    cv : int, cross-validation generator or iterable, default=5
        Splits of the recalibration; unused when ``calibration=None``.

    n_jobs : int, default=None
        Parallel jobs of the recalibration's cross-validation.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted estimator (on all of the data).
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    prior_ : ndarray of shape (n_classes,)
        The target prior.
    fit_prior_ : ndarray of shape (n_classes,)
        The prior the estimator was fit under.
    calibrated_ : CalibratedClassifierCV
        The recalibrated model, when ``calibration`` is set.
    n_features_in_ : int
        Number of features seen during ``fit``, when the estimator exposes it.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when the estimator exposes them.

    See Also
    --------
    ThresholdTunedClassifier : Tune the decision rule on top of the
        probabilities.
    sklearn.calibration.CalibratedClassifierCV : Calibrate probabilities.

    Notes
    -----
    Under-sampling or class weights change only the class proportions, which
    is the prior-shift assumption of the correction [1]_. Synthetic
    over-sampling (SMOTE) also changes the minority class's distribution;
    the correction still removes the prior's share of the bias, and
    ``calibration`` can take care of the rest.

    References
    ----------
    .. [1] Saerens, M., Latinne, P. and Decaestecker, C. "Adjusting the
       outputs of a classifier to new a priori probabilities: a simple
       procedure", Neural Computation 14(1), 2002.

    Examples
    --------
    >>> from imbestimators.pipeline import make_pipeline
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbestimators.model_selection import PriorCorrectedClassifier
    >>> from imbestimators.under_sampling import RandomUnderSampler
    >>> X, y = make_classification(n_samples=5000, weights=[0.95], random_state=0)
    >>> pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    >>> clf = PriorCorrectedClassifier(pipe).fit(X, y)
    >>> clf.fit_prior_.round(2).tolist(), clf.prior_.round(3).tolist()
    ([0.5, 0.5], [0.945, 0.055])
    >>> float(pipe.fit(X, y).predict_proba(X)[:, 1].mean().round(2))
    0.18
    >>> float(clf.predict_proba(X)[:, 1].mean().round(2))  # prevalence 0.055
    0.05
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "prior": [StrOptions({"auto"}), "array-like", dict],
        "fit_prior": [StrOptions({"auto"}), "array-like", dict],
        "calibration": [StrOptions({"sigmoid", "isotonic", "temperature"}), None],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator,
        *,
        prior="auto",
        fit_prior="auto",
        calibration=None,
        cv=5,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.prior = prior
        self.fit_prior = fit_prior
        self.calibration = calibration
        self.cv = cv
        self.n_jobs = n_jobs

    def _explicit_prior(self, name, value, classes):
        if isinstance(value, Mapping):
            unknown = set(value) - set(classes.tolist())
            missing = [c for c in classes.tolist() if c not in value]
            if unknown or missing:
                raise ValueError(
                    f"{type(self).__name__}: the dict {name} must give a prior to "
                    f"each class {np.asarray(classes).tolist()}; missing "
                    f"{missing}, unknown {sorted(map(repr, unknown))}."
                )
            value = [value[c] for c in classes.tolist()]
        prior = np.asarray(value, dtype=np.float64)
        if prior.shape != (len(classes),) or not np.all(np.isfinite(prior)):
            raise ValueError(
                f"{type(self).__name__}: {name} must hold {len(classes)} finite "
                f"values (one per class, classes_ order); got {value!r}."
            )
        if np.any(prior <= 0):
            raise ValueError(
                f"{type(self).__name__}: {name} must be positive for every class; "
                f"got {value!r}."
            )
        return prior / prior.sum()

    def _check_y(self, y):
        return check_classification_y(y, self)[0]

    def _fit_params(self, params, sample_weight):
        """(params for the estimator's fit, whether it receives the weights)."""
        if _routing_enabled():
            if sample_weight is not None:
                params = {**params, "sample_weight": sample_weight}
            fit = process_routing(self, "fit", **params)["estimator"]["fit"]
            return fit, "sample_weight" in fit
        _raise_for_params(params, self, "fit")
        if sample_weight is None:
            return {}, False
        if has_fit_parameter(self.estimator, "sample_weight"):
            return {"sample_weight": sample_weight}, True
        warnings.warn(
            f"{type(self.estimator).__name__}.fit does not take sample_weight: the "
            "weights only set the target prior (prior='auto')."
        )
        return {}, False

    @_fit_context(
        # the inner estimator is validated by its own fit
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the estimator and find the priors of the correction.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, as accepted by the estimator.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the target prior (``prior='auto'``);
            also passed to the estimator's ``fit`` (if it takes them, or as
            metadata routing requests).
        **params : dict
            Metadata routed to the estimator's ``fit`` (only with
            ``enable_metadata_routing=True``).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = indexable(X, y)
        y = self._check_y(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        if self.calibration is not None:
            return self._fit_calibrated(X, y, sample_weight, params)
        fit_params, weighted = self._fit_params(params, sample_weight)
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = np.asarray(self.estimator_.classes_)
        self._set_priors(y, sample_weight, weighted)
        self._copy_feature_info(self.estimator_)
        return self

    def _set_priors(self, y, sample_weight, weighted):
        classes = self.classes_
        if isinstance(self.prior, str):
            weight = np.ones(len(y)) if sample_weight is None else sample_weight
            totals = np.array([weight[y == c].sum() for c in classes.tolist()])
            self.prior_ = totals / totals.sum()
        else:
            self.prior_ = self._explicit_prior("prior", self.prior, classes)
        if isinstance(self.fit_prior, str):
            seen = sample_weight if weighted else None
            self.fit_prior_ = fitted_prior(self.estimator_, y, classes, seen)
        else:
            self.fit_prior_ = self._explicit_prior("fit_prior", self.fit_prior, classes)
        absent = [c for c, p in zip(classes.tolist(), self.fit_prior_) if p <= 0]
        if absent:
            raise ValueError(
                f"{type(self).__name__}: the classes {absent} have prior 0 in the "
                "data the estimator was fit on, so their probabilities cannot be "
                "corrected. Keep every class when resampling."
            )

    def _fit_calibrated(self, X, y, sample_weight, params):
        base = clone(self).set_params(calibration=None)
        if _routing_enabled():
            base.set_fit_request(sample_weight=True)
        self.calibrated_ = CalibratedClassifierCV(
            base,
            method=self.calibration,
            cv=self.cv,
            n_jobs=self.n_jobs,
            ensemble=False,
        )
        fit_kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        self.calibrated_.fit(X, y, **fit_kwargs, **params)
        corrected = self.calibrated_.calibrated_classifiers_[0].estimator
        for attr in ("estimator_", "classes_", "prior_", "fit_prior_"):
            setattr(self, attr, getattr(corrected, attr))
        self._copy_feature_info(corrected)
        return self

    def _copy_feature_info(self, fitted):
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(fitted, attr):
                setattr(self, attr, getattr(fitted, attr))

    def predict_proba(self, X):
        """Class probabilities under ``prior_`` (recalibrated if asked).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, as accepted by the estimator.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Each row sums to 1.
        """
        check_is_fitted(self, "estimator_")
        if self.calibration is not None:
            return self.calibrated_.predict_proba(X)
        proba = self.estimator_.predict_proba(X)
        return correct_proba(proba, self.prior_ / self.fit_prior_)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class under the corrected probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``fit`` consumes ``sample_weight`` itself and routes metadata to the
        estimator's ``fit``.

        Returns
        -------
        routing : MetadataRouter
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags
