"""A classifier whose decision rule is tuned by cross-validation, exactly."""

import inspect
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    clone,
)
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel
from sklearn.utils.validation import (
    check_is_fitted,
    has_fit_parameter,
    indexable,
)

from imbestimators.exceptions import ConstraintNotMetWarning
from imbestimators.model_selection._objective import (
    make_rule,
    resolve_objective,
    sample_costs,
)
from imbestimators.model_selection._response import (
    resolve_response_method,
    rule_scores,
)
from imbestimators.model_selection._threshold_search import (
    BUILTIN_OBJECTIVES,
    search_offsets,
    threshold_curve,
)
from imbestimators.utils._parallel import delayed
from imbestimators.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _check_method_params,
    _check_sample_weight,
    _fit_context,
    _num_samples,
    _raise_for_params,
    _routing_enabled,
)
from imbestimators.utils._validation import check_classification_y

__all__ = ["ThresholdTunedClassifier", "decided_codes", "tune_rule"]

# points of the objective-vs-threshold curves kept in cv_results_
_CURVE_POINTS = 1000


def _estimator_has(attr):
    """The fitted estimator_ if any, else the unfitted one, has ``attr``."""

    def check(self):
        return hasattr(getattr(self, "estimator_", self.estimator), attr)

    return check


def _fit_and_score(estimator, X, y, train, val, fit_params, score_args):
    """Fit a clone on ``train`` (all rows if None) and score ``val`` (if any)."""
    if train is None:
        X_fit, y_fit, params = X, y, fit_params
    else:
        X_fit, y_fit = _safe_indexing(X, train), _safe_indexing(y, train)
        params = _check_method_params(X, fit_params, indices=train)
    fitted = clone(estimator).fit(X_fit, y_fit, **params)
    if val is None:
        return fitted, None
    return fitted, rule_scores(fitted, _safe_indexing(X, val), *score_args)


def _accepts_sample_weight(func):
    try:
        return "sample_weight" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def _step_values(thresholds, values, grid):
    """Values of the step curve ``(thresholds, values)`` at the points ``grid``.

    Predicting ``score >= g`` is predicting ``score >= thresholds[j]`` for the
    smallest ``thresholds[j] >= g``.
    """
    j = np.searchsorted(thresholds, grid, side="left")
    return values[np.minimum(j, len(values) - 1)]


def _curve_grid(thresholds, best_threshold):
    """Up to _CURVE_POINTS thresholds of the curve, with the chosen one."""
    picks = np.unique(np.linspace(0, len(thresholds) - 1, _CURVE_POINTS).astype(int))
    return np.unique(np.r_[thresholds[picks], best_threshold])


def _coordinate_order(scores, y_codes, weight):
    """Classes by decreasing weight, then mean score: label-free, so renaming
    or reordering the classes does not change the coordinate ascent."""
    support = np.bincount(y_codes, weights=weight, minlength=scores.shape[1])
    mean_score = scores.mean(axis=0)
    return np.lexsort((np.arange(scores.shape[1]), -mean_score, -support))


def tune_rule(objective, y_codes, weight, costs, scores, scorer_data=None):
    """The decision rule that maximizes ``objective`` on out-of-fold scores.

    Parameters
    ----------
    objective : Objective
    y_codes, weight : ndarray of shape (n_samples,)
        Codes of the true classes and the weights of the scored rows.
    costs : ndarray of shape (n_samples, n_classes) or None
        From :func:`sample_costs`, restricted to the rows.
    scores : ndarray of shape (n_samples, n_classes)
        The rows' score matrix (:func:`rule_scores`).
    scorer_data : tuple, default=None
        ``(X, y, score_params, n_thresholds)`` of the rows, for a scorer
        objective.

    Returns
    -------
    rule : Rule
    result : SearchResult
        ``result.offsets`` is the rule (:func:`decided_codes` applies it).
    """
    rule = make_rule(objective, y_codes, weight, costs, scorer_data)
    order = _coordinate_order(scores, y_codes, weight)
    return rule, search_offsets(scores, rule, order)


