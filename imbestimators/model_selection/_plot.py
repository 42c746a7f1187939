"""Plots of decision rules: objective against threshold, and cost curves.

matplotlib is imported only when something is drawn, so importing
:mod:`imbestimators.model_selection` does not need it.
"""

from types import SimpleNamespace

import numpy as np
from sklearn.utils.validation import check_is_fitted, column_or_1d

from imbestimators.model_selection._objective import (
    make_rule,
    resolve_objective,
    sample_costs,
)
from imbestimators.model_selection._response import (
    make_coding,
    resolve_response_method,
    rule_scores,
)
from imbestimators.model_selection._threshold_search import (
    candidates,
    count_candidates,
    search_offsets,
    threshold_curve,
)
from imbestimators.utils._optional import import_optional

__all__ = ["CostCurveDisplay", "MetricThresholdDisplay"]

# probability-cost points of a cost curve, and ROC points per block of the
# lower envelope (keeps the temporaries at a few MB)
_COST_POINTS = 201
_ENVELOPE_BLOCK = 8192


def _axes(ax):
    plt = import_optional("matplotlib.pyplot", purpose="to plot")
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _binary_targets(y_true, y_score, sample_weight, owner):
    """Checked (y_true, y_score, weight, classes) of two-class predictions."""
    y_true = column_or_1d(y_true)
    y_score = np.asarray(column_or_1d(y_score), dtype=np.float64)
    classes = np.unique(y_true)
    if len(classes) != 2:
        raise ValueError(
            f"{owner} needs two classes in y_true; got {len(classes)}: "
            f"{classes.tolist()!r}."
        )
    if y_score.shape != y_true.shape or not np.all(np.isfinite(y_score)):
        raise ValueError(
            f"{owner}: y_score must hold one finite score per sample of y_true "
            f"({len(y_true)}); got shape {y_score.shape}."
        )
    weight = (
        np.ones(len(y_true))
        if sample_weight is None
        else np.asarray(sample_weight, dtype=np.float64)
    )
    return y_true, y_score, weight, classes


