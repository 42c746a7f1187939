"""SMOTE (or any over-sampler) followed by the removal of Tomek links."""

from imbestimators.combine._base import BaseCombined
from imbestimators.under_sampling import TomekLinks
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._param_validation import HasMethods

__all__ = ["SMOTETomek"]


@fill_doc
class SMOTETomek(BaseCombined):
    """Over-sample with SMOTE, then remove Tomek links.

    A drop-in replacement for :class:`imblearn.combine.SMOTETomek` [1]_ that
    accepts any over-sampler as ``smote`` (:class:`~imbestimators.
    over_sampling.SMOTE`, ``BorderlineSMOTE``, ``ADASYN``, ``SMOTENC``,
    ``RandomOverSampler``, or imbalanced-learn's) and any cleaning sampler as
    ``tomek``. The result is exactly that of running the two samplers one
    after the other; the Tomek step is fast on the balanced output of the
    over-sampler because rows whose nearest neighbour is surely of their own
    class are settled without a search (see :class:`TomekLinks`).

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

    tomek : sampler object, default=None
        The cleaning sampler applied to the over-sampled data (cloned; an
        unseeded random one takes this sampler's ``random_state``). None
        means ``TomekLinks(sampling_strategy="all")``.

    n_jobs : int, default=None
        Passed to the default ``TomekLinks`` (see its ``n_jobs``).

    Attributes
    ----------
    sampling_strategy_ : dict
        The over-sampler's resolved ``sampling_strategy_`` (number of samples
        generated per class).
    smote_ : sampler object
        The fitted over-sampler.
    tomek_ : sampler object
        The fitted cleaning sampler.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTEENN : Over-sample, then clean with edited nearest neighbours.

    Notes
    -----
    Both steps work on the validated numeric array: with ``SMOTENC``, the
    categorical columns must be numerically encoded (the cleaning step
    measures Euclidean distances on every column). Imbalanced-learn sets
    ``sampling_strategy_`` to the raw ``sampling_strategy``; here it is the
    over-sampler's resolved dictionary.

    References
    ----------
    .. [1] G. Batista, B. Bazzan, M. Monard, "Balancing Training Data for
       Automated Annotation of Keywords: a Case Study", WOB, pp. 10-18, 2003.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.combine import SMOTETomek
    >>> from imbestimators.over_sampling import BorderlineSMOTE
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> X_res, y_res = SMOTETomek(random_state=42).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    >>> smt = SMOTETomek(smote=BorderlineSMOTE(random_state=42))
    >>> X_res, y_res = smt.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    """

    _parameter_constraints: dict = {
        **BaseCombined._parameter_constraints,
        "tomek": [HasMethods(["fit_resample"]), None],
    }

    _cleaner_param = "tomek"

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        smote=None,
        tomek=None,
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.tomek = tomek
        self.n_jobs = n_jobs

    def _default_cleaner(self):
        return TomekLinks(sampling_strategy="all", n_jobs=self.n_jobs)
