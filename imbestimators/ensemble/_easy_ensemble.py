"""EasyEnsemble: a bag of boosted learners, each on a balanced under-sample."""

from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier

from imbestimators.ensemble._common import (
    SAMPLING_STRATEGY_CONSTRAINT,
    BaseBalancedBagging,
)
from imbestimators.under_sampling import RandomUnderSampler
from imbestimators.utils._docstring import fill_doc

__all__ = ["EasyEnsembleClassifier"]

#: bagging parameters EasyEnsemble fixes (every member sees every row once)
_FIXED = ("max_samples", "max_features", "bootstrap", "bootstrap_features", "oob_score")


@fill_doc
class EasyEnsembleClassifier(BaseBalancedBagging):
    """Bag of boosted learners, each fitted on a random balanced under-sample.

    A drop-in replacement for :class:`imblearn.ensemble.EasyEnsembleClassifier`
    (EasyEnsemble [1]_): same parameters, defaults and fitted attributes, and
    with the same ``random_state``, the same members. Each member is a
    ``Pipeline([("sampler", RandomUnderSampler(...)), ("classifier", estimator)])``
    fitted on all the rows, which its under-sampler balances; the ensemble
    averages the members' probabilities.

    Read more in the :ref:`User Guide <ensemble>`.

    Parameters
    ----------
    n_estimators : int, default=10
        The number of members (boosted learners).
    estimator : estimator object, default=None
        The classifier of every member. None means an
        :class:`~sklearn.ensemble.AdaBoostClassifier` with its defaults (pass
        your own instance to change its number of rounds).
    warm_start : bool, default=False
        When True, the next ``fit`` keeps the fitted members and adds
        ``n_estimators - len(estimators_)`` new ones.
    {sampling_strategy_under}
    replacement : bool, default=False
        Whether the under-sampler draws with replacement.
    n_jobs : int, default=None
        The number of jobs that fit members and predict in parallel. None
        means 1 unless in a :obj:`joblib.parallel_config` context; -1 means
        all processors. The members do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Controls the under-sample of each member and the seed of its
        classifier. An int gives the same ensemble at every fit, for any
        ``n_jobs``.
    verbose : int, default=0
        Controls the verbosity of fitting and predicting.

    Attributes
    ----------
    estimator_ : Pipeline
        The unfitted ``Pipeline(sampler, classifier)`` the members are
        cloned from.
    estimators_ : list of Pipeline
        The fitted members.
    estimators_samples_ : list of ndarray
        For each member, the rows of ``X`` it was fitted on, before its
        under-sampler: every row, in the order drawn (its classifier saw
        ``estimators_samples_[i][estimators_[i][0].sample_indices_]``).
    estimators_features_ : list of ndarray
        The features of each member (all of them).
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_classes_ : int
        The number of classes.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when they are all strings.

    See Also
    --------
    BalancedBaggingClassifier : Bagging with any sampler in every member.
    BalancedRandomForestClassifier : A random forest on balanced bootstraps.
    RUSBoostClassifier : AdaBoost with random under-sampling at each round.

    Notes
    -----
    Multiclass targets are under-sampled class by class.

    References
    ----------
    .. [1] X. Y. Liu, J. Wu and Z. H. Zhou, "Exploratory undersampling for
       class-imbalance learning," IEEE Transactions on Systems, Man, and
       Cybernetics, Part B (Cybernetics), 39(2), 539-550, 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.ensemble import EasyEnsembleClassifier
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> eec = EasyEnsembleClassifier(n_estimators=5, random_state=42).fit(X, y)
    >>> len(eec.estimators_), eec.estimators_[0][0].sample_indices_.shape
    (5, (200,))
    >>> eec.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        **{
            name: constraint
            for name, constraint in BaggingClassifier._parameter_constraints.items()
            if name not in _FIXED
        },
        "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
        "replacement": ["boolean"],
    }

    # what BaggingClassifier reads of its own parameters, fixed here
    max_samples = 1.0
    max_features = 1.0
    bootstrap = False
    bootstrap_features = False
    oob_score = False

    def __init__(
        self,
        n_estimators=10,
        estimator=None,
        *,
        warm_start=False,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.n_estimators = n_estimators
        self.estimator = estimator
        self.warm_start = warm_start
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    #: BaseEnsemble's: no parameter of the ensemble is copied into members
    estimator_params = ()

    def fit(self, X, y):
        """Build the ensemble from the training set (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input samples. Sparse matrices are accepted if the
            classifier accepts them.
        y : array-like of shape (n_samples,)
            The class labels.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        # no sample_weight, as in imbalanced-learn: every member draws every
        # row, so weights used as draw probabilities would change nothing
        return super().fit(X, y)

    def _make_sampler(self):
        return RandomUnderSampler(replacement=self.replacement)

    def _get_estimator(self):
        if self.estimator is None:
            return AdaBoostClassifier()
        return self.estimator