class MetricThresholdDisplay:
    """Objective of a decision rule against its threshold (two classes).

    Build it with :meth:`from_estimator` (the cross-validated curves of a
    fitted :class:`ThresholdTunedClassifier`, or its curve on held-out data)
    or :meth:`from_predictions`; both call :meth:`plot`.

    Parameters
    ----------
    thresholds : ndarray of shape (n_thresholds,)
        Increasing thresholds; the rule predicts ``score >= threshold``.
    scores : ndarray of shape (n_thresholds,)
        Objective at each threshold.
    objective_name : str
        Name of the objective, for the axis label.
    fold_scores : ndarray of shape (n_folds, n_thresholds), default=None
        Objective of each fold, drawn as a band (lowest to highest fold).
    best_threshold, best_score : float, default=None
        The chosen threshold and its objective, marked on the plot.
    constraint_scores : ndarray of shape (n_thresholds,), default=None
        The constrained metric at each threshold.
    constraint : tuple (str, float), default=None
        The constraint ``(metric, floor)``; its floor is drawn as a line.
    estimator_name : str, default=None
        Name of the curve in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The objective curve.
    fold_band_ : matplotlib PolyCollection or None
        The band of the fold curves.
    threshold_line_ : matplotlib Line2D or None
        Vertical line at the chosen threshold.
    constraint_line_, floor_line_ : matplotlib Line2D or None
        The constrained metric and its floor.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    ThresholdTunedClassifier : Tune the threshold these curves show.
    CostCurveDisplay : Expected cost over all cost ratios.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbestimators.model_selection import (
    ...     MetricThresholdDisplay, ThresholdTunedClassifier)
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> clf = ThresholdTunedClassifier(LogisticRegression(), objective="f1")
    >>> display = MetricThresholdDisplay.from_estimator(clf.fit(X, y))
    >>> display.fold_scores.shape[0]
    5
    """

    def __init__(
        self,
        *,
        thresholds,
        scores,
        objective_name,
        fold_scores=None,
        best_threshold=None,
        best_score=None,
        constraint_scores=None,
        constraint=None,
        estimator_name=None,
    ):
        self.thresholds = thresholds
        self.scores = scores
        self.objective_name = objective_name
        self.fold_scores = fold_scores
        self.best_threshold = best_threshold
        self.best_score = best_score
        self.constraint_scores = constraint_scores
        self.constraint = constraint
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, show_folds=True):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        name : str, default=None
            Legend name of the objective curve (default: ``estimator_name``).
        show_folds : bool, default=True
            Draw the band of the fold curves, when there is one.

        Returns
        -------
        self : MetricThresholdDisplay
        """
        ax = _axes(ax)
        label = name or self.estimator_name or self.objective_name
        self.fold_band_ = None
        if show_folds and self.fold_scores is not None:
            self.fold_band_ = ax.fill_between(
                self.thresholds,
                self.fold_scores.min(axis=0),
                self.fold_scores.max(axis=0),
                step="pre",
                alpha=0.25,
                label="folds (lowest to highest)",
            )
        (self.line_,) = ax.plot(
            self.thresholds, self.scores, drawstyle="steps-pre", label=label
        )
        self._plot_constraint(ax)
        self._plot_best(ax)
        ax.set_xlabel("Decision threshold (predict positive if score >= threshold)")
        ylabel = self.objective_name
        if self.constraint is not None:
            ylabel = f"{ylabel}, {self.constraint[0]}"
        ax.set_ylabel(ylabel)
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _plot_constraint(self, ax):
        self.constraint_line_ = self.floor_line_ = None
        if self.constraint is None:
            return
        metric, floor = self.constraint
        if self.constraint_scores is not None:
            (self.constraint_line_,) = ax.plot(
                self.thresholds,
                self.constraint_scores,
                drawstyle="steps-pre",
                linestyle="--",
                label=metric,
            )
        self.floor_line_ = ax.axhline(
            floor, color="grey", linestyle=":", label=f"{metric} >= {floor:g}"
        )

    def _plot_best(self, ax):
        self.threshold_line_ = None
        if self.best_threshold is None:
            return
        self.threshold_line_ = ax.axvline(
            self.best_threshold,
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"chosen threshold {self.best_threshold:.3g}",
        )
        if self.best_score is not None:
            ax.plot([self.best_threshold], [self.best_score], "o", color="black")

    @classmethod
    def from_estimator(
        cls, estimator, X=None, y=None, *, sample_weight=None, name=None, ax=None
    ):
        """Plot the curves of a fitted two-class :class:`ThresholdTunedClassifier`.

        Parameters
        ----------
        estimator : ThresholdTunedClassifier
            Fitted, with two classes.
        X, y : array-like, default=None
            Without them, the cross-validated curves of ``cv_results_`` (pooled
            out-of-fold objective, band of the folds); with them, the objective
            of ``estimator_``'s scores on this (held-out) data.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of ``X`` in the objective.
        name : str, default=None
            Legend name of the curve.
        ax : matplotlib Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : MetricThresholdDisplay
        """
        check_is_fitted(estimator, "estimator_")
        if not hasattr(estimator, "best_threshold_"):
            raise ValueError(
                "MetricThresholdDisplay needs a ThresholdTunedClassifier fit on two "
                "classes; with more classes the rule has no single threshold."
            )
        common = {
            "objective_name": str(estimator.objective),
            "best_threshold": estimator.best_threshold_,
            "constraint": estimator.constraint,
            "estimator_name": name or type(estimator.estimator_).__name__,
        }
        if X is None:
            results = estimator.cv_results_
            display = cls(
                thresholds=results["thresholds"],
                scores=results["scores"],
                fold_scores=results["fold_scores"],
                best_score=estimator.best_score_,
                constraint_scores=results["constraint_scores"],
                **common,
            )
            return display.plot(ax=ax)
        display = cls(
            **_held_out_curve(estimator, X, y, sample_weight), best_score=None, **common
        )
        return display.plot(ax=ax)

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        objective="f1",
        beta=1.0,
        cost_matrix=None,
        constraint=None,
        pos_label=None,
        sample_weight=None,
        name=None,
        ax=None,
    ):
        """Plot a built-in objective against the threshold of given scores.

        The curve is exact (every distinct score is a threshold) and the best
        threshold is the one :class:`ThresholdTunedClassifier` would choose on
        these scores.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Two-class labels.
        y_score : array-like of shape (n_samples,)
            Scores of the positive class.
        objective, beta, cost_matrix, constraint, pos_label
            As for :class:`ThresholdTunedClassifier` (built-in objectives only).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        name : str, default=None
            Legend name of the curve.
        ax : matplotlib Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : MetricThresholdDisplay
        """
        owner = "MetricThresholdDisplay.from_predictions"
        y_true, y_score, weight, classes = _binary_targets(
            y_true, y_score, sample_weight, owner
        )
        settings = SimpleNamespace(
            owner_name=owner,
            estimator=None,
            objective=objective,
            beta=beta,
            cost_matrix=cost_matrix,
            constraint=constraint,
            pos_label=pos_label,
        )
        if not isinstance(objective, str):
            raise ValueError(f"{owner}: objective must be a built-in objective name.")
        resolved = resolve_objective(settings, classes, has_sample_cost=False)
        if not resolved.builtin:
            raise ValueError(
                f"{owner}: objective must be a built-in objective; got {objective!r}."
            )
        curve = _curve(resolved, y_true, y_score, weight)
        display = cls(objective_name=objective, estimator_name=name, **curve)
        return display.plot(ax=ax)


def _curve(objective, y_true, y_score, weight, scorer_data=None):
    """Exact curve and best threshold of ``objective`` on two-class scores."""
    y_codes = objective.coding.encode(y_true)
    costs = sample_costs(objective, y_codes, weight, None)
    rule = make_rule(objective, y_codes, weight, costs, scorer_data)
    thresholds, values, constraint = threshold_curve(y_score, rule)
    result = search_offsets(np.column_stack([np.zeros_like(y_score), y_score]), rule)
    return {
        "thresholds": thresholds,
        "scores": values,
        "constraint_scores": constraint,
        "constraint": objective.constraint,
        "best_threshold": float(-result.offsets[1]),
        "best_score": result.objective,
    }


def _held_out_curve(estimator, X, y, sample_weight):
    """Curve of a tuned classifier's objective on (X, y), its threshold kept."""
    y = column_or_1d(y)
    objective = resolve_objective(estimator, estimator.classes_, False)
    score = rule_scores(
        estimator.estimator_, X, estimator.response_method_, objective.coding
    )[:, 1]
    weight = (
        np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    )
    scorer_data = None
    if not objective.builtin:
        scorer_data = (X, y, {}, estimator.n_thresholds)
    curve = _curve(objective, y, score, weight, scorer_data)
    del curve["best_threshold"], curve["best_score"], curve["constraint"]
    return curve


