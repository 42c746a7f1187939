"""Neighbourhood cleaning rule."""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import _safe_indexing

from imbestimators.base import BaseCleaningSampler
from imbestimators.under_sampling._base import (
    check_n_samples,
    class_codes,
    is_classifier_object,
    minority_code,
    neighbors_param,
    numeric_view,
    query_in_chunks,
    vote,
)
from imbestimators.under_sampling._edited import EditedNearestNeighbours
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval

__all__ = ["NeighbourhoodCleaningRule"]


@fill_doc
class NeighbourhoodCleaningRule(BaseCleaningSampler):
    """Under-sample with the neighbourhood cleaning rule.

    Two sets of rows are removed [1]_: the rows that
    :class:`EditedNearestNeighbours` (``kind_sel="mode"``) removes, and the
    neighbours, in the cleaned classes large enough (more than
    ``threshold_cleaning`` times the minority class), of every minority row
    that a k-nearest-neighbour classifier misclassifies. A drop-in
    replacement for :class:`imblearn.under_sampling.NeighbourhoodCleaningRule`
    that returns the same rows: the editing step is this library's fast ENN,
    and the second step only searches the neighbours of the minority rows.

    Read more in the :ref:`User Guide <condensed_nearest_neighbors>`.

    Parameters
    ----------
    {sampling_strategy_cleaning}

    edited_nearest_neighbours : sampler, default=None
        The sampler of the editing step (any sampler with ``fit_resample``
        and ``sample_indices_``); None builds
        ``EditedNearestNeighbours(kind_sel="mode")`` with this object's
        ``sampling_strategy``, ``n_neighbors`` and ``n_jobs``.

    n_neighbors : int or object, default=3
        Number of neighbours of the classifier and of the default editing
        step. An int; a neighbours estimator whose ``n_neighbors`` counts the
        sample itself (``NearestNeighbors(n_neighbors=4)`` examines 3); or a
        k-nearest-neighbours classifier (its ``n_neighbors`` neighbours, and
        its own ``predict``), as in imbalanced-learn.

    threshold_cleaning : float, default=0.5
        A cleaned class loses the neighbours of misclassified minority rows
        only if it has more than ``threshold_cleaning`` times as many rows as
        the minority class.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The cleaned classes (keys) and their number of samples before cleaning.
    edited_nearest_neighbours_ : sampler
        The fitted sampler of the editing step.
    classes_to_clean_ : list
        The classes that lose the neighbours of misclassified minority rows.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Indices in ``X`` of the rows kept, in increasing order.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    EditedNearestNeighbours : The editing step alone.

    Notes
    -----
    Neighbours are exact Euclidean neighbours (unless a neighbours estimator
    or classifier is given). Every neighbourhood is *tie-inclusive*: the
    ``n_neighbors`` nearest rows plus every row at exactly the
    ``n_neighbors``-th distance, as R's ``class::knn`` votes, so that the rows
    kept do not depend on the order of the rows. As in imbalanced-learn, a
    minority row is classified by the vote of its ``n_neighbors`` nearest
    rows *including itself* (the classifier is fitted on all rows; ties
    between classes go to the smallest label), and its neighbours are the
    ``n_neighbors`` nearest other rows. On data without distance ties the
    rows kept are exactly imbalanced-learn's; where distances tie (binary,
    one-hot or integer features, duplicated rows) imbalanced-learn counts
    the rows its search happens to return first. A classifier given as
    ``n_neighbors`` votes by its own rule.

    References
    ----------
    .. [1] J. Laurikkala, "Improving identification of difficult small classes
       by balancing class distribution", Springer Berlin Heidelberg, 2001.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import NeighbourhoodCleaningRule
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> ncr = NeighbourhoodCleaningRule()
    >>> X_res, y_res = ncr.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 888)]
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "edited_nearest_neighbours": [HasMethods(["fit_resample"]), None],
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "threshold_cleaning": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        edited_nearest_neighbours=None,
        n_neighbors=3,
        threshold_cleaning=0.5,
        n_jobs=None,
    ):
        self.sampling_strategy = sampling_strategy
        self.edited_nearest_neighbours = edited_nearest_neighbours
        self.n_neighbors = n_neighbors
        self.threshold_cleaning = threshold_cleaning
        self.n_jobs = n_jobs

    def _neighbour_settings(self):
        """Neighbours of the classifier, its estimator, and the editing step's value.

        A classifier is used as given; its neighbours count is what the
        editing step examines, through a neighbours estimator with the same
        metric (imbalanced-learn would fail there).
        """
        name = "NeighbourhoodCleaningRule"
        if is_classifier_object(self.n_neighbors):
            k = self.n_neighbors.n_neighbors
            nn = NearestNeighbors(
                n_neighbors=k + 1,
                metric=self.n_neighbors.metric,
                p=self.n_neighbors.p,
                metric_params=self.n_neighbors.metric_params,
            )
            return k, clone(self.n_neighbors), nn
        k, estimator = neighbors_param(
            self.n_neighbors, "n_neighbors", name, counts_self=True, n_jobs=self.n_jobs
        )
        return k, estimator, self.n_neighbors

    def _fit_resample(self, X, y):
        k, estimator, edit_neighbors = self._neighbour_settings()
        check_n_samples(
            len(y),
            k + 1,
            parameter="n_neighbors",
            value=self.n_neighbors,
            estimator="NeighbourhoodCleaningRule",
            where="X (each sample and its nearest other samples)",
        )
        if self.edited_nearest_neighbours is None:
            editor = EditedNearestNeighbours(
                sampling_strategy=self.sampling_strategy,
                n_neighbors=edit_neighbors,
                kind_sel="mode",
                n_jobs=self.n_jobs,
            )
        else:
            editor = clone(self.edited_nearest_neighbours)
        editor.fit_resample(X, y)
        self.edited_nearest_neighbours_ = editor
        removed = np.ones(len(y), dtype=bool)
        removed[editor.sample_indices_] = False
        classes, codes = class_codes(y)
        clean_codes = self._classes_to_clean(classes, codes)
        self.classes_to_clean_ = classes[clean_codes].tolist()
        removed |= self._around_misclassified(
            X, y, codes, classes, clean_codes, k, estimator
        )
        self.sample_indices_ = np.flatnonzero(~removed)
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def _classes_to_clean(self, classes, codes):
        """Codes of the cleaned classes larger than threshold_cleaning x minority.

        In order of first appearance in ``y``, as imbalanced-learn's
        ``Counter`` lists them.
        """
        counts = np.bincount(codes, minlength=len(classes))
        n_minority = counts[minority_code(classes, codes)]
        _, first = np.unique(codes, return_index=True)
        return [
            code
            for code in np.argsort(first, kind="stable").tolist()
            if classes[code] in self.sampling_strategy_
            and counts[code] > n_minority * self.threshold_cleaning
        ]

    def _around_misclassified(self, X, y, codes, classes, clean_codes, k, estimator):
        """Neighbours, in the classes to clean, of misclassified minority rows."""
        minority = np.flatnonzero(codes == minority_code(classes, codes))
        if is_classifier_object(estimator):
            fitted = estimator.fit(X, y)
            predicted = fitted.predict(_safe_indexing(X, minority))
            misclassified = minority[predicted != y[minority]]
            neighbours = np.empty((0, k), dtype=np.intp)
            if misclassified.size:
                neighbours = fitted.kneighbors(
                    _safe_indexing(X, misclassified),
                    n_neighbors=k + 1,
                    return_distance=False,
                )[:, 1:]
        else:
            X_num = numeric_view(X)
            index = NeighborsIndex(X_num, estimator=estimator)
            dist, neighbours = query_in_chunks(
                index,
                k,
                X_num,
                minority,
                exclude=minority,
                return_distance=True,
                ties="include",
            )
            # the classifier is fitted on every row: a minority row (at
            # distance 0) votes with the other rows of its tie-inclusive
            # k-neighbourhood among all rows, those as close as the (k-1)-th
            # nearest other row (with k = 1, its copies)
            radius = dist[:, k - 2] if k > 1 else np.zeros(len(minority))
            voters = (neighbours >= 0) & (dist <= radius[:, None])
            labels = np.column_stack([codes[minority], codes[neighbours]])
            where = np.column_stack([np.ones(len(minority), dtype=bool), voters])
            wrong = vote(labels, len(classes), where) != codes[minority]
            neighbours = neighbours[wrong]
            neighbours = neighbours[neighbours >= 0]
        to_clean = np.zeros(len(classes), dtype=bool)
        to_clean[clean_codes] = True
        candidates = np.unique(neighbours)
        removed = np.zeros(len(y), dtype=bool)
        removed[candidates[to_clean[codes[candidates]]]] = True
        return removed

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
