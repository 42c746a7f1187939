"""Bagging in which every member balances its sample with a sampler."""

from sklearn.base import clone
from sklearn.ensemble import BaggingClassifier
from sklearn.tree import DecisionTreeClassifier

from imbestimators.ensemble._common import (
    SAMPLING_STRATEGY_CONSTRAINT,
    BaseBalancedBagging,
)
from imbestimators.under_sampling import RandomUnderSampler
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._param_validation import HasMethods

__all__ = ["BalancedBaggingClassifier"]


@fill_doc
class BalancedBaggingClassifier(BaseBalancedBagging):
    """A bagging classifier whose members each balance their sample first.

    A drop-in replacement for :class:`imblearn.ensemble.BalancedBaggingClassifier`:
    same parameters, defaults and fitted attributes, and with the default
    sampler and the same ``random_state``, the same members. Each member is a
    ``Pipeline([("sampler", sampler), ("classifier", estimator)])``: it draws
    its rows (with replacement when ``bootstrap=True``) and features from
    ``X``, its sampler resamples those rows, and its classifier is fitted on
    the result. With a :class:`~imbestimators.under_sampling.RandomUnderSampler`
    this is Exactly Balanced Bagging (UnderBagging) [1]_; other samplers give
    Over-Bagging or SMOTE-Bagging [2]_, and a
    :class:`~imbestimators.FunctionSampler` Roughly Balanced Bagging [3]_.

    Read more in the :ref:`User Guide <ensemble>`.

    Parameters
    ----------
    estimator : estimator object, default=None
        The classifier of every member. None means a
        :class:`~sklearn.tree.DecisionTreeClassifier`.
    n_estimators : int, default=10
        The number of members.
    max_samples : int or float, default=1.0
        The number of rows drawn from ``X`` for each member, before its
        sampler: an int, or a float times ``X.shape[0]`` (times the sum of
        ``sample_weight`` when given).
    max_features : int or float, default=1.0
        The number of features drawn for each member: an int, or a float
        times ``X.shape[1]``.
    bootstrap : bool, default=True
        Whether rows are drawn with replacement. The rows are drawn first and
        then resampled by the sampler.
    bootstrap_features : bool, default=False
        Whether features are drawn with replacement.
    oob_score : bool, default=False
        Whether to score each row with the members that did not draw it
        (``bootstrap=True`` only).
    warm_start : bool, default=False
        When True, the next ``fit`` keeps the fitted members and adds
        ``n_estimators - len(estimators_)`` new ones.
    {sampling_strategy_under}

        It is set on the sampler of every member (also on a ``sampler``
        given by the user, as in imbalanced-learn), except a sampler whose
        ``_sampling_type`` is ``'bypass'`` such as a ``FunctionSampler``.
    replacement : bool, default=False
        Whether the default :class:`~imbestimators.under_sampling.RandomUnderSampler`
        draws with replacement. Ignored when ``sampler`` is given.
    n_jobs : int, default=None
        The number of jobs that fit members and predict in parallel. None
        means 1 unless in a :obj:`joblib.parallel_config` context; -1 means
        all processors. The members do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Controls the rows and features each member draws and the seeds of
        its sampler and classifier. An int gives the same ensemble at every
        fit, for any ``n_jobs``.
    verbose : int, default=0
        Controls the verbosity of fitting and predicting.
    sampler : sampler object, default=None
        The sampler of every member (cloned). None means a
        :class:`~imbestimators.under_sampling.RandomUnderSampler` with
        ``replacement``.

    Attributes
    ----------
    estimator_ : Pipeline
        The unfitted ``Pipeline(sampler, classifier)`` the members are
        cloned from.
    estimators_ : list of Pipeline
        The fitted members.
    sampler_ : sampler object
        The sampler built from ``sampler`` (the template of the members'
        samplers).
    estimators_samples_ : list of ndarray
        For each member, the indices of the rows of ``X`` it drew (its
        in-bag rows), before its sampler: member ``i`` was fitted on
        ``X[estimators_samples_[i]]``, and its classifier on the rows its
        sampler kept among those (for a sampler with ``sample_indices_``,
        ``estimators_samples_[i][estimators_[i][0].sample_indices_]``).
    estimators_features_ : list of ndarray
        The features each member drew.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_classes_ : int
        The number of classes.
    oob_score_ : float
        Accuracy of the out-of-bag prediction (when ``oob_score=True``).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Out-of-bag class probabilities of each training row (NaN for a row
        every member drew; when ``oob_score=True``).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when they are all strings.

    See Also
    --------
    EasyEnsembleClassifier : AdaBoost members on balanced under-samples.
    BalancedRandomForestClassifier : A random forest on balanced bootstraps.
    RUSBoostClassifier : AdaBoost with random under-sampling at each round.

    Notes
    -----
    Passing ``DecisionTreeClassifier(max_features="sqrt")`` as ``estimator``
    gives a balanced random forest [4]_ (drawing features per split).

    The ``sample_weight`` of ``fit`` (which imbalanced-learn does not accept)
    is used as scikit-learn's ``BaggingClassifier`` uses it: as the
    probabilities of drawing each row.

    References
    ----------
    .. [1] R. Barandela, R. M. Valdovinos and J. S. Sanchez, "New applications
       of ensembles of classifiers," Pattern Analysis and Applications, 6(3),
       245-256, 2003.
    .. [2] S. Wang and X. Yao, "Diversity analysis on imbalanced data sets by
       using ensemble models," IEEE Symposium on Computational Intelligence
       and Data Mining, 2009.
    .. [3] S. Hido, H. Kashima and Y. Takahashi, "Roughly balanced bagging for
       imbalanced data," Statistical Analysis and Data Mining, 2(5-6),
       412-426, 2009.
    .. [4] C. Chen, A. Liaw and L. Breiman, "Using random forest to learn
       imbalanced data," University of California, Berkeley, 110, 2004.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.ensemble import BalancedBaggingClassifier
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> bbc = BalancedBaggingClassifier(random_state=42).fit(X, y)
    >>> member = bbc.estimators_[0]
    >>> drawn = bbc.estimators_samples_[0]
    >>> sorted(Counter(y[drawn][member[0].sample_indices_].tolist()).items())
    [(0, 105), (1, 105)]
    >>> bbc.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        **BaggingClassifier._parameter_constraints,
        "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
        "replacement": ["boolean"],
        "sampler": [HasMethods(["fit_resample"]), None],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        max_samples=1.0,
        max_features=1.0,
        bootstrap=True,
        bootstrap_features=False,
        oob_score=False,
        warm_start=False,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        sampler=None,
    ):
        super().__init__(
            estimator=estimator,
            n_estimators=n_estimators,
            max_samples=max_samples,
            max_features=max_features,
            bootstrap=bootstrap,
            bootstrap_features=bootstrap_features,
            oob_score=oob_score,
            warm_start=warm_start,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
        )
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.sampler = sampler

    def _make_sampler(self):
        if self.sampler is None:
            return RandomUnderSampler(replacement=self.replacement)
        return clone(self.sampler)

    def _fit(self, X, y, sample_weight=None):
        super()._fit(X, y, sample_weight=sample_weight)
        # the members' template, with the ensemble's sampling_strategy set
        self.sampler_ = self._sampler
        return self

    def _get_estimator(self):
        if self.estimator is None:
            return DecisionTreeClassifier()
        return self.estimator