def _roc_points(y_codes, score, weight):
    """(fpr, fnr, thresholds) of every threshold, exactly, thresholds increasing."""
    scores = np.column_stack([np.zeros_like(score), score])
    cands = candidates(scores, np.zeros(2), 1)
    counts = count_candidates(cands, y_codes, weight, 2)
    tp = counts.tp[:, 1]
    fp = counts.pred[:, 1] - tp
    neg, pos = counts.support
    fpr = fp / neg if neg > 0 else np.zeros_like(fp)
    fnr = 1.0 - tp / pos if pos > 0 else np.zeros_like(tp)
    # candidate j predicts the j highest distinct scores positive
    thresholds = np.r_[np.inf, -cands.boundaries]
    return fpr[::-1], fnr[::-1], thresholds[::-1]


def _lower_envelope(fpr, fnr, probability_cost):
    """Lowest normalized expected cost over all operating points, per PC(+)."""
    best = np.full(len(probability_cost), np.inf)
    for start in range(0, len(fpr), _ENVELOPE_BLOCK):
        block = slice(start, start + _ENVELOPE_BLOCK)
        costs = np.outer(fnr[block], probability_cost) + np.outer(
            fpr[block], 1.0 - probability_cost
        )
        best = np.minimum(best, costs.min(axis=0))
    return best


