"""The bagging loop shared by BalancedBaggingClassifier and EasyEnsembleClassifier.

Both are scikit-learn ``BaggingClassifier`` subclasses whose members are
``Pipeline([("sampler", ...), ("classifier", ...)])``: each member draws its
rows (and features) from ``X`` as scikit-learn's bagging does, and its sampler
then resamples those rows before the classifier is fitted, as in
imbalanced-learn. We own the loop instead of inheriting scikit-learn's so that
a sampler that only reads ``y`` (the default ``RandomUnderSampler``) costs
next to nothing: the member's rows are chosen from the labels alone and ``X``
is copied once, on the rows the classifier is fitted on, instead of copying
every drawn row and validating the copy in each member.
"""

import numbers
import warnings
from abc import abstractmethod

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.ensemble import BaggingClassifier
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.parallel import Parallel
from sklearn.utils.random import sample_without_replacement

from imbestimators.pipeline import Pipeline
from imbestimators.under_sampling import RandomUnderSampler
from imbestimators.utils import check_target_type
from imbestimators.utils._parallel import delayed
from imbestimators.utils._param_validation import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)
from imbestimators.utils._validation import resolve_sampling_strategy

__all__ = ["SAMPLING_STRATEGY_CONSTRAINT", "BaseBalancedBagging"]

#: seeds are drawn below this bound, as in scikit-learn's bagging
_MAX_INT = np.iinfo(np.int32).max

SAMPLING_STRATEGY_CONSTRAINT = [
    Interval(numbers.Real, 0, 1, closed="right"),
    StrOptions({"auto", "majority", "not minority", "not majority", "all"}),
    dict,
    callable,
]


def _draw(rng, replace, n_population, n_draws):
    """Positions drawn from ``range(n_population)``, in scikit-learn's draw order."""
    if replace:
        return rng.randint(0, n_population, n_draws)
    return sample_without_replacement(n_population, n_draws, random_state=rng)


def _draw_member(seed, plan):
    """The features and rows of one member, from its seed alone.

    Called at fit time and again by ``estimators_samples_``, so both always
    agree; the order of the draws is scikit-learn's, so a seed draws the same
    rows as scikit-learn's and imbalanced-learn's bagging.
    """
    rng = check_random_state(seed)
    features = _draw(
        rng, plan["bootstrap_features"], plan["n_features"], plan["max_features"]
    )
    weight = plan["sample_weight"]
    if weight is None:
        rows = _draw(rng, plan["bootstrap"], plan["n_samples"], plan["max_samples"])
    else:
        rows = rng.choice(
            plan["n_samples"],
            plan["max_samples"],
            replace=plan["bootstrap"],
            p=weight / weight.sum(),
        )
    return features, rows


def _reads_labels_only(sampler):
    """Whether the rows ``sampler`` keeps depend on ``y`` alone (never on ``X``)."""
    # the exact class: a subclass may look at X
    return type(sampler) is RandomUnderSampler


def _fit_member(member, X, y, features, rows):
    """Fit a ``Pipeline(sampler, classifier)`` on ``X[rows][:, features]``."""
    all_features = len(features) == X.shape[1] and np.array_equal(
        features, np.arange(X.shape[1])
    )
    sampler, classifier = member.steps[0][1], member.steps[-1][1]
    if not _reads_labels_only(sampler):
        X_member = _safe_indexing(X, rows)
        if not all_features:
            X_member = X_member[:, features]
        return member.fit(X_member, y[rows])
    # The sampler sees a zero-cost stand-in of the member's data (a read-only
    # broadcast of one value, of the member's shape): it keeps the same rows,
    # and ends in the same fitted state, as on the member's real data. The
    # classifier then gets exactly what the Pipeline would give it.
    stand_in = np.broadcast_to(np.zeros(1, dtype=np.int8), (len(rows), len(features)))
    _, y_kept = sampler.fit_resample(stand_in, y[rows])
    kept = rows[sampler.sample_indices_]
    X_kept = X[kept]
    if not all_features:
        X_kept = X_kept[:, features]
    classifier.fit(X_kept, y_kept)
    return member


def _build_members(ensemble, seeds, plan, X, y):
    """Fit one member per seed (one job's share of the ensemble)."""
    members, member_features = [], []
    for seed in seeds:
        member = ensemble._make_estimator(append=False, random_state=seed)
        features, rows = _draw_member(seed, plan)
        members.append(_fit_member(member, X, y, features, rows))
        member_features.append(features)
    return members, member_features


def _split_seeds(seeds, n_jobs):
    """Consecutive shares of ``seeds``, one per job, at most one per seed."""
    n_jobs = min(effective_n_jobs(n_jobs), len(seeds))
    return [share for share in np.array_split(seeds, n_jobs) if len(share)]


def _n_drawn(max_samples, n_samples, sample_weight):
    """Rows drawn per member (scikit-learn's meaning of ``max_samples``)."""
    if max_samples is None:
        return n_samples
    if isinstance(max_samples, numbers.Integral):
        return max_samples
    total = n_samples if sample_weight is None else sample_weight.sum()
    return max(int(max_samples * total), 1)


