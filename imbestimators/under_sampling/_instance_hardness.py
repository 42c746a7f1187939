"""Instance hardness threshold."""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, check_cv, cross_val_predict
from sklearn.utils import _safe_indexing, check_random_state

from imbestimators.base import BaseUnderSampler
from imbestimators.under_sampling._base import class_codes, is_classifier_object
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._param_validation import HasMethods

__all__ = ["InstanceHardnessThreshold"]

_MAX_SEED = np.iinfo(np.int32).max


@fill_doc
class InstanceHardnessThreshold(BaseUnderSampler):
    """Under-sample by keeping the rows a classifier finds easiest.

    Out-of-fold probabilities of each row's own class are estimated by
    cross-validation, and each under-sampled class keeps its rows with the
    highest probabilities [1]_. A drop-in replacement for
    :class:`imblearn.under_sampling.InstanceHardnessThreshold`.

    Read more in the :ref:`User Guide <instance_hardness_threshold>`.

    Parameters
    ----------
    estimator : estimator object, default=None
        Classifier with ``predict_proba`` that estimates the hardness. None
        means ``RandomForestClassifier(n_estimators=100)``. Its random states
        are drawn from ``random_state``.

    {sampling_strategy_under}

    {random_state}

    cv : int, cross-validation generator or iterable, default=5
        An int is the number of stratified, shuffled folds; any other value
        is passed to :func:`~sklearn.model_selection.check_cv`.

    n_jobs : int, default=None
        Number of parallel jobs of the cross-validation and of the default
        random forest.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples kept per under-sampled class.
    estimator_ : estimator object
        The classifier (unfitted clone) used in the cross-validation.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Indices in ``X`` of the rows kept: class after class (sorted labels),
        increasing within a class.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    NearMiss : Keep the rows closest to the minority class.
    RandomUnderSampler : Keep rows at random.

    Notes
    -----
    Each under-sampled class keeps exactly the number of rows asked: the
    rows with the highest probabilities, equal probabilities going to the
    row that comes first. Imbalanced-learn keeps every row at or above a
    percentile of the probabilities, which keeps more rows than asked when
    probabilities tie (and needs integer labels ``0 .. n_classes - 1``;
    any labels work here).

    References
    ----------
    .. [1] M. R. Smith, T. Martinez, C. Giraud-Carrier, "An instance level
       analysis of data complexity", Machine Learning, 95(2), pp. 225-256,
       2014.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbestimators.under_sampling import InstanceHardnessThreshold
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> iht = InstanceHardnessThreshold(estimator=LogisticRegression(),
    ...                                 random_state=42)
    >>> X_res, y_res = iht.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 100)]
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "cv": ["cv_object"],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        estimator=None,
        sampling_strategy="auto",
        random_state=None,
        cv=5,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.cv = cv
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y):
        classes, codes = class_codes(y)
        rng = check_random_state(self.random_state)
        splitter = self._splitter(codes, rng)
        self.estimator_ = self._make_estimator(rng)
        proba = cross_val_predict(
            self.estimator_,
            X,
            codes,
            cv=splitter,
            n_jobs=self.n_jobs,
            method="predict_proba",
        )
        own = proba[np.arange(len(codes)), codes]
        parts = []
        for code, klass in enumerate(classes.tolist()):
            rows = np.flatnonzero(codes == code)
            if klass in self.sampling_strategy_:
                easiest = np.argsort(-own[rows], kind="stable")
                rows = np.sort(rows[easiest[: self.sampling_strategy_[klass]]])
            parts.append(rows)
        self.sample_indices_ = np.concatenate(parts)
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def _splitter(self, codes, rng):
        if not isinstance(self.cv, numbers.Integral):
            return check_cv(self.cv, codes, classifier=True)
        largest = int(np.bincount(codes).max())
        if self.cv > largest:
            raise ValueError(
                f"InstanceHardnessThreshold: cv={self.cv} stratified folds need at "
                f"least {self.cv} samples in some class, but the largest class has "
                f"{largest}. Lower cv."
            )
        return StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=rng)

    def _make_estimator(self, rng):
        if self.estimator is None:
            return RandomForestClassifier(
                n_estimators=100,
                random_state=rng.randint(_MAX_SEED),
                n_jobs=self.n_jobs,
            )
        if not is_classifier_object(self.estimator):
            raise ValueError(
                "InstanceHardnessThreshold: estimator must be a classifier with "
                f"predict_proba; got {self.estimator!r}."
            )
        estimator = clone(self.estimator)
        # every random state of the (possibly nested) estimator comes from ours
        seeds = {
            key: rng.randint(_MAX_SEED)
            for key in sorted(estimator.get_params(deep=True))
            if key == "random_state" or key.endswith("__random_state")
        }
        return estimator.set_params(**seeds)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
