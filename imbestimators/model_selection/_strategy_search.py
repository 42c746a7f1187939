"""Search which imbalance strategy, at which ratio, with which decision rule."""

import re
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import RepeatedStratifiedKFold, check_cv
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel
from sklearn.utils.validation import (
    check_is_fitted,
    has_fit_parameter,
    indexable,
)

from imbestimators._compare._ranking import Summary, recommend
from imbestimators.model_selection._strategy_eval import (
    RANKING_SCORERS,
    DecisionScorer,
    OutOfFoldScores,
    can_subsample,
    class_floor,
    class_permutations,
    cross_fitted_scores,
    fit_and_score,
    halving_schedule,
    kept_candidates,
    make_selection_scorer,
    planned_candidates,
    raise_all_failed,
    rungs_split_by_group,
    successive_halving,
)
from imbestimators.model_selection._strategy_space import (
    build_candidate,
    draw_candidates,
    resolve_strategies,
)
from imbestimators.model_selection._threshold import ThresholdTunedClassifier
from imbestimators.utils._parallel import delayed
from imbestimators.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from imbestimators.utils._validation import check_classification_y

__all__ = ["ImbalanceStrategySearchCV"]

# ThresholdTunedClassifier's parameters that `decision` may set
_DECISION_KEYS = frozenset(
    {"objective", "beta", "cost_matrix", "constraint", "pos_label", "cv"}
)
_COST_KEYS = frozenset({"tn", "fp", "fn", "tp"})
# folds of the decision rule's own cross-validation inside each candidate fit,
# when it cannot be cross-fitted on the search's splits
# (ThresholdTunedClassifier's default of 5 would make every fit 6 fits)
_DECISION_CV = 3
# repeats of the last rung's folds for n_repeats='auto' (an int cv): 5 x 2
# folds make the means that pick the winner less noisy, at twice the last
# rung's fits (a third repeat helped little on the KEEL sets we tried)
_AUTO_REPEATS = 2
# attributes that live only during fit
_FIT_STATE = ("_groups", "_crossfit", "_fits_done", "_fits_planned")


