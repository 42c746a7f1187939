"""RUSBoost: AdaBoost (SAMME) whose every member learns on a random under-sample."""

import copy
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.ensemble import AdaBoostClassifier
from sklearn.tree import DecisionTreeClassifier, ExtraTreeClassifier
from sklearn.utils import _safe_indexing

from imbestimators.pipeline import Pipeline
from imbestimators.under_sampling import RandomUnderSampler
from imbestimators.utils._param_validation import Hidden, StrOptions, _fit_context

__all__ = ["RUSBoostClassifier"]

_ALGORITHM_DEPRECATION = (
    "`algorithm` parameter is deprecated in 0.12 and will be removed in a future "
    "version, as in imbalanced-learn; the SAMME algorithm is always used "
    "(scikit-learn removed SAMME.R in 1.6). Leave `algorithm` unset to silence "
    "this warning."
)


def _fitted_pipeline(sampler, estimator):
    """A pipeline of a round's fitted sampler and member, named as make_pipeline does.

    The steps are the fitted objects themselves (not copies), so the pipeline
    predicts as the member does and costs no memory.
    """
    return Pipeline(
        [(type(step).__name__.lower(), step) for step in (sampler, estimator)]
    )


class RUSBoostClassifier(AdaBoostClassifier):
    """AdaBoost in which every member learns on a random under-sample.

    A drop-in replacement for :class:`imblearn.ensemble.RUSBoostClassifier`:
    same parameters, defaults and fitted attributes, and with the same
    ``random_state`` the same model (see Notes for the two cases that
    differ on purpose). At each boosting round a
    :class:`~imbestimators.under_sampling.RandomUnderSampler` draws a
    balanced subset of the rows; the member is fitted on that subset with
    the current boosting weights of its rows; its weighted error is measured
    on *all* rows and the weights of all rows are updated by the discrete
    SAMME rule, as in :class:`sklearn.ensemble.AdaBoostClassifier`.

    Read more in the :ref:`User Guide <ensemble>`.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member from which the boosted ensemble is built; it must accept
        ``sample_weight`` in ``fit``. ``None`` means
        ``DecisionTreeClassifier(max_depth=1)`` (a stump).

    n_estimators : int, default=50
        Maximum number of members. Boosting stops earlier when a member is
        perfect on the weighted rows, or no better than chance (that member
        is then discarded).

    learning_rate : float, default=1.0
        Shrinks the weight of each member; trades off with ``n_estimators``.

    algorithm : {'SAMME', 'SAMME.R'}, default='deprecated'
        Deprecated, kept so that code written for imbalanced-learn runs.
        Setting it raises a ``FutureWarning``; SAMME is always used.

    sampling_strategy : float, str, dict or callable, default='auto'
        Counts of the under-sample of every round, with
        :class:`~imbestimators.under_sampling.RandomUnderSampler`'s meaning
        (``'auto'``: every class but the minority down to the minority's
        count).

    replacement : bool, default=False
        Whether each round's under-sample is drawn with replacement.

    random_state : int, RandomState instance or None, default=None
        Seeds every round: each round draws one seed for its member and one
        for its sampler, in imbalanced-learn's order, so the same value gives
        the same model.

    Attributes
    ----------
    estimator_ : estimator
        The unfitted member from which the ensemble is grown.

    estimators_ : list of classifiers
        The fitted members.

    base_sampler_ : RandomUnderSampler
        The unfitted sampler from which the rounds' samplers are cloned.

    samplers_ : list of RandomUnderSampler
        The fitted sampler of every round. Its ``sample_indices_`` are row
        positions in the ``X`` given to ``fit``.

    pipelines_ : list of :class:`~imbestimators.pipeline.Pipeline`
        For every round, a fitted pipeline of ``samplers_[i]`` and
        ``estimators_[i]`` (the same objects).

    classes_ : ndarray of shape (n_classes,)
        The class labels.

    n_classes_ : int
        The number of classes.

    estimator_weights_ : ndarray of shape (n_estimators,)
        Weight of each member in the vote (0 for rounds not run).

    estimator_errors_ : ndarray of shape (n_estimators,)
        Weighted error of each member on all rows (1 for rounds not run).

    feature_importances_ : ndarray of shape (n_features,)
        Weighted mean of the members' feature importances, when they have
        them.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when they are all strings.

    See Also
    --------
    sklearn.ensemble.AdaBoostClassifier : The same boosting on all rows.
    imbestimators.under_sampling.RandomUnderSampler : The sampler of every round.

    Notes
    -----
    RUSBoost [1]_ under-samples the rows a member learns from but keeps the
    boosting distribution over every row: the error that weighs a member, and
    the weight update, are computed on the whole training set.

    Two choices differ from imbalanced-learn 0.14.2:

    - A row of ``sample_weight`` 0 is never drawn into an under-sample, so it
      neither takes the place of a row that counts nor changes the class
      counts the under-sample is sized from: a zero weight is the same as
      dropping the row (imbalanced-learn draws such rows, which then
      contribute nothing to the member they were drawn for). Without zero
      weights the two libraries fit the same model.
    - ``pipelines_`` holds fitted pipelines (imbalanced-learn stores
      unfitted copies of the round's sampler and member, which cannot
      predict), and ``algorithm='SAMME.R'`` runs SAMME (imbalanced-learn
      0.14.2 then updates the weights by the SAMME.R rule but votes with
      every member weighted 1, because scikit-learn >= 1.6, whose prediction
      code it inherits, has no SAMME.R).

    References
    ----------
    .. [1] C. Seiffert, T. M. Khoshgoftaar, J. Van Hulse and A. Napolitano,
       "RUSBoost: A hybrid approach to alleviating class imbalance," IEEE
       Transactions on Systems, Man, and Cybernetics - Part A: Systems and
       Humans, 40(1), 185-197, 2010.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.ensemble import RUSBoostClassifier
    >>> X, y = make_classification(n_samples=1000, n_classes=3, n_informative=4,
    ...                            weights=[0.2, 0.3, 0.5], random_state=0)
    >>> clf = RUSBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> sorted(Counter(y[clf.samplers_[0].sample_indices_].tolist()).items())
    [(0, 201), (1, 201), (2, 201)]
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints: dict = {
        **AdaBoostClassifier._parameter_constraints,
        "algorithm": [
            StrOptions({"SAMME", "SAMME.R"}),
            Hidden(StrOptions({"deprecated"})),
        ],
        "sampling_strategy": RandomUnderSampler._parameter_constraints[
            "sampling_strategy"
        ],
        "replacement": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        algorithm="deprecated",
        sampling_strategy="auto",
        replacement=False,
        random_state=None,
    ):
        super().__init__(
            estimator=estimator,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            random_state=random_state,
        )
        self.algorithm = algorithm
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Build the boosted ensemble from the training set (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input samples (CSR or CSC when sparse).
        y : array-like of shape (n_samples,)
            The class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; ``None`` means equal weights. Rows of weight 0
            are never drawn into an under-sample (a class whose rows all
            weigh 0 stays in ``classes_`` but is never predicted).

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        if self.algorithm != "deprecated":
            warnings.warn(_ALGORITHM_DEPRECATION, FutureWarning, stacklevel=3)
        self.samplers_ = []
        self.pipelines_ = []
        try:
            return super().fit(X, y, sample_weight)
        finally:
            # per-fit scratch state of _boost; it must not be pickled with the model
            self.__dict__.pop("_rounds", None)

    def _validate_estimator(self):
        """Set ``estimator_`` (checked for sample_weight) and ``base_sampler_``."""
        super()._validate_estimator()
        self.base_sampler_ = RandomUnderSampler(
            sampling_strategy=self.sampling_strategy, replacement=self.replacement
        )

    def _boost(self, iboost, X, y, sample_weight, random_state):
        """One SAMME round whose member is fitted on a random under-sample.

        Returns the updated weights of all rows, the member's weight and its
        error, or three ``None`` when the member is no better than chance.
        """
        if iboost == 0:
            self.classes_ = np.unique(y)
            self.n_classes_ = len(self.classes_)
            X, predict_params = self._member_input(X, fitting=True)
            self._rounds = {
                "X": X,
                "predict_params": predict_params,
                **self._drawable_rows(X, y, sample_weight),
            }
        X = self._rounds["X"]
        # imbalanced-learn's seed order: the member's seed, then the sampler's
        estimator = self._make_estimator(random_state=random_state)
        sampler = clone(self.base_sampler_).set_params(
            random_state=random_state.randint(np.iinfo(np.int32).max)
        )
        X_res, y_res, rows = self._under_sample(sampler)
        estimator.fit(X_res, y_res, sample_weight=sample_weight[rows])
        self.samplers_.append(sampler)
        self.pipelines_.append(_fitted_pipeline(sampler, estimator))

        incorrect = estimator.predict(X, **self._rounds["predict_params"]) != y
        error = np.average(incorrect, weights=sample_weight)
        if error <= 0:
            return sample_weight, 1.0, 0.0
        if error >= 1.0 - 1.0 / self.n_classes_:
            self._drop_last_round(error)
            return None, None, None

        weight = self.learning_rate * (
            np.log((1.0 - error) / error) + np.log(self.n_classes_ - 1.0)
        )
        # every row's weight is updated, drawn or not (Seiffert et al., step 2f);
        # the last round's update would never be used
        if iboost < self.n_estimators - 1:
            sample_weight *= np.exp(weight * incorrect * (sample_weight > 0))
        return sample_weight, weight, error

    def _drop_last_round(self, error):
        """Discard a member no better than chance; boosting then stops.

        Raises when it was the first member: there is no ensemble to keep.
        """
        for fitted in (self.estimators_, self.samplers_, self.pipelines_):
            fitted.pop()
        if not self.estimators_:
            raise ValueError(
                f"{type(self).__name__}: the first member is no better than "
                f"chance (weighted error {error:.4g} >= "
                f"{1.0 - 1.0 / self.n_classes_:.4g} for {self.n_classes_} "
                "classes); the ensemble cannot be fitted. Use a stronger "
                "estimator or check the labels."
            )

    def _member_input(self, X, *, fitting=False):
        """X as a scikit-learn tree member reads it, cast once instead of per member.

        Trees cast X to float32 in ``fit`` and ``predict``; casting once (the
        same values) spares every round, and every member at predict time,
        that copy. While fitting, X is finite (validated) and, once checked
        finite as float32, each round's ``predict`` may also skip the tree's
        re-validation. Other members get X unchanged.

        Returns X and the keyword arguments of the members' ``predict``.
        """
        is_tree = type(self.estimator_) in (DecisionTreeClassifier, ExtraTreeClassifier)
        if not is_tree or sparse.issparse(X) or X.dtype.kind not in "biuf":
            return X, {}
        with np.errstate(over="ignore"):  # overflow is looked for below
            X = np.asarray(X, dtype=np.float32)
        if fitting and np.isfinite(X).all():
            return X, {"check_input": False}
        # a value beyond float32's range: the tree's own check reports it
        return X, {}

    def _check_X(self, X):
        return self._member_input(super()._check_X(X))[0]

    def _drawable_rows(self, X, y, sample_weight):
        """Rows an under-sample may draw: those of positive weight.

        Returns a dict of ``rows`` (None when every row qualifies; no copy of
        X is then made), ``X_drawable`` and ``y_drawable``. The boosting update
        never brings a positive weight to 0 (scikit-learn clips it), so the
        set found at the first round holds for all rounds.
        """
        positive = sample_weight > 0
        if positive.all():
            return {"rows": None, "X_drawable": X, "y_drawable": y}
        rows = np.flatnonzero(positive)
        drawable_classes = np.unique(y[rows])
        if len(drawable_classes) < 2:
            drawable = set(drawable_classes.tolist())
            empty = [label for label in self.classes_.tolist() if label not in drawable]
            raise ValueError(
                f"{type(self).__name__}: sample_weight is 0 on every row of "
                f"class(es) {empty}, and rows of weight 0 are never drawn into an "
                "under-sample, so fewer than two classes are left to learn from. "
                "Give those rows a positive weight or drop them."
            )
        return {
            "rows": rows,
            "X_drawable": _safe_indexing(X, rows),
            "y_drawable": y[rows],
        }

    def _under_sample(self, sampler):
        """Fit ``sampler`` on the drawable rows; its indices are made rows of X.

        The first round's sampler validates the rows and resolves
        ``sampling_strategy_`` through ``fit_resample``; later rounds reuse
        that state and only draw, which gives the same rows (the draw depends
        on the seed and ``y`` alone) without re-validating X and y each round.
        """
        drawable = self._rounds
        X_drawable, y_drawable = drawable["X_drawable"], drawable["y_drawable"]
        if "fitted_state" not in drawable:
            X_res, y_res = sampler.fit_resample(X_drawable, y_drawable)
            drawable["fitted_state"] = {
                name: value
                for name, value in vars(sampler).items()
                if name.endswith("_") and name != "sample_indices_"
            }
        else:
            for name, value in drawable["fitted_state"].items():
                setattr(sampler, name, copy.copy(value))
            X_res, y_res = sampler._fit_resample(X_drawable, y_drawable)
        if drawable["rows"] is not None:
            sampler.sample_indices_ = drawable["rows"][sampler.sample_indices_]
        return X_res, y_res, sampler.sample_indices_
