"""One-sided selection."""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils import _safe_indexing, check_random_state

from imbestimators.base import BaseCleaningSampler
from imbestimators.under_sampling._base import (
    check_n_samples,
    class_codes,
    class_name,
    classifier_param,
    minority_code,
    numeric_view,
    targeted_mask,
    tie_inclusive_counts,
)
from imbestimators.under_sampling._neighbourhoods import tomek_link_mask
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval

__all__ = ["OneSidedSelection"]


@fill_doc
class OneSidedSelection(BaseCleaningSampler):
    """Under-sample with one-sided selection: one condensing pass, then Tomek links.

    For each cleaned class, a k-nearest-neighbour classifier is fitted on the
    minority class plus ``n_seeds_S`` random rows of the class; the rows of
    the class it misclassifies are kept with the seeds, the others dropped.
    Tomek links are then removed from what is left [1]_. A drop-in
    replacement for :class:`imblearn.under_sampling.OneSidedSelection`: with
    the same ``random_state`` it draws the same seeds and keeps the same rows.

    Read more in the :ref:`User Guide <condensed_nearest_neighbors>`.

    Parameters
    ----------
    {sampling_strategy_cleaning}

    {random_state}

    n_neighbors : int, object or None, default=None
        Neighbours of the classifier: None means 1; an int is searched by the
        built-in engine; otherwise a k-nearest-neighbours classifier with
        ``fit`` and ``predict`` (e.g. ``KNeighborsClassifier``).

    n_seeds_S : int, default=1
        Number of random rows of the class in the classifier's training set
        (drawn with replacement, as in imbalanced-learn).

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The cleaned classes (keys) and their number of samples before cleaning.
    estimators_ : list of estimator
        For each cleaned class, the classifier fitted on the minority class
        and the seeds.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Indices in ``X`` of the rows kept: class after class (sorted labels);
        for a cleaned class its seeds (as drawn) then the misclassified rows;
        Tomek links removed.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    CondensedNearestNeighbour : Hart's condensing rule.
    TomekLinks : Remove Tomek links.

    Notes
    -----
    Neighbours are exact Euclidean neighbours (for an int or None
    ``n_neighbors``). The classifier's vote is *tie-inclusive*: every
    training row as close as the ``n_neighbors``-th nearest takes part (ties
    between classes go to the smallest label), and the Tomek links follow
    Tomek's definition, which needs no tie rule (see :class:`TomekLinks`).
    Given the same seeds, the rows kept therefore do not depend on the order
    of the rows; the seeds themselves are drawn by position, as in
    imbalanced-learn. On data without distance ties the rows kept are
    exactly imbalanced-learn's. A classifier given as ``n_neighbors`` votes
    by its own rule.

    References
    ----------
    .. [1] M. Kubat, S. Matwin, "Addressing the curse of imbalanced training
       sets: one-sided selection", ICML, vol. 97, pp. 179-186, 1997.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import OneSidedSelection
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> oss = OneSidedSelection(random_state=0)
    >>> X_res, y_res = oss.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 260)]
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
            None,
        ],
        "n_seeds_S": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        n_neighbors=None,
        n_seeds_S=1,
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.n_neighbors = n_neighbors
        self.n_seeds_S = n_seeds_S
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y):
        k, classifier = classifier_param(
            self.n_neighbors, "n_neighbors", "OneSidedSelection", n_jobs=self.n_jobs
        )
        classes, codes = class_codes(y)
        minority = np.flatnonzero(codes == minority_code(classes, codes))
        check_n_samples(
            len(minority) + self.n_seeds_S,
            k,
            parameter="n_neighbors",
            value=self.n_neighbors,
            estimator="OneSidedSelection",
            where=(
                f"the training set (the minority class "
                f"{class_name(classes, codes[minority[0]])} plus "
                f"n_seeds_S={self.n_seeds_S} seeds)"
            ),
        )
        rng = check_random_state(self.random_state)
        X_num = numeric_view(X)
        parts, self.estimators_ = [], []
        for code, klass in enumerate(classes.tolist()):
            rows = np.flatnonzero(codes == code)
            if klass in self.sampling_strategy_:
                rows = self._select(X_num, y, codes, rows, minority, k, classifier, rng)
            parts.append(rows)
        selected = np.concatenate(parts)
        # Tomek links among the selected rows, removed from the cleaned classes
        links = tomek_link_mask(X_num[selected], codes[selected])
        links &= targeted_mask(classes, self.sampling_strategy_)[codes[selected]]
        self.sample_indices_ = selected[~links]
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def _select(self, X, y, codes, rows, minority, k, classifier, rng):
        """Seeds and misclassified rows of one class."""
        seed_positions = rng.randint(0, len(rows), size=self.n_seeds_S)
        seeds = rows[seed_positions]
        train = np.concatenate([minority, seeds])
        others = np.delete(rows, seed_positions)
        if classifier is None:
            # tie-inclusive vote: every training row as close as the k-th
            counts = tie_inclusive_counts(
                NeighborsIndex(X[train]), k, codes[train], X, others
            )
            predicted = np.argmax(counts, axis=1)
            classifier = KNeighborsClassifier(n_neighbors=k, n_jobs=self.n_jobs)
            self.estimators_.append(classifier.fit(X[train], y[train]))
            wrong = predicted != codes[others]
        else:
            classifier = clone(classifier).fit(X[train], y[train])
            self.estimators_.append(classifier)
            wrong = classifier.predict(X[others]) != y[others]
        return np.concatenate([seeds, others[wrong]])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