class CostCurveDisplay:
    """Cost curve of a two-class scorer (Drummond and Holte, 2006).

    For each operating condition, the probability cost
    ``PC(+) = p(+) C(fn) / (p(+) C(fn) + p(-) C(fp))``, the curve is the lowest
    normalized expected cost ``fnr * PC(+) + fpr * (1 - PC(+))`` reachable by a
    threshold: the lower envelope of one line per threshold. The diagonals are
    the trivial classifiers (all negative, all positive); a chosen threshold is
    drawn as its own line, showing for which cost ratios it is (near) optimal.

    Build it with :meth:`from_estimator` or :meth:`from_predictions`.

    Parameters
    ----------
    fpr, fnr : ndarray of shape (n_thresholds,)
        False-positive and false-negative rates of every threshold.
    thresholds : ndarray of shape (n_thresholds,)
        The thresholds, increasing.
    operating_point : tuple (fpr, fnr, threshold), default=None
        A chosen threshold and its rates.
    estimator_name : str, default=None
        Legend name of the envelope.

    Attributes
    ----------
    probability_cost_ : ndarray of shape (201,)
        The PC(+) axis.
    normalized_cost_ : ndarray of shape (201,)
        The lower envelope.
    line_ : matplotlib Line2D
        The envelope.
    operating_line_ : matplotlib Line2D or None
        The chosen threshold's line.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    References
    ----------
    .. [1] Drummond, C. and Holte, R. C. "Cost curves: an improved method for
       visualizing classifier performance", Machine Learning 65, 2006.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from imbestimators.model_selection import CostCurveDisplay
    >>> y = np.array([0, 0, 1, 1])
    >>> display = CostCurveDisplay.from_predictions(y, [0.1, 0.4, 0.35, 0.8])
    >>> float(display.normalized_cost_.max())
    0.25
    """

    def __init__(
        self, *, fpr, fnr, thresholds, operating_point=None, estimator_name=None
    ):
        self.fpr = fpr
        self.fnr = fnr
        self.thresholds = thresholds
        self.operating_point = operating_point
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, show_trivial=True):
        """Draw the cost curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        name : str, default=None
            Legend name of the envelope.
        show_trivial : bool, default=True
            Draw the always-negative and always-positive classifiers.

        Returns
        -------
        self : CostCurveDisplay
        """
        ax = _axes(ax)
        self.probability_cost_ = np.linspace(0.0, 1.0, _COST_POINTS)
        self.normalized_cost_ = _lower_envelope(
            np.asarray(self.fpr), np.asarray(self.fnr), self.probability_cost_
        )
        label = name or self.estimator_name or "lower envelope"
        (self.line_,) = ax.plot(
            self.probability_cost_, self.normalized_cost_, label=label
        )
        if show_trivial:
            ax.plot([0, 1], [0, 1], ":", color="grey", label="trivial classifiers")
            ax.plot([0, 1], [1, 0], ":", color="grey")
        self.operating_line_ = None
        if self.operating_point is not None:
            fpr, fnr, threshold = self.operating_point
            (self.operating_line_,) = ax.plot(
                [0, 1], [fpr, fnr], "--", label=f"threshold {threshold:.3g}"
            )
        ax.set_xlabel("Probability cost PC(+)")
        ax.set_ylabel("Normalized expected cost")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        pos_label=None,
        sample_weight=None,
        threshold=None,
        name=None,
        ax=None,
    ):
        """Plot the cost curve of given scores.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Two-class labels.
        y_score : array-like of shape (n_samples,)
            Scores of the positive class.
        pos_label : int, float, bool or str, default=None
            The positive class; the greater label when None.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        threshold : float, default=None
            A threshold to draw as its own line.
        name : str, default=None
            Legend name of the envelope.
        ax : matplotlib Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : CostCurveDisplay
        """
        owner = "CostCurveDisplay.from_predictions"
        y_true, y_score, weight, classes = _binary_targets(
            y_true, y_score, sample_weight, owner
        )
        if pos_label is not None and pos_label not in classes.tolist():
            raise ValueError(
                f"{owner}: pos_label={pos_label!r} is not a class of y_true; the "
                f"classes are {classes.tolist()!r}."
            )
        y_codes = make_coding(classes, pos_label).encode(y_true)
        fpr, fnr, thresholds = _roc_points(y_codes, y_score, weight)
        operating = None
        if threshold is not None:
            j = min(np.searchsorted(thresholds, threshold), len(thresholds) - 1)
            operating = (float(fpr[j]), float(fnr[j]), float(threshold))
        display = cls(
            fpr=fpr,
            fnr=fnr,
            thresholds=thresholds,
            operating_point=operating,
            estimator_name=name,
        )
        return display.plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        response_method="auto",
        pos_label=None,
        sample_weight=None,
        threshold=None,
        name=None,
        ax=None,
    ):
        """Plot the cost curve of a fitted two-class classifier on (X, y).

        For a fitted :class:`ThresholdTunedClassifier`, the scores are those of
        its ``estimator_``, the positive class is its own, and its
        ``best_threshold_`` is drawn unless ``threshold`` is given.

        Parameters
        ----------
        estimator : fitted classifier
            With ``predict_proba`` or ``decision_function``.
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            Two-class labels.
        response_method : {"auto", "predict_proba", "decision_function"}, \
                default="auto"
            The scores used.
        pos_label : int, float, bool or str, default=None
            The positive class; the greater label when None.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        threshold : float, default=None
            A threshold to draw as its own line.
        name : str, default=None
            Legend name of the envelope.
        ax : matplotlib Axes, default=None
            Axes to draw on.

        Returns
        -------
        display : CostCurveDisplay
        """
        check_is_fitted(estimator)
        if hasattr(estimator, "best_threshold_"):
            method = estimator.response_method_
            coding = estimator._coding
            threshold = estimator.best_threshold_ if threshold is None else threshold
            inner = estimator.estimator_
        else:
            classes = np.asarray(estimator.classes_)
            method = resolve_response_method(estimator, response_method)
            coding = make_coding(classes, pos_label)
            inner = estimator
        score = rule_scores(inner, X, method, coding)[:, 1]
        return cls.from_predictions(
            y,
            score,
            pos_label=coding.labels[1],
            sample_weight=sample_weight,
            threshold=threshold,
            name=name or type(inner).__name__,
            ax=ax,
        )