def decided_codes(scores, offsets):
    """The class codes a tuned rule predicts from a score matrix.

    For two classes the positive class (code 1) where its score is at least
    the threshold ``-offsets[1]``; otherwise the largest score plus offset.
    """
    if scores.shape[1] == 2:
        return (scores[:, 1] >= -offsets[1]).astype(np.intp)
    return np.argmax(scores + offsets, axis=1)


class ThresholdTunedClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Classifier whose decision rule is learned by cross-validation.

    The inner classifier is fit as usual; what changes is how its scores become
    labels. For two classes the rule is a threshold, ``score >= threshold``,
    on the positive class's probability or decision value; for more classes it
    is ``argmax(log-probability + offset)`` with one additive offset per class,
    or the Bayes minimum-risk decision of a cost matrix (with offsets).

    The rule maximizes an objective on the pooled out-of-fold scores. Built-in
    objectives are evaluated exactly at every distinct score, from one sort
    and cumulative counts (O(n log n)), instead of on a grid of thresholds; any
    scikit-learn scorer or callable is also accepted (evaluated on
    ``n_thresholds`` candidates). A constraint maximizes the objective subject
    to a floor on another metric, e.g. recall subject to precision >= 0.9.
    Two classes are the special case of one offset: the same search, exact in
    one pass.

    Read more in the :ref:`User Guide <threshold_tuning>`.

    Parameters
    ----------
    estimator : estimator instance
        The classifier (or pipeline, e.g. an imbalanced-learn
        :class:`~imbestimators.pipeline.Pipeline` with samplers) whose decision
        rule is tuned. It must have ``predict_proba`` or
        ``decision_function``. Fitted already when ``cv='prefit'``.

    objective : str or callable, default="balanced_accuracy"
        What the rule maximizes on the out-of-fold scores:

        - a built-in objective, searched exactly: ``'f1'``, ``'fbeta'`` (see
          ``beta``), ``'balanced_accuracy'``, ``'youden'`` (Youden's J,
          ``tpr + tnr - 1``), ``'gmean'`` (geometric mean of the per-class
          recalls), ``'mcc'``, ``'precision'``, ``'recall'``,
          ``'specificity'``, or ``'cost'`` (minus the expected cost per sample,
          from ``cost_matrix`` or the ``sample_cost`` of ``fit``). For two
          classes, ``'f1'``, ``'fbeta'``, ``'precision'``, ``'recall'`` and
          ``'specificity'`` score the positive class; for more classes all are
          macro averages (MCC is Gorodkin's multiclass MCC).
        - any other scorer name of :func:`sklearn.metrics.get_scorer_names`, or
          a callable ``scorer(estimator, X, y)``, scoring hard predictions.

    beta : float, default=1.0
        Weight of recall against precision in ``objective='fbeta'``.

    cost_matrix : array-like of shape (n_classes, n_classes) or dict, default=None
        For ``objective='cost'``: ``cost_matrix[i, j]`` is the cost of
        predicting ``classes_[j]`` for a sample of ``classes_[i]``. For two
        classes a dict ``{'fp': c_fp, 'fn': c_fn}`` (keys ``'tn'``, ``'fp'``,
        ``'fn'``, ``'tp'``, missing ones 0) may be given instead. With
        probabilities and more than two classes, the rule starts from the
        Bayes minimum-risk decision ``argmin_j sum_i p_i cost_matrix[i, j]``.

    constraint : tuple (str, float), default=None
        ``(metric, floor)``: maximize ``objective`` among the rules whose
        built-in ``metric`` is at least ``floor``, e.g. ``('precision', 0.9)``.
        When no rule reaches the floor, a
        :class:`~imbestimators.exceptions.ConstraintNotMetWarning` names the
        best value reached, and the rule closest to the floor is used.

    response_method : {"auto", "predict_proba", "decision_function"}, \
            default="auto"
        The scores the rule acts on; ``'auto'`` tries ``predict_proba`` first.

    pos_label : int, float, bool or str, default=None
        The positive class, for two classes. ``None`` means the greater label,
        which is only accepted without explanation for labels {0, 1}, {-1, 1}
        or {False, True} when the objective scores the positive class only.

    cv : int, float, cross-validation generator, iterable or "prefit", default=5
        How out-of-fold scores are obtained:

        - an int: the number of folds of a :class:`StratifiedKFold`;
        - a float in (0, 1): the size of a single stratified hold-out set
          (see ``random_state``);
        - a splitter or an iterable of (train, test) index arrays;
        - ``'prefit'``: ``estimator`` is fitted already, and the data given
          to ``fit`` only tunes the rule (keep it apart from the data the
          estimator was fit on, or the rule overfits).

    refit : bool, default=True
        Whether to refit the estimator on all of the data once the rule is
        found. ``refit=False`` keeps the model of the single split and needs
        ``cv`` to be a float or a splitter with one split. Ignored when
        ``cv='prefit'``.

    n_thresholds : int, default=100
        Number of candidate rules per search step for an objective that is not
        built in (built-in objectives are searched over every distinct score).

    n_jobs : int, default=None
        Number of folds fit in parallel (:class:`joblib.Parallel`); ``None``
        means 1 unless in a :func:`joblib.parallel_config` context.

    random_state : int, RandomState instance or None, default=None
        Seed of the hold-out split when ``cv`` is a float.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted classifier used by ``predict``.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    best_threshold_ : float
        Two classes: the threshold on the positive class's score (its
        ``predict_proba`` column, or ``decision_function``, negated when
        ``pos_label`` is ``classes_[0]``); ``predict`` returns the positive
        class exactly where ``score >= best_threshold_``. It lies midway
        between the two out-of-fold scores it separates.
    best_threshold_interval_ : tuple of float
        Two classes: the lowest and highest threshold chosen when each fold is
        tuned on its own, a measure of how stable the threshold is.
    class_offsets_ : ndarray of shape (n_classes,)
        More than two classes: the offsets added to the log-probabilities (or
        decision values, or minus the Bayes risks), in ``classes_`` order.
    best_score_ : float
        The objective of the chosen rule on the pooled out-of-fold scores.
    constraint_score_ : float or None
        The constraint's metric of the chosen rule on the pooled out-of-fold
        scores.
    cv_results_ : dict
        Per fold: ``'fold_best_score'`` (each fold's optimum on its own scores)
        and ``'fold_best_threshold'`` (two classes) or ``'fold_class_offsets'``.
        Two classes also get curves on up to 1000 thresholds:
        ``'thresholds'``, ``'scores'`` (pooled objective), ``'fold_scores'``
        (n_folds, n_thresholds) and ``'constraint_scores'``.
    response_method_ : str
        The response used, ``'predict_proba'`` or ``'decision_function'``.
    n_features_in_ : int
        Number of features seen during ``fit``, when the estimator exposes it.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when the estimator exposes them.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : scikit-learn's binary
        threshold tuning on a grid of thresholds.
    PriorCorrectedClassifier : Correct probabilities for the class prior
        changed by resampling or class weights.
    MetricThresholdDisplay : Plot the objective against the threshold.

    Notes
    -----
    The out-of-fold scores of all folds are pooled before the search, so the
    rule is exact for the pooled scores (scikit-learn's
    ``TunedThresholdClassifierCV`` averages per-fold curves interpolated on a
    grid). For more than two classes the offsets are tuned one class at a time,
    each step exact, until no single offset improves the objective: a local
    optimum that is never worse than the untuned rule (all offsets 0).
    Decision rules for F-type objectives in multiclass settings are studied in
    [1]_.

    References
    ----------
    .. [1] Lipton, Z. C., Elkan, C. and Naryanaswamy, B. "Optimal thresholding
       of classifiers to maximize F1 measure", ECML PKDD, 2014.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbestimators.model_selection import ThresholdTunedClassifier
    >>> X, y = make_classification(n_samples=2000, weights=[0.95], random_state=0)
    >>> clf = ThresholdTunedClassifier(LogisticRegression(), objective="f1")
    >>> clf = clf.fit(X, y)
    >>> round(clf.best_threshold_, 2)
    0.25
    >>> proba = clf.predict_proba(X)[:, 1]
    >>> bool(((proba >= clf.best_threshold_) == clf.predict(X)).all())
    True
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "objective": [
            StrOptions(set(BUILTIN_OBJECTIVES) | set(get_scorer_names())),
            callable,
        ],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "cost_matrix": ["array-like", dict, None],
        "constraint": [tuple, None],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
        "pos_label": [Real, str, "boolean", None],
        "cv": [
            "cv_object",
            StrOptions({"prefit"}),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "refit": ["boolean"],
        "n_thresholds": [Interval(Integral, 2, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        objective="balanced_accuracy",
        beta=1.0,
        cost_matrix=None,
        constraint=None,
        response_method="auto",
        pos_label=None,
        cv=5,
        refit=True,
        n_thresholds=100,
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.objective = objective
        self.beta = beta
        self.cost_matrix = cost_matrix
        self.constraint = constraint
        self.response_method = response_method
        self.pos_label = pos_label
        self.cv = cv
        self.refit = refit
        self.n_thresholds = n_thresholds
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _check_y(self, y):
        return check_classification_y(y, self)[0]

    def _check_response_method(self):
        method = resolve_response_method(self.estimator, self.response_method)
        if not hasattr(self.estimator, method):
            raise ValueError(
                f"{type(self).__name__}: response_method={self.response_method!r} "
                f"needs {type(self.estimator).__name__}.{method}, which it does "
                "not have."
            )
        return method

    def _check_cv(self, y):
        if isinstance(self.cv, str):
            try:
                check_is_fitted(self.estimator)
            except NotFittedError as exc:
                raise NotFittedError(
                    f"{type(self).__name__}: cv='prefit' needs a fitted estimator; "
                    f"{type(self.estimator).__name__} is not fitted."
                ) from exc
            return "prefit"
        if isinstance(self.cv, Real) and not isinstance(self.cv, Integral):
            cv = StratifiedShuffleSplit(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
        else:
            cv = check_cv(self.cv, y, classifier=True)
        if not self.refit and cv.get_n_splits() != 1:
            raise ValueError(
                f"{type(self).__name__}: refit=False keeps the model of a single "
                f"split, but cv has {cv.get_n_splits()} splits. Use refit=True, a "
                "float cv (hold-out) or cv='prefit'."
            )
        return cv

    def _route(self, params, sample_weight, objective):
        """Metadata for the estimator's fit, the splitter and the scorer."""
        if _routing_enabled():
            if sample_weight is not None:
                params = {**params, "sample_weight": sample_weight}
            routed = process_routing(self, "fit", **params)
            score = {} if objective.builtin else routed["scorer"]["score"]
            return routed["estimator"]["fit"], routed["splitter"]["split"], score
        _raise_for_params(params, self, "fit")
        if sample_weight is None:
            return {}, {}, {}
        fit = {}
        if has_fit_parameter(self.estimator, "sample_weight"):
            fit["sample_weight"] = sample_weight
        else:
            warnings.warn(
                f"{type(self.estimator).__name__}.fit does not take sample_weight "
                "(an imbalanced-learn Pipeline cannot route it past its samplers, "
                "imbalanced-learn issue #457): the weights are only used by the "
                "objective."
            )
        score = {}
        if not objective.builtin and _accepts_sample_weight(objective.scorer):
            score["sample_weight"] = sample_weight
        return fit, {}, score

    def _out_of_fold(self, X, y, cv, routed, score_args):
        """The final model and the out-of-fold scores of each split."""
        fit_params, split_params, _ = routed
        if isinstance(cv, str):
            scores = rule_scores(self.estimator, X, *score_args)
            return self.estimator, [(np.arange(_num_samples(X)), scores)]
        splits = list(cv.split(X, y, **split_params))
        jobs = [(train, val) for train, val in splits]
        if self.refit:
            jobs.append((None, None))
        results = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_and_score)(
                self.estimator, X, y, train, val, fit_params, score_args
            )
            for train, val in jobs
        )
        final = results[-1][0] if self.refit else results[0][0]
        folds = [(val, scores) for (_, val), (_, scores) in zip(splits, results)]
        return final, folds

    @_fit_context(
        # the inner estimator is validated by its own fit
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, sample_cost=None, **params):
        """Fit the estimator and tune the decision rule by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, as accepted by the estimator.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the objective; also passed to the
            estimator's ``fit`` (if it takes them, or as metadata routing
            requests).
        sample_cost : array-like of shape (n_samples,) or (n_samples, \
                n_classes), default=None
            For ``objective='cost'``: the cost of misclassifying each sample,
            or of predicting each class (``classes_`` order) for each sample.
            Replaces ``cost_matrix`` in the objective.
        **params : dict
            Metadata routed to the estimator's ``fit``, the splitter and a
            scorer objective (only with ``enable_metadata_routing=True``).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = indexable(X, y)
        y = self._check_y(y)
        objective, score_args = self._scoring(np.unique(y), sample_cost is not None)
        cv = self._check_cv(y)
        weight = self._weight(sample_weight, X)
        routed = self._route(params, sample_weight, objective)
        y_codes = objective.coding.encode(y)
        costs = sample_costs(objective, y_codes, weight, sample_cost)
        self.estimator_, folds = self._out_of_fold(X, y, cv, routed, score_args)
        data = (X, y, y_codes, weight, costs, routed[2])
        return self._fit_rule(objective, score_args, data, folds)

    def _scoring(self, classes, has_sample_cost=False):
        """The objective, and how out-of-fold scores are computed for it.

        Returns
        -------
        objective : Objective
        score_args : tuple
            ``(method, coding, risk)``, the arguments of :func:`rule_scores`
            after the estimator and the samples.
        """
        objective = resolve_objective(self, classes, has_sample_cost)
        method = self._check_response_method()
        risk = objective.cost_matrix if method == "predict_proba" else None
        return objective, (method, objective.coding, risk)

    @staticmethod
    def _weight(sample_weight, X):
        if sample_weight is None:
            return np.ones(_num_samples(X))
        return _check_sample_weight(sample_weight, X)

    def _fit_rule(self, objective, score_args, data, folds):
        """Tune the rule on ``folds`` (the model ``estimator_`` is fitted)."""
        method, coding, risk = score_args
        self.classes_ = coding.classes
        self.response_method_ = method
        self._coding, self._risk = coding, risk
        self._tune(objective, data, folds)
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, attr):
                setattr(self, attr, getattr(self.estimator_, attr))
        return self

    def _fit_on_folds(self, X, y, folds, sample_weight=None, fit_weight=False):
        """Fit on all rows, with the rule tuned on given out-of-fold scores.

        For :class:`ImbalanceStrategySearchCV`, which has already computed the
        out-of-fold scores of the splits of ``cv`` (with ``_scoring``'s
        ``score_args``): the result is the one ``fit`` gives with those
        splits, without fitting them again. A built-in objective only.

        Parameters
        ----------
        X, y : the training data.
        folds : list of (rows, scores)
            Each split's test rows and their score matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the objective.
        fit_weight : bool, default=False
            Whether the estimator is fit with ``sample_weight`` too.
        """
        X, y = indexable(X, y)
        y = self._check_y(y)
        objective, score_args = self._scoring(np.unique(y))
        weight = self._weight(sample_weight, X)
        y_codes = objective.coding.encode(y)
        costs = sample_costs(objective, y_codes, weight, None)
        kwargs = {"sample_weight": sample_weight} if fit_weight else {}
        self.estimator_ = clone(self.estimator).fit(X, y, **kwargs)
        data = (X, y, y_codes, weight, costs, {})
        return self._fit_rule(objective, score_args, data, folds)

    def _search(self, objective, data, rows, scores):
        X, y, y_codes, weight, costs, score_params = data
        scorer_data = None
        if not objective.builtin:
            scorer_data = (
                _safe_indexing(X, rows),
                _safe_indexing(y, rows),
                _check_method_params(X, score_params, indices=rows),
                self.n_thresholds,
            )
        return tune_rule(
            objective,
            y_codes[rows],
            weight[rows],
            None if costs is None else costs[rows],
            scores,
            scorer_data,
        )

    def _tune(self, objective, data, folds):
        rows = np.concatenate([val for val, _ in folds])
        scores = np.vstack([s for _, s in folds])
        rule, result = self._search(objective, data, rows, scores)
        fold_results = [self._search(objective, data, v, s) for v, s in folds]
        self._offsets = result.offsets
        self.best_score_ = result.objective
        self.constraint_score_ = result.constraint
        self.cv_results_ = {
            "fold_best_score": np.array([r.objective for _, r in fold_results])
        }
        if objective.coding.binary:
            self._set_threshold(rule, scores, result, folds, fold_results)
        else:
            self.class_offsets_ = result.offsets
            self.cv_results_["fold_class_offsets"] = np.array(
                [r.offsets for _, r in fold_results]
            )
        self._warn_if_infeasible(objective, result)

    def _set_threshold(self, rule, scores, result, folds, fold_results):
        self.best_threshold_ = float(-result.offsets[1])
        fold_thresholds = np.array([-r.offsets[1] for _, r in fold_results])
        self.best_threshold_interval_ = (
            float(fold_thresholds.min()),
            float(fold_thresholds.max()),
        )
        thresholds, values, constraint = threshold_curve(scores[:, 1], rule)
        grid = _curve_grid(thresholds, self.best_threshold_)
        fold_scores = []
        for (_, fold_scores_matrix), (fold_rule, _) in zip(folds, fold_results):
            t, v, _ = threshold_curve(fold_scores_matrix[:, 1], fold_rule)
            fold_scores.append(_step_values(t, v, grid))
        self.cv_results_.update(
            fold_best_threshold=fold_thresholds,
            thresholds=grid,
            scores=_step_values(thresholds, values, grid),
            fold_scores=np.array(fold_scores),
            constraint_scores=(
                None
                if constraint is None
                else _step_values(thresholds, constraint, grid)
            ),
        )

    def _warn_if_infeasible(self, objective, result):
        if objective.constraint is None:
            return
        name, floor = objective.constraint
        if result.constraint < floor:
            warnings.warn(
                f"No decision rule reaches {name} >= {floor:g} on the out-of-fold "
                f"scores: the best {name} reached is {result.best_constraint:.4g}. "
                f"The rule with the highest {name} is used; lower the floor or "
                "improve the model.",
                ConstraintNotMetWarning,
            )

    def _rule_scores(self, X):
        check_is_fitted(self, "estimator_")
        return rule_scores(
            self.estimator_, X, self.response_method_, self._coding, self._risk
        )

    def predict(self, X):
        """Predict class labels with the tuned decision rule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, as accepted by the estimator.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            For two classes, the positive class where the positive score is
            ``>= best_threshold_``; otherwise the class maximizing the score
            plus its offset.
        """
        codes = decided_codes(self._rule_scores(X), self._offsets)
        return self._coding.labels[codes]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the fitted estimator (the rule does not change them).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision values of the fitted estimator (delegated unchanged).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``fit`` consumes ``sample_weight`` and ``sample_cost`` itself and routes
        metadata to the estimator's ``fit``, the splitter's ``split`` and, for
        a scorer objective, the scorer.

        Returns
        -------
        routing : MetadataRouter
        """
        fit = MethodMapping().add(caller="fit", callee="fit")
        router = (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(estimator=self.estimator, method_mapping=fit)
            .add(
                splitter=self.cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )
        if not (
            isinstance(self.objective, str) and self.objective in BUILTIN_OBJECTIVES
        ):
            router.add(
                scorer=check_scoring(self.estimator, scoring=self.objective),
                method_mapping=MethodMapping().add(caller="fit", callee="score"),
            )
        return router

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags
