"""SMOTE (or any over-sampler) followed by edited nearest neighbours."""

from imbestimators.combine._base import BaseCombined
from imbestimators.under_sampling import EditedNearestNeighbours
from imbestimators.under_sampling._segments import interpolated_after
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._param_validation import HasMethods

__all__ = ["SMOTEENN"]


@fill_doc
class SMOTEENN(BaseCombined):
    """Over-sample with SMOTE, then clean with edited nearest neighbours.

    A drop-in replacement for :class:`imblearn.combine.SMOTEENN` [1]_ that
    accepts any over-sampler as ``smote`` (:class:`~imbestimators.
    over_sampling.SMOTE`, ``BorderlineSMOTE``, ``ADASYN``, ``SMOTENC``,
    ``RandomOverSampler``, or imbalanced-learn's) and any cleaning sampler as
    ``enn`` (``RepeatedEditedNearestNeighbours``, ``AllKNN``,
    ``NeighbourhoodCleaningRule`` ...). The result is exactly that of running
    the two samplers one after the other.

    Read more in the :ref:`User Guide <combine>`.

    Parameters
    ----------
    {sampling_strategy_over}

    {random_state}

    smote : sampler object, default=None
        The over-sampler, used as given (cloned): its own
        ``sampling_strategy`` and ``random_state`` apply, except that a
        ``random_state`` of None is replaced by this sampler's, so that the
        same ``random_state`` gives the same output. None means
        ``SMOTE(sampling_strategy=sampling_strategy, random_state=random_state)``.

    enn : sampler object, default=None
        The cleaning sampler applied to the over-sampled data (cloned; an
        unseeded random one takes this sampler's ``random_state``). None
        means ``EditedNearestNeighbours(sampling_strategy="all")``.

    n_jobs : int, default=None
        Passed to the default ``EditedNearestNeighbours`` (see its ``n_jobs``).

    Attributes
    ----------
    sampling_strategy_ : dict
        The over-sampler's resolved ``sampling_strategy_`` (number of samples
        generated per class).
    smote_ : sampler object
        The fitted over-sampler.
    enn_ : sampler object
        The fitted cleaning sampler.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTETomek : Over-sample, then remove Tomek links.

    Notes
    -----
    Both steps work on the validated numeric array: with ``SMOTENC``, the
    categorical columns must be numerically encoded (the cleaning step
    measures Euclidean distances on every column). Imbalanced-learn sets
    ``sampling_strategy_`` to the raw ``sampling_strategy``; here it is the
    over-sampler's resolved dictionary.

    References
    ----------
    .. [1] G. Batista, R. C. Prati, M. C. Monard, "A study of the behavior of
       several methods for balancing machine learning training data", ACM
       SIGKDD Explorations Newsletter, 6(1), pp. 20-29, 2004.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.combine import SMOTEENN
    >>> from imbestimators.over_sampling import ADASYN
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> X_res, y_res = SMOTEENN(random_state=42).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 881)]
    >>> sme = SMOTEENN(smote=ADASYN(random_state=42))
    >>> X_res, y_res = sme.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 879)]
    """

    _parameter_constraints: dict = {
        **BaseCombined._parameter_constraints,
        "enn": [HasMethods(["fit_resample"]), None],
    }

    _cleaner_param = "enn"

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        smote=None,
        enn=None,
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.enn = enn
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y):
        # the over-sampler appends rows interpolated between the originals:
        # the cleaner may use their segments (a hint for speed only)
        with interpolated_after(len(y)):
            return super()._fit_resample(X, y)

    def _default_cleaner(self):
        return EditedNearestNeighbours(sampling_strategy="all", n_jobs=self.n_jobs)