class BaseBalancedBagging(BaggingClassifier):
    """Bagging whose members are ``Pipeline(sampler, classifier)``.

    Subclasses define ``_make_sampler`` (the unfitted sampler of every member)
    and ``_get_estimator`` (the default classifier).
    """

    @abstractmethod
    def _make_sampler(self):
        """The sampler every member clones, before ``sampling_strategy`` is set."""

    def _validate_y(self, y):
        y_encoded = super()._validate_y(y)
        sampling_type = getattr(self._sampler, "_sampling_type", None)
        if isinstance(self.sampling_strategy, dict) and sampling_type != "bypass":
            # members see the encoded labels 0..n_classes-1
            targets = resolve_sampling_strategy(
                self.sampling_strategy, y, sampling_type
            )
            position = {label: i for i, label in enumerate(self.classes_.tolist())}
            self._sampling_strategy = {
                position[label]: count for label, count in targets.items()
            }
        else:
            self._sampling_strategy = self.sampling_strategy
        return y_encoded

    def _validate_estimator(self, default=None):
        estimator = self.estimator if self.estimator is not None else default
        sampler = self._sampler
        if getattr(sampler, "_sampling_type", None) != "bypass":
            # imbalanced-learn's rule: the ensemble's sampling_strategy wins
            sampler.set_params(sampling_strategy=self._sampling_strategy)
        self.estimator_ = Pipeline(
            [("sampler", sampler), ("classifier", clone(estimator))]
        )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Build the ensemble from the training set (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input samples. Sparse matrices are accepted if the
            sampler and the classifier accept them.
        y : array-like of shape (n_samples,)
            The class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Used, as in scikit-learn's ``BaggingClassifier``, as the
            probabilities of drawing each row into a member's sample; the
            sampler then balances the drawn rows. The members never receive
            weights. None draws every row with the same probability.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite=False,
            multi_output=True,
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=None)
            if not self.bootstrap:
                warnings.warn(
                    f"When fitting {type(self).__name__} with sample_weight "
                    f"it is recommended to use bootstrap=True, got {self.bootstrap}."
                )
        return self._fit(X, y, sample_weight=sample_weight)

    def _fit(self, X, y, sample_weight=None):
        # imbalanced-learn's message for multilabel and multioutput targets
        check_target_type(y)
        rng = check_random_state(self.random_state)
        self._n_samples = X.shape[0]
        self._sampler = self._make_sampler()
        y = self._validate_y(y)
        self._validate_estimator(self._get_estimator())
        self._check_sizes(X, sample_weight)
        if self.oob_score and not self.bootstrap:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if self.oob_score and self.warm_start:
            raise ValueError("Out of bag estimate only available if warm_start=False")
        if hasattr(self, "oob_score_") and self.warm_start:
            del self.oob_score_
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_, self.estimators_features_ = [], []
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be larger or equal to "
                f"len(estimators_)={len(self.estimators_)} when warm_start==True"
            )
        if n_more == 0:
            # scikit-learn's warning, word for word: users filter on it
            warnings.warn(
                "Warm-start fitting without increasing n_estimators does not "
                "fit new trees."
            )
            return self
        # the seeds of the members already fitted are drawn again and skipped,
        # so that 5 + 5 warm-started members are the 10 of one fit
        rng.randint(_MAX_INT, size=len(self.estimators_))
        seeds = rng.randint(_MAX_INT, size=n_more)
        # all the seeds are kept (scikit-learn keeps only the last fit's), so
        # that estimators_samples_ has one entry per member after a warm start
        kept = getattr(self, "_seeds", seeds[:0])[: len(self.estimators_)]
        self._seeds = np.concatenate([kept, seeds])
        plan = self._plan()
        shares = _split_seeds(seeds, self.n_jobs)
        results = Parallel(n_jobs=len(shares), verbose=self.verbose)(
            delayed(_build_members)(self, share, plan, X, y) for share in shares
        )
        for members, features in results:
            self.estimators_ += members
            self.estimators_features_ += features
        if self.oob_score:
            self._set_oob_score(X, y)
        return self

    def _check_sizes(self, X, sample_weight):
        """Resolve ``max_samples`` and ``max_features`` into counts."""
        self._sample_weight = sample_weight
        self._max_samples = _n_drawn(self.max_samples, X.shape[0], sample_weight)
        if not self.bootstrap and self._max_samples > X.shape[0]:
            raise ValueError(
                f"Effective max_samples={self._max_samples} must be <= n_samples="
                f"{X.shape[0]} to be able to sample without replacement."
            )
        max_features = self.max_features
        if isinstance(max_features, float):
            max_features = int(max_features * self.n_features_in_)
        if max_features > self.n_features_in_:
            raise ValueError("max_features must be <= n_features")
        self._max_features = max(1, int(max_features))

    def _plan(self):
        """What ``_draw_member`` needs besides the seed."""
        return {
            "bootstrap": self.bootstrap,
            "bootstrap_features": self.bootstrap_features,
            "n_samples": self._n_samples,
            "n_features": self.n_features_in_,
            "max_samples": self._max_samples,
            "max_features": self._max_features,
            "sample_weight": self._sample_weight,
        }

    def _get_estimators_indices(self):
        plan = self._plan()
        for seed in self._seeds:
            yield _draw_member(seed, plan)

    @property
    def estimators_samples_(self):
        """Rows of ``X`` drawn for each member, before its sampler.

        Member ``i`` (the whole Pipeline) was fitted on
        ``X[estimators_samples_[i]]``; its sampler then chose, among those,
        the rows its classifier saw (for a sampler with ``sample_indices_``:
        ``estimators_samples_[i][estimators_[i][0].sample_indices_]``).
        Recomputed from the seeds at each access, as in scikit-learn.
        """
        return [rows for _, rows in self._get_estimators_indices()]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sampler = self._make_sampler()
        for step in (sampler, self._get_estimator()):
            step_tags = step.__sklearn_tags__()
            tags.input_tags.allow_nan &= step_tags.input_tags.allow_nan
            tags.input_tags.sparse &= step_tags.input_tags.sparse
        return tags