def _estimator_has(attr):
    def check(self):
        if not self.refit:
            # as scikit-learn's searches: nothing to delegate to without refit
            return False
        if hasattr(self, "best_estimator_"):
            return hasattr(self.best_estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


class _Named:
    """The strategy fields that ``_compare._ranking.recommend`` reads."""

    def __init__(self, name, family, simplicity):
        self.name, self.family, self.simplicity = name, family, simplicity


class _Metric:
    name = "score"

    def __init__(self, label):
        self.label = label


def _padded(rows, width):
    """Rows of unequal length as a float array, NaN-padded on the right."""
    out = np.full((len(rows), width), np.nan)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


def _label(candidate):
    parts = [candidate["strategy"]]
    if candidate["ratio"] is not None:
        parts.append(f"ratio={candidate['ratio']:.3g}")
    if candidate["beta"] is not None:
        parts.append(f"beta={candidate['beta']:.4g}")
    if candidate["prior_correction"]:
        parts.append("+prior_correction")
    if candidate.get("threshold") == "tuned":
        parts.append("+tuned_threshold")
    return " ".join(parts)


class ImbalanceStrategySearchCV(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Search the strategy for class imbalance, its ratio and decision rule, by CV.

    For a classifier (or a pipeline ending with one), the search tries no
    treatment, class-weight schemes, samplers with their ``sampling_strategy``
    ratio drawn from a continuous range, and balanced ensembles, each
    optionally followed by prior correction and by a tuned decision rule; it
    scores every candidate by cross-validation and refits the winner on all
    rows. Samplers only ever see training folds (each candidate is a
    pipeline).

    Read more in the :ref:`User Guide <strategy_search>`.

    With ``search='halving'`` (successive halving, the resource being the
    number of training rows), every candidate is scored on a small stratified
    subsample, and only the best ``1 / factor`` go on to a subsample
    ``factor`` times larger, up to all rows. On the last rung the folds are
    repeated ``n_repeats`` times, and ``select`` picks the winner: by default
    the simplest candidate whose mean score is within one standard error of
    the best mean.

    Parameters
    ----------
    estimator : estimator instance
        The classifier, or a pipeline (scikit-learn's or imbalanced-learn's)
        ending with one. Class weights are set on its last step; a sampler
        goes just before the last step.

    strategies : "auto", "all" or list, default="auto"
        The strategies tried:

        - ``'auto'``: no treatment; the class-weight schemes ``balanced``,
          ``inverse_sqrt`` and ``effective_number`` (when the last step takes
          ``class_weight`` or ``sample_weight``); RandomUnderSampler,
          RandomOverSampler and SMOTE with their ratio searched; the
          cleaning rules TomekLinks, EditedNearestNeighbours and
          NeighbourhoodCleaningRule.
        - ``'all'``: every sampler and combination of the library and, when
          installed, the balanced ensembles of :mod:`imbestimators.ensemble`;
          above 50,000 rows without the heavy ones (SVMSMOTE, RENN, AllKNN,
          CondensedNearestNeighbour, ClusterCentroids,
          InstanceHardnessThreshold, EasyEnsembleClassifier), as in
          ``imbestimators compare``: name them to include them.
        - a list of names (``'none'``, ``'class_weight=balanced'``, a sampler's
          class name, or a family such as ``'over-sampling'``), sampler
          objects, or dicts ``{'strategy': name_or_sampler, 'ratio': r}``
          with ``r`` a ``(low, high)`` range or a list of ratios.

    scoring : str, callable, list, tuple or dict, default="average_precision"
        What ranks the candidates when ``decision`` is None: a scorer name or
        a callable ``scorer(estimator, X, y)``. Positive-class scorers
        (``'average_precision'``, ``'f1'``, ``'precision'``, ``'recall'``)
        score ``pos_label``. Several metrics, as in scikit-learn's searches
        (a list of names, or a dict of names to scorer names or callables),
        are all recorded in ``cv_results_``; ``refit`` then names the one
        that ranks, promotes and selects. Not with ``decision``, which ranks
        on its own objective.

    decision : None, str, dict or array-like, default=None
        Adds a :class:`ThresholdTunedClassifier` as the last layer of every
        candidate, and ranks the candidates on its objective instead of
        ``scoring``:

        - a str: the objective (``'f1'``, ``'balanced_accuracy'``, ...);
        - a cost matrix: an array, or a dict ``{'fp': c_fp, 'fn': c_fn}``
          (objective ``'cost'``, scored as minus the expected cost);
        - a dict of ThresholdTunedClassifier parameters (``objective``,
          ``beta``, ``cost_matrix``, ``constraint``, ``pos_label``, ``cv``),
          e.g. ``{'objective': 'recall', 'constraint': ('precision', 0.8)}``.

        The rule is tuned on the search's own out-of-fold scores, by
        cross-fitting: each candidate is fit once per split, the rule that
        scores split ``k`` is tuned on the other splits' scores (without the
        rows of ``k``), and the refitted winner's rule on all of the last
        rung's scores. A ``cv`` in the dict (or a scorer objective, or a
        single split) tunes the rule instead inside every fit by its own
        cross-validation (3 folds unless ``cv`` is given), at about
        ``cv + 1`` times the fits. With ``compete_untuned=True`` each
        candidate also competes at its own default decision rule, on the same
        objective.

    prior_correction : "auto" or bool, default="auto"
        Whether candidates are also tried wrapped in a
        :class:`PriorCorrectedClassifier`. ``'auto'`` tries it unless the
        ranking cannot depend on it: a ranking scorer such as
        ``'average_precision'`` or ``'roc_auc'``, or a tuned decision rule,
        is unchanged by the monotone correction of two classes.

    search : {"halving", "exhaustive", "optuna"}, default="halving"
        ``'halving'``: successive halving over the number of rows;
        ``'exhaustive'``: every candidate on all rows; ``'optuna'``: every
        strategy on all rows, with its ratio (and ``beta``) proposed by
        Optuna's TPE sampler, ``n_candidates`` trials per strategy (needs the
        ``optuna`` package).

    n_candidates : int, default=4
        Values drawn for each continuous parameter of a strategy (the ratio,
        the effective-number ``beta``), log-uniformly, one in each of
        ``n_candidates`` equal bins of the range.

    factor : int or float, default=3
        Halving: the proportion of candidates kept, and the growth of the
        number of rows, from one rung to the next.

    min_resources : "auto" or int, default="auto"
        Halving: the rows of the first rung. ``'auto'`` is the smallest
        stratified subsample in which each class has 10 rows per test fold.

    pos_label : int, float, bool or str, default=None
        The positive class of two classes, for the scorers and the decision
        rule; None means the greater label.

    cv : int, cross-validation generator or iterable, default=5
        The splits of every rung (an int means :class:`StratifiedKFold`).
        A group splitter (:class:`~sklearn.model_selection.GroupKFold`,
        :class:`~sklearn.model_selection.StratifiedGroupKFold`, ...) splits
        every rung's subsample by the ``groups`` given to :meth:`fit`. An
        iterable of splits cannot be subsampled: halving then has one rung.

    n_repeats : "auto" or int, default="auto"
        Repeats of the ``cv`` folds on the last rung (reshuffled stratified
        k-fold; earlier rungs are not repeated). More folds make the means
        that select the winner less noisy, for ``n_repeats`` times the fits of
        the last rung. ``'auto'`` is 2 when ``cv`` is an int and 1 otherwise
        (given splits are used as they are); an int above 1 needs ``cv`` to be
        an int.

    select : {"one_se", "simplest", "best"}, default="one_se"
        How the winner is chosen among the candidates of the last rung:

        - ``'one_se'``: the simplest candidate whose mean score is within one
          standard error of the best mean (the error of the best candidate's
          mean over its folds), the highest mean among equally simple ones;
        - ``'simplest'``: the simplest candidate that the corrected resampled
          t-test (one-sided, level 0.05) cannot tell apart from the best, the
          rule of ``imbestimators compare``; on a few hundred rows the test
          rarely separates anything, so this mostly returns no treatment;
        - ``'best'``: the highest mean score.

        Simplicity: no treatment, then class weights, then the random
        samplers, then SMOTE-like samplers and cleaning rules, then
        combinations, heavy samplers and ensembles; prior correction and a
        tuned threshold each add one step.

    compete_untuned : bool, default=False
        With ``decision``, whether each candidate is also tried without the
        tuned threshold, at its own decision rule (for instance 0.5 after a
        balancing sampler), scored on the same objective, one step simpler
        than tuned. A threshold tuned on the few positives of small folds is
        noisy and can lose to the rule the strategy already implies; but the
        doubled space also makes the winner's score more optimistic, and on
        the KEEL sets we chose the defaults on it did not help on average.
        Not done when ``decision`` has a ``constraint`` (an untuned rule
        cannot honour it), nor by ``search='optuna'``.

    refit : bool or str, default=True
        Whether to refit the chosen candidate on all rows as
        ``best_estimator_``. With several metrics in ``scoring``, the name of
        the metric that ranks and selects the candidates (the winner is then
        refit).

    error_score : "raise" or float, default=np.nan
        The score of a candidate whose fit fails (with a
        :class:`~sklearn.exceptions.FitFailedWarning`); ``'raise'`` raises.

    n_jobs : int, default=None
        Fits run in parallel (joblib; any backend, Dask included).

    random_state : int, RandomState instance or None, default=None
        Seeds the drawn ratios, the subsamples and every sampler; all seeds
        are drawn before any fit, so results do not depend on ``n_jobs``.

    verbose : int, default=0
        Print one line per rung when positive.

    callback : callable, default=None
        Called in the main process after each fit with a dict: ``iter``,
        ``candidate`` (index into the candidates), ``split``, ``score`` (NaN
        for a cross-fitted decision rule, scored once the rung's splits are
        all in), ``done`` and ``total`` (fits finished and planned in this
        rung), ``n_rows`` (rows of this rung), ``fits_done`` and
        ``fits_planned`` (fits finished in all rungs so far, and planned in
        all rungs before the first fit: an upper bound, as the baseline may
        join the promoted candidates; None with ``search='optuna'``). For
        progress bars and time-left estimates.

    Attributes
    ----------
    cv_results_ : dict of ndarray
        One row per candidate and rung, as in scikit-learn's
        ``HalvingGridSearchCV``: ``iter``, ``n_resources``, ``candidate``,
        ``params``, ``strategy``, ``param_strategy``, ``param_ratio``,
        ``param_beta``, ``param_prior_correction``, ``param_threshold``
        (``'tuned'`` or ``'default'`` with ``decision``, else masked),
        ``simplicity``, ``split{k}_test_score`` (NaN for the splits a row's
        rung does not have: only the last rung is repeated),
        ``mean_test_score``, ``std_test_score``,
        ``rank_test_score`` (by score; the chosen row can rank lower, see
        ``selection_reason_``; with several metrics, each has these four
        columns with its name in place of ``score``), ``mean_fit_time``,
        ``std_fit_time``, ``mean_score_time``, ``std_score_time``, ``error``.
    best_index_ : int
        The row of the chosen candidate (last rung).
    best_params_ : dict
        Its parameters: ``strategy``, ``ratio``, ``beta``,
        ``prior_correction``, ``threshold``.
    best_strategy_ : str
        Its strategy.
    best_score_ : float
        Its mean score on the last rung (of the ``refit`` metric, with
        several).
    best_estimator_ : estimator
        It, refit on all rows (``refit=True``).
    selection_reason_ : str
        Why it was chosen, in words.
    candidates_ : list of dict
        Every candidate drawn.
    n_resources_ : list of int
        Rows of each rung.
    n_candidates_ : list of int
        Candidates of each rung.
    n_splits_ : int
        Splits of the last rung (``cv``'s folds times ``n_repeats``).
    scorer_ : callable or dict
        The scorer that ranked the candidates; with several metrics, a dict
        of every metric's scorer.
    refit_time_ : float
        Seconds to refit the winner.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during ``fit`` (when the winner exposes it).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit`` (when the winner exposes them).

    See Also
    --------
    ThresholdTunedClassifier : The decision rule added by ``decision``.
    PriorCorrectedClassifier : The prior correction tried with
        ``prior_correction``.
    sklearn.model_selection.HalvingGridSearchCV : Successive halving over a
        parameter grid.

    Notes
    -----
    Halving subsamples keep the class prior of the data: every class keeps its
    share of the rows, so that a strategy meets on a subsample the imbalance it
    will meet on all rows (keeping every minority row instead would make the
    subsamples less imbalanced, and favour no treatment early). A class is
    never cut below 10 rows per test fold (or all its rows), which
    ``min_resources='auto'`` makes rare by starting where the rarest class
    reaches that floor. The baseline (no treatment) is carried to the last
    rung whatever its score, so that the final test can always prefer it.

    Choosing the highest of many noisy means overrates the winner (the
    winner's curse), and on a few hundred rows the candidates' means differ
    by less than their noise. The default ``select='one_se'`` is the
    one-standard-error rule [3]_: it prefers a simpler candidate unless the
    best is ahead by more than one standard error of its mean. That error
    ignores that folds share training rows, so the rule is a heuristic, not a
    test; the corrected resampled t-test [1]_ (``select='simplest'``) accounts
    for the shared rows but, with 5 to 10 folds, separates candidates only
    when they differ by several standard errors. ``select='one_se'`` was
    chosen over both by nested cross-validation on 8 KEEL data sets kept
    apart from those of ``benchmarks/bench_search.py`` (see the User Guide).
    Successive halving is [2]_.

    References
    ----------
    .. [1] Nadeau, C. and Bengio, Y. "Inference for the generalization error",
       Machine Learning 52(3), 2003.
    .. [2] Jamieson, K. and Talwalkar, A. "Non-stochastic best arm
       identification and hyperparameter optimization", AISTATS, 2016.
    .. [3] Hastie, T., Tibshirani, R. and Friedman, J. "The Elements of
       Statistical Learning", 2nd ed., Springer, 2009, section 7.10.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbestimators.model_selection import ImbalanceStrategySearchCV
    >>> X, y = make_classification(n_samples=600, weights=[0.9], random_state=0)
    >>> search = ImbalanceStrategySearchCV(
    ...     LogisticRegression(),
    ...     strategies=["none", "class_weight=balanced", "RandomUnderSampler"],
    ...     n_candidates=2,
    ...     cv=3,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> search.best_strategy_
    'none'
    >>> search.cv_results_["strategy"].tolist()
    ['none', 'class_weight=balanced', 'RandomUnderSampler', 'RandomUnderSampler']
    >>> search.predict(X[:5]).tolist()
    [0, 0, 0, 0, 0]
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "strategies": [StrOptions({"auto", "all"}), list, tuple],
        "scoring": [str, callable, list, tuple, dict],
        "decision": [None, str, dict, "array-like"],
        "prior_correction": [StrOptions({"auto"}), "boolean"],
        "search": [StrOptions({"halving", "exhaustive", "optuna"})],
        "n_candidates": [Interval(Integral, 1, None, closed="left")],
        "factor": [Interval(Real, 1, None, closed="neither")],
        "min_resources": [
            StrOptions({"auto"}),
            Interval(Integral, 2, None, closed="left"),
        ],
        "pos_label": [Real, str, "boolean", None],
        "cv": ["cv_object"],
        "n_repeats": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "select": [StrOptions({"one_se", "simplest", "best"})],
        "compete_untuned": ["boolean"],
        "refit": ["boolean", str],
        "error_score": [StrOptions({"raise"}), Real],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callback": [callable, None],
    }

    def __init__(
        self,
        estimator,
        *,
        strategies="auto",
        scoring="average_precision",
        decision=None,
        prior_correction="auto",
        search="halving",
        n_candidates=4,
        factor=3,
        min_resources="auto",
        pos_label=None,
        cv=5,
        n_repeats="auto",
        select="one_se",
        compete_untuned=False,
        refit=True,
        error_score=np.nan,
        n_jobs=None,
        random_state=None,
        verbose=0,
        callback=None,
    ):
        self.estimator = estimator
        self.strategies = strategies
        self.scoring = scoring
        self.decision = decision
        self.prior_correction = prior_correction
        self.search = search
        self.n_candidates = n_candidates
        self.factor = factor
        self.min_resources = min_resources
        self.pos_label = pos_label
        self.cv = cv
        self.n_repeats = n_repeats
        self.select = select
        self.compete_untuned = compete_untuned
        self.refit = refit
        self.error_score = error_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.callback = callback

    # -- checks, all before any fit ------------------------------------------

    def _check_y(self, y):
        y, classes = check_classification_y(y, self)
        if self.pos_label is not None and self.pos_label not in classes.tolist():
            raise ValueError(
                f"{type(self).__name__}: pos_label={self.pos_label!r} is not a "
                f"class of y; the classes are {classes.tolist()}."
            )
        return y, classes

    def _multimetric(self):
        return isinstance(self.scoring, (list, tuple, dict))

    def _metric_names(self):
        """The names of the metrics of ``scoring``, or None for one metric."""
        if not self._multimetric():
            return None
        return list(self.scoring)

    def _ranking_scoring(self):
        """The entry of ``scoring`` that ranks the candidates (refit's, with
        several): a scorer name or a callable."""
        if isinstance(self.scoring, dict):
            return self.scoring[self.refit]
        if isinstance(self.scoring, (list, tuple)):
            return self.refit
        return self.scoring

    def _ranking_key(self):
        """The suffix of the ``cv_results_`` keys that rank the candidates."""
        return self.refit if self._multimetric() else "score"

    def _check_scoring(self):
        owner = type(self).__name__
        names = self._metric_names()
        if names is None:
            if isinstance(self.refit, str):
                raise ValueError(
                    f"{owner}: refit={self.refit!r} names a metric, but scoring "
                    "has one metric; use refit=True or False."
                )
            return
        if self.decision is not None:
            raise ValueError(
                f"{owner}: with decision={self.decision!r} the candidates are "
                "ranked on its objective; scoring with several metrics is only "
                "used without decision."
            )
        if not names or len(set(names)) != len(names):
            raise ValueError(
                f"{owner}: scoring needs distinct metric names; got {names}."
            )
        if not all(isinstance(n, str) for n in names):
            raise TypeError(
                f"{owner}: the metrics of a scoring list must be scorer names "
                f"(str); use a dict for callables. Got {names}."
            )
        if not isinstance(self.refit, str) or self.refit not in names:
            raise ValueError(
                f"{owner}: with several metrics, refit must name the one that "
                f"ranks the candidates, one of {names}; got refit={self.refit!r}."
            )

    def _selection_scorers(self, classes):
        """The scorer of ``scoring``, or a dict of them for several metrics."""
        if not self._multimetric():
            return make_selection_scorer(
                self.scoring, self.estimator, classes, self.pos_label
            )
        items = (
            self.scoring.items()
            if isinstance(self.scoring, dict)
            else ((name, name) for name in self.scoring)
        )
        return {
            name: make_selection_scorer(
                scoring, self.estimator, classes, self.pos_label
            )
            for name, scoring in items
        }

    def _decision_rule(self, y, classes):
        """``decision``, checked: its ThresholdTunedClassifier parameters, a
        template tuner holding them, and how the rule is cross-fitted.

        Without a ``cv`` of its own (and with a built-in objective and several
        splits), the rule is tuned on the search's own splits (see
        :func:`cross_fitted_scores`) instead of by a cross-validation inside
        every fit: the third item is then the out-of-fold scorer and the
        objective, else None. All three are None without ``decision``.
        """
        decision = self.decision
        if decision is None:
            return None, None, None
        if isinstance(decision, str):
            params = {"objective": decision}
        elif isinstance(decision, dict) and set(decision) <= _COST_KEYS:
            params = {"objective": "cost", "cost_matrix": decision}
        elif isinstance(decision, dict):
            unknown = set(decision) - _DECISION_KEYS
            if unknown:
                raise ValueError(
                    f"{type(self).__name__}: decision has unknown keys "
                    f"{sorted(unknown)}; a dict of decision parameters takes "
                    f"{sorted(_DECISION_KEYS)}, a cost dict {sorted(_COST_KEYS)}."
                )
            params = dict(decision)
        else:
            params = {"objective": "cost", "cost_matrix": np.asarray(decision)}
        if self.pos_label is not None:
            params.setdefault("pos_label", self.pos_label)
        elif len(classes) == 2:
            params.setdefault("pos_label", classes[-1])
        # fails now, with ThresholdTunedClassifier's message, not in every fit
        template = ThresholdTunedClassifier(self.estimator, **params)
        template._validate_params()
        objective, score_args = template._scoring(classes)
        if "cv" in params or not (objective.builtin and self._splits_to_cross(y)):
            params.setdefault("cv", _DECISION_CV)
            return params, template, None
        return params, template, (OutOfFoldScores(score_args), objective)

    def _splits_to_cross(self, y):
        """Whether every rung has several splits, for cross-fitted rules."""
        if isinstance(self.cv, Integral) or self._n_repeats() > 1:
            return True
        if hasattr(self.cv, "split"):
            return self.cv.get_n_splits(np.zeros((len(y), 1)), y, self._groups) > 1
        # a list of splits; an iterator, which only the search may read, is
        # tuned nested
        return hasattr(self.cv, "__len__") and len(self.cv) > 1

    def _model_decision(self, decision):
        """The decision parameters built into each candidate's model."""
        return None if self._crossfit is not None else decision

    def _prior_options(self, classes, decision):
        if self.prior_correction != "auto":
            return [False, True] if self.prior_correction else [False]
        ranks_by = self._ranking_scoring()
        ranking = isinstance(ranks_by, str) and ranks_by in RANKING_SCORERS
        if decision is not None or ranking:
            return [False]
        return [False, True]

    def _fit_weight(self, sample_weight):
        """Whether candidates are fit with the sample weights."""
        if sample_weight is None:
            return False
        final = getattr(self.estimator, "steps", [(None, self.estimator)])[-1][1]
        if has_fit_parameter(final, "sample_weight"):
            return True
        warnings.warn(
            f"{type(final).__name__}.fit does not take sample_weight: the weights "
            "are only used to score the candidates."
        )
        return False

    # -- the search ----------------------------------------------------------

    def _evaluate(self, models, candidates, candidate_ids, rows, cv, context):
        """Scores of each candidate on each split of ``rows``: a list of dicts."""
        X, y, weight, scorer, fit_weight, iteration = context
        crossed = self._crossed(candidates, candidate_ids)
        groups = None if self._groups is None else self._groups[rows]
        splits = [
            (rows[train], rows[test])
            for train, test in cv.split(np.zeros((len(rows), 1)), y[rows], groups)
        ]
        tasks = [
            (c, k, train, test)
            for c in candidate_ids
            for k, (train, test) in enumerate(splits)
        ]
        # a list, not a generator: `delayed` reads the caller's configuration
        # (the k-NN device) when called, and joblib consumes a generator of
        # tasks past its first batch from another thread, whose configuration
        # is the default one
        jobs = [
            delayed(fit_and_score)(
                models[c],
                X,
                y,
                weight,
                train,
                test,
                self._crossfit[0] if c in crossed else scorer,
                fit_weight,
                self.error_score,
            )
            for c, _, train, test in tasks
        ]
        outputs = Parallel(n_jobs=self.n_jobs, return_as="generator")(jobs)
        results = {
            c: {"scores": [], "fit": [], "score": [], "errors": []}
            for c in candidate_ids
        }
        for done, ((c, k, _, _), out) in enumerate(zip(tasks, outputs), start=1):
            score, fit_time, score_time, error, exception = out
            self._fits_done += 1
            entry = results[c]
            if isinstance(score, dict):  # several metrics: refit names the one
                for name, value in score.items():
                    entry.setdefault("metrics", {}).setdefault(name, []).append(value)
                score = score[self.refit]
            entry["scores"].append(score)
            if c in crossed:
                # the rule's score needs the other splits: known at the end
                score = np.nan if isinstance(score, np.ndarray) else score
            entry["fit"].append(fit_time)
            entry["score"].append(score_time)
            if error is not None:
                entry["errors"].append(error)
                entry.setdefault("exception", exception)
            if self.callback is not None:
                self.callback(
                    {
                        "iter": iteration,
                        "candidate": c,
                        "split": k,
                        "score": score,
                        "done": done,
                        "total": len(tasks),
                        "n_rows": len(rows),
                        "fits_done": self._fits_done,
                        "fits_planned": self._fits_planned,
                    }
                )
        for c in crossed:
            self._score_crossed(results[c], splits, y, weight)
        if all(len(r["errors"]) == len(splits) for r in results.values()):
            first = results[candidate_ids[0]]
            errors = {e for r in results.values() for e in r["errors"]}
            raise_all_failed(type(self).__name__, first["exception"], errors)
        return results, splits

    def _crossed(self, candidates, candidate_ids):
        """The candidates whose tuned rule is cross-fitted on the splits."""
        if self._crossfit is None:
            return set()
        return {c for c in candidate_ids if candidates[c]["threshold"] == "tuned"}

    def _score_crossed(self, entry, splits, y, weight):
        """Replace a cross-fitted candidate's score matrices by its scores."""
        matrices = entry["scores"]
        entry["folds"] = [
            (test, m if isinstance(m, np.ndarray) else None)
            for (_, test), m in zip(splits, matrices)
        ]
        values = cross_fitted_scores(entry["folds"], self._crossfit[1], y, weight)
        # a failed split keeps its error_score
        entry["scores"] = [
            v if isinstance(m, np.ndarray) else m for v, m in zip(values, matrices)
        ]

    def _run_halving(self, models, candidates, specs, data, rng):
        X, y, weight, scorer, fit_weight = data
        cv = check_cv(self.cv, y, classifier=True)
        floor = class_floor(cv, y, self._groups) if can_subsample(self.cv) else 0
        counts = np.unique(y, return_counts=True)[1]
        if self.search == "halving" and can_subsample(self.cv):
            rungs = halving_schedule(
                counts,
                len(candidates),
                factor=self.factor,
                min_resources=self.min_resources,
                floor=floor,
            )
        else:
            rungs = [len(y)]
        permutations = class_permutations(y, rng)
        if self._groups is not None and not isinstance(self.cv, Integral):
            # (an int cv is stratified k-fold, which ignores the groups)
            rungs = rungs_split_by_group(
                rungs, permutations, floor, cv, y, self._groups
            )
        last_cv = self._last_rung_cv(cv, rng)
        baseline = [
            i for i, c in enumerate(candidates) if specs[c["strategy"]].kind == "none"
        ]
        self._fits_planned = self._planned_fits(rungs, cv, last_cv, len(baseline))

        def evaluate(iteration, alive, rows, last):
            context = (X, y, weight, scorer, fit_weight, iteration)
            rung_cv = last_cv if last else cv
            results, splits = self._evaluate(
                models, candidates, alive, rows, rung_cv, context
            )
            if self.verbose:
                print(
                    f"{type(self).__name__}: rung {iteration}, {len(alive)} "
                    f"candidates on {len(rows)} rows"
                )
            return results, splits

        history = successive_halving(
            rungs,
            permutations,
            floor,
            range(len(candidates)),
            evaluate,
            lambda alive, out: self._promote(alive, out[0], baseline),
        )
        return [
            (iteration, len(rows), results, splits)
            for iteration, rows, _, (results, splits) in history
        ]

    def _planned_fits(self, rungs, cv, last_cv, n_baseline):
        """The fits of every rung, planned before any (an upper bound: a
        subsample may hold fewer groups, for splitters with a split per group)."""
        n_candidates = len(self.candidates_)
        alive = planned_candidates(n_candidates, len(rungs), self.factor, n_baseline)
        splits = [
            (last_cv if i == len(rungs) - 1 else cv).get_n_splits(
                np.zeros((n, 1)), groups=self._groups
            )
            for i, n in enumerate(rungs)
        ]
        return int(sum(a * k for a, k in zip(alive, splits)))

    def _last_rung_cv(self, cv, rng):
        """The splits of the last rung: ``cv`` repeated ``n_repeats`` times.

        The seed of the repeats is drawn here, before any fit, so that the
        folds do not depend on ``n_jobs``.
        """
        n_repeats = self._n_repeats()
        if n_repeats > 1:
            cv = RepeatedStratifiedKFold(
                n_splits=cv.get_n_splits(),
                n_repeats=n_repeats,
                random_state=rng.randint(np.iinfo(np.int32).max),
            )
        # the winner's cross-fitted rule is refit on these splits
        self._last_cv = cv
        return cv

    def _n_repeats(self):
        if self.n_repeats == "auto":
            return _AUTO_REPEATS if isinstance(self.cv, Integral) else 1
        return self.n_repeats

    def _check_repeats(self):
        if self._n_repeats() > 1 and not isinstance(self.cv, Integral):
            raise ValueError(
                f"{type(self).__name__}: n_repeats={self.n_repeats} repeats "
                "stratified k-fold and needs cv to be an int (the number of "
                f"folds); got cv={self.cv!r}. Set n_repeats=1 to use these "
                "splits as they are."
            )

    def _with_thresholds(self, candidates, decision):
        """Each candidate with its decision rule: tuned, and (maybe) its default.

        On small data a threshold tuned on a few folds can do worse than the
        rule the strategy already implies (a balanced sampler's 0.5): with
        ``compete_untuned`` both compete on the decision objective (never
        under a constraint, which an untuned rule cannot honour).
        """
        if decision is None:
            return [{**c, "threshold": None} for c in candidates]
        rules = ["tuned"]
        if self.compete_untuned and decision.get("constraint") is None:
            # an untuned rule cannot honour a constraint: only tuned ones
            rules = ["default", "tuned"]
        return [{**c, "threshold": r} for c in candidates for r in rules]

    def _promote(self, alive, results, baseline):
        """The best ``1 / factor`` of ``alive`` (failures last), plus the baseline."""
        means = {c: np.mean(results[c]["scores"]) for c in alive}
        order = sorted(
            alive,
            key=lambda c: (
                not np.isfinite(means[c]),
                -means[c] if np.isfinite(means[c]) else 0.0,
                c,
            ),
        )
        kept = order[: kept_candidates(len(alive), self.factor)]
        kept += [c for c in baseline if c in alive and c not in kept]
        return sorted(kept)

    @_fit_context(
        # the candidates are validated by their own fit
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, groups=None):
        """Search the strategies by cross-validation and refit the winner.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, as accepted by the estimator.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in every score, and in every fit when the
            final classifier takes ``sample_weight`` (the weights follow the
            rows that samplers keep or duplicate; rows a sampler creates get
            their class's mean weight).
        groups : array-like of shape (n_samples,), default=None
            Group labels of the rows, for a group splitter as ``cv`` (rows of
            a group, such as one customer's transactions, are never split
            between training and test). Splitters that take no groups (an int
            ``cv`` included) ignore them, with scikit-learn's warning. A
            ``decision`` with its own ``cv`` tunes its rule inside each fit,
            without the groups (so that ``cv`` cannot be a group splitter).

        Returns
        -------
        self : object
            The fitted search.
        """
        X, y = indexable(X, y)
        y, classes = self._check_y(y)
        weight = (
            None if sample_weight is None else _check_sample_weight(sample_weight, X)
        )
        self._groups = self._check_groups(groups, len(y))
        try:
            self._fit(X, y, weight, classes)
        finally:
            # the state of one fit, never left on the estimator (nor pickled),
            # not even when the fit fails
            for name in _FIT_STATE:
                self.__dict__.pop(name, None)
        return self

    def _fit(self, X, y, weight, classes):
        """The search and the refit, on checked data."""
        owner = type(self).__name__
        self._check_repeats()
        self._check_scoring()
        decision, template, self._crossfit = self._decision_rule(y, classes)
        # for the callback's progress (fits_planned: unknown with Optuna)
        self._fits_done, self._fits_planned = 0, None
        specs = {
            s.name: s
            for s in resolve_strategies(
                self.strategies, self.estimator, owner=owner, n_samples=len(y)
            )
        }
        rng = check_random_state(self.random_state)
        counts = np.unique(y, return_counts=True)[1]
        data_ratio = counts.min() / counts.max() if len(classes) == 2 else None
        if self.search == "optuna":
            from imbestimators.model_selection._strategy_optuna import import_optuna

            import_optuna(owner)
        self.candidates_ = draw_candidates(
            list(specs.values()),
            n_candidates=self.n_candidates,
            data_ratio=data_ratio,
            prior_options=self._prior_options(classes, decision),
            rng=rng,
            top=True,
        )
        self.candidates_ = self._with_thresholds(self.candidates_, decision)
        scorer = (
            DecisionScorer(template)
            if decision is not None
            else self._selection_scorers(classes)
        )
        fit_weight = self._fit_weight(weight)
        data = (X, y, weight, scorer, fit_weight)
        if self.search == "optuna":
            from imbestimators.model_selection._strategy_optuna import run_optuna

            self.candidates_, self._seeds, history = run_optuna(
                self, specs, decision, data, data_ratio, rng
            )
        else:
            seeds = rng.randint(np.iinfo(np.int32).max, size=len(self.candidates_))
            self._seeds = seeds.tolist()
            models = [
                build_candidate(
                    self.estimator,
                    specs[c["strategy"]],
                    c,
                    seed=s,
                    decision=self._model_decision(decision),
                )
                for c, s in zip(self.candidates_, seeds)
            ]
            history = self._run_halving(models, self.candidates_, specs, data, rng)
        self.scorer_ = scorer
        self.classes_ = classes
        self._store_results(history, specs)
        self._select(history, specs)
        if self.refit:
            self._refit((X, y, weight, fit_weight), specs, decision, history)

    def _check_groups(self, groups, n_samples):
        if groups is None:
            return None
        groups = np.asarray(groups)
        if groups.ndim != 1 or len(groups) != n_samples:
            raise ValueError(
                f"{type(self).__name__}: groups must be one label per row, of "
                f"shape ({n_samples},); got shape {groups.shape}."
            )
        return groups

    # -- results and selection -----------------------------------------------

    def _store_results(self, history, specs):
        rows = [
            (iteration, n_rows, c, entry)
            for iteration, n_rows, results, _ in history
            for c, entry in results.items()
        ]
        n_splits = max(len(entry["scores"]) for *_, entry in rows)
        self.n_splits_ = n_splits
        self.n_resources_ = [n for _, n, _, _ in history]
        self.n_candidates_ = [len(results) for _, _, results, _ in history]
        params = [dict(self.candidates_[c]) for _, _, c, _ in rows]
        results = {
            "iter": np.array([r[0] for r in rows]),
            "n_resources": np.array([r[1] for r in rows]),
            "candidate": np.array([r[2] for r in rows]),
            "params": params,
            "strategy": np.array([p["strategy"] for p in params], dtype=object),
            "simplicity": np.array([self._simplicity(p, specs) for p in params]),
        }
        for key in ("strategy", "ratio", "beta", "prior_correction", "threshold"):
            values = [p[key] for p in params]
            results[f"param_{key}"] = np.ma.MaskedArray(
                np.array(values, dtype=object),
                mask=[v is None for v in values],
            )
        names = self._metric_names()
        for name in names or ["score"]:
            per_row = [
                entry["scores"] if names is None else entry["metrics"][name]
                for *_, entry in rows
            ]
            self._store_metric(results, name, per_row, n_splits)
            results[f"rank_test_{name}"] = self._ranks(results, name)
        for what, key in (("fit", "fit_time"), ("score", "score_time")):
            times = [np.asarray(entry[what], dtype=float) for *_, entry in rows]
            results[f"mean_{key}"] = np.array([t.mean() for t in times])
            results[f"std_{key}"] = np.array([t.std() for t in times])
        results["error"] = np.array(
            ["; ".join(sorted(set(entry["errors"]))) for *_, entry in rows],
            dtype=object,
        )
        self.cv_results_ = results
        self._warn_failures(results)

    @staticmethod
    def _store_metric(results, name, per_row, n_splits):
        """The split, mean and std columns of one metric."""
        # the last rung has n_repeats times more splits: earlier rungs' rows
        # are NaN in the split columns they do not have, as in no fold at all
        scores = _padded(per_row, n_splits)
        for k in range(n_splits):
            results[f"split{k}_test_{name}"] = scores[:, k]
        # a failed split (NaN) makes the mean NaN, as in scikit-learn
        own = [np.asarray(values, dtype=float) for values in per_row]
        results[f"mean_test_{name}"] = np.array([s.mean() for s in own])
        results[f"std_test_{name}"] = np.array([s.std() for s in own])

    def _simplicity(self, params, specs):
        # each layer added on top of the strategy makes it less simple
        return (
            specs[params["strategy"]].simplicity
            + int(params["prior_correction"])
            + int(params.get("threshold") == "tuned")
        )

    @staticmethod
    def _ranks(results, name):
        # later rungs first (as HalvingGridSearchCV), then by score; failures last
        mean = results[f"mean_test_{name}"]
        mean = np.where(np.isnan(mean), -np.inf, mean)
        order = np.lexsort((-mean, -results["iter"]))
        ranks = np.empty(len(order), dtype=np.int32)
        ranks[order] = np.arange(1, len(order) + 1)
        return ranks

    def _warn_failures(self, results):
        failed = [e for e in results["error"] if e]
        if failed:
            warnings.warn(
                f"{len(failed)} of {len(results['error'])} candidate "
                f"evaluations had failed fits (score error_score="
                f"{self.error_score!r}); first: {failed[0]}",
                FitFailedWarning,
            )

    def _select(self, history, specs):
        """The candidate of the last rung that the ``select`` rule picks."""
        results = self.cv_results_
        last = np.flatnonzero(results["iter"] == history[-1][0])
        summaries = [self._summary(row, specs) for row in last]
        summaries.sort(key=lambda s: (not s.ok, -s.mean["score"] if s.ok else 0))
        if not any(s.ok for s in summaries):
            raise ValueError(
                f"{type(self).__name__}: no candidate of the last rung succeeded "
                f"on every split; errors: {'; '.join(results['error'][last])}"
            )
        if self.select == "simplest":
            splits = history[-1][3]
            test_over_train = np.mean([len(te) / len(tr) for tr, te in splits])
            choice = recommend(
                summaries,
                _Metric(self._score_name()),
                n_splits=1 + 1 / test_over_train,
            )
            label, reason = choice.strategy, choice.reason
        else:
            label, reason = self._within_error(summaries)
        self.best_index_ = int(label.rsplit("#", 1)[1])
        self.best_params_ = dict(results["params"][self.best_index_])
        self.best_strategy_ = self.best_params_["strategy"]
        key = self._ranking_key()
        self.best_score_ = float(results[f"mean_test_{key}"][self.best_index_])
        # the row numbers only made the labels unique
        self.selection_reason_ = re.sub(r" #\d+", "", reason)

    def _summary(self, row, specs):
        results = self.cv_results_
        params = results["params"][row]
        key = self._ranking_key()
        folds = np.array(
            [results[f"split{k}_test_{key}"][row] for k in range(self.n_splits_)]
        )
        return Summary(
            _Named(
                f"{_label(params)} #{row}",
                specs[params["strategy"]].family,
                results["simplicity"][row],
            ),
            mean={"score": float(np.mean(folds))},
            std={"score": float(np.std(folds))},
            folds={"score": folds},
            n_folds=len(folds),
            n_failed=int(np.isnan(folds).sum()),
        )

    def _within_error(self, summaries):
        """``select='best'`` or ``'one_se'``: (label, reason) of the choice.

        The one-standard-error rule (Breiman et al. 1984, Hastie et al. 2009,
        section 7.10): the simplest candidate whose mean is within one
        standard error of the best mean, the error being the best's fold
        spread over the square root of its number of folds.
        """
        usable = [s for s in summaries if s.ok]
        best = usable[0]
        name = self._score_name()
        shown = f"{best.mean['score']:.3f} ± {best.std['score']:.3f}"
        if self.select == "best":
            return best.strategy.name, f"highest mean {name} ({shown})."
        folds = best.folds["score"]
        # one split (given splits, a shuffle split) has no spread to measure:
        # the rule then keeps the best
        error = (
            float(np.std(folds, ddof=1) / np.sqrt(len(folds)))
            if len(folds) > 1
            else 0.0
        )
        tied = [s for s in usable if best.mean["score"] - s.mean["score"] <= error]
        choice = min(tied, key=lambda s: (s.strategy.simplicity, -s.mean["score"]))
        if choice is best:
            others = len(tied) - 1
            within = (
                f"{others} other candidate{'s' if others > 1 else ''} within one "
                f"standard error ({error:.3f}) of it, no simpler one"
                if others
                else f"no other candidate within one standard error ({error:.3f})"
            )
            return best.strategy.name, f"highest mean {name} ({shown}); {within}."
        gap = best.mean["score"] - choice.mean["score"]
        return choice.strategy.name, (
            f"the simplest candidate within one standard error ({error:.3f}) of "
            f"the best, {best.strategy.name} ({shown}); its mean "
            f"{name} is {choice.mean['score']:.3f}, {gap:.3f} lower."
        )

    def _score_name(self):
        if self.decision is not None:
            return "decision objective"
        if self._multimetric():
            return self.refit
        return self.scoring if isinstance(self.scoring, str) else "score"

    def _refit(self, data, specs, decision, history):
        X, y, weight, fit_weight = data
        candidate = self.cv_results_["candidate"][self.best_index_]
        seed = self._seeds[candidate]
        model = build_candidate(
            self.estimator,
            specs[self.best_strategy_],
            self.best_params_,
            seed=seed,
            decision=self._model_decision(decision),
        )
        start = time.perf_counter()
        if candidate in self._crossed(self.candidates_, [candidate]):
            # the rule is tuned on the last rung's out-of-fold scores, which
            # the search has: the same rule as a fit on those splits, for one fit
            model = ThresholdTunedClassifier(
                model, **decision, cv=self._last_cv, random_state=seed
            )
            # with a numeric error_score a candidate with a failed split can
            # win; that split has no scores to tune on
            folds = [
                (rows, scores)
                for rows, scores in history[-1][2][candidate]["folds"]
                if scores is not None
            ]
            model._fit_on_folds(X, y, folds, weight, fit_weight)
        else:
            kwargs = {"sample_weight": weight} if fit_weight else {}
            model.fit(X, y, **kwargs)
        self.best_estimator_ = model
        self.refit_time_ = time.perf_counter() - start
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.best_estimator_, attr):
                setattr(self, attr, getattr(self.best_estimator_, attr))

    # -- delegation ------------------------------------------------------------

    def _check_fitted(self):
        check_is_fitted(self, "best_estimator_")

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predict with the refitted winner.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        self._check_fitted()
        return self.best_estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the refitted winner.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        self._check_fitted()
        return self.best_estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of the refitted winner.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        self._check_fitted()
        return self.best_estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision values of the refitted winner.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        self._check_fitted()
        return self.best_estimator_.decision_function(X)

    def score(self, X, y, sample_weight=None):
        """The search's scorer (``scorer_``) on the refitted winner.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
        """
        self._check_fitted()
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        scorer = self.scorer_
        if isinstance(scorer, dict):
            scorer = scorer[self.refit]
        return scorer(self.best_estimator_, X, y, **kwargs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags
