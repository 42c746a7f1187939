"""Condensed nearest neighbour (Hart's rule)."""

import numbers

import numpy as np
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
    query_in_chunks,
    vote,
)
from imbestimators.under_sampling._neighbourhoods import exact_sq_distances
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval

__all__ = ["CondensedNearestNeighbour"]

#: misclassified rows examined one after the other between two batch updates
_WINDOW = 256


@fill_doc
class CondensedNearestNeighbour(BaseCleaningSampler):
    """Under-sample with the condensed nearest neighbour rule (Hart).

    For each condensed class, the set ``C`` starts with the minority class
    and ``n_seeds_S`` random rows of the class. The rows of the class are then
    visited in order, and each one that a k-nearest-neighbour classifier
    fitted on ``C`` misclassifies is added to ``C`` [1]_. The rows of ``C``
    from the class are kept. A drop-in replacement for
    :class:`imblearn.under_sampling.CondensedNearestNeighbour` with the same
    parameters and the same seeds for the same ``random_state``.

    Read more in the :ref:`User Guide <condensed_nearest_neighbors>`.

    Parameters
    ----------
    {sampling_strategy_cleaning}

    {random_state}

    n_neighbors : int, object or None, default=None
        Neighbours of the classifier: None means 1; an int is searched by the
        built-in engine; otherwise a k-nearest-neighbours classifier with
        ``fit`` and ``predict`` (e.g. ``KNeighborsClassifier``), refitted at
        each addition.

    n_seeds_S : int, default=1
        Number of random rows of the class that seed ``C`` (drawn with
        replacement, as in imbalanced-learn).

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The condensed classes (keys) and their number of samples before.
    estimators_ : list of estimator
        For each condensed class, the classifier fitted on its final ``C``.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Indices in ``X`` of the rows kept: class after class (sorted labels);
        for a condensed class its seeds (as drawn) then the added rows.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    OneSidedSelection : One condensing pass followed by Tomek links.
    EditedNearestNeighbours : Remove rows that disagree with their neighbours.

    Notes
    -----
    Adding a row of the class to ``C`` can only turn a misclassified row of
    the class into a correctly classified one, never the reverse, so a single
    pass in order is Hart's rule. Only the rows still misclassified are
    updated after each addition: in windows of consecutive rows, whose
    additions are decided one after the other from their mutual distances,
    then applied to all later rows at once. Neighbours are exact Euclidean
    neighbours (for an int ``n_neighbors``), ties broken towards the row that
    entered ``C`` first.

    Imbalanced-learn skips a row when its position in the class equals the
    index in ``X`` of a row of ``C`` (it mixes the two numberings), so on some
    inputs it keeps fewer rows than Hart's rule; this implementation follows
    the rule.

    References
    ----------
    .. [1] P. Hart, "The condensed nearest neighbor rule", IEEE Transactions
       on Information Theory, 14(3), pp. 515-516, 1968.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import CondensedNearestNeighbour
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> cnn = CondensedNearestNeighbour(random_state=42)
    >>> X_res, y_res = cnn.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 43)]
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
            self.n_neighbors,
            "n_neighbors",
            "CondensedNearestNeighbour",
            n_jobs=self.n_jobs,
        )
        classes, codes = class_codes(y)
        minority = np.flatnonzero(codes == minority_code(classes, codes))
        check_n_samples(
            len(minority) + self.n_seeds_S,
            k,
            parameter="n_neighbors",
            value=self.n_neighbors,
            estimator="CondensedNearestNeighbour",
            where=(
                f"the starting set C (the minority class "
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
                seeds = rows[rng.randint(0, len(rows), size=self.n_seeds_S)]
                condense = _Condensing(X_num, codes, k, len(classes), classifier)
                rows = np.concatenate([seeds, condense.run(rows, seeds, minority)])
                self.estimators_.append(
                    condense.fitted(np.concatenate([minority, rows]), y, self.n_jobs)
                )
            parts.append(rows)
        self.sample_indices_ = np.concatenate(parts)
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags


class _Condensing:
    """One pass of Hart's rule over the rows of one class."""

    def __init__(self, X, codes, k, n_classes, classifier):
        self.X = X
        self.codes = codes
        self.k = k
        self.n_classes = n_classes
        self.classifier = classifier

    def fitted(self, store, y, n_jobs):
        """The classifier fitted on the final set C (``store``)."""
        classifier = self.classifier
        if classifier is None:
            classifier = KNeighborsClassifier(n_neighbors=self.k, n_jobs=n_jobs)
        return classifier.fit(_safe_indexing(self.X, store), y[store])

    def run(self, rows, seeds, minority):
        """The rows added to C, in order (the seeds are already in C)."""
        candidates = rows[~np.isin(rows, seeds)]
        store = np.concatenate([minority, seeds])
        if self.classifier is not None:
            return self._run_with_classifier(candidates, store)
        dist, ind = query_in_chunks(
            NeighborsIndex(self.X[store]),
            self.k,
            self.X,
            candidates,
            return_distance=True,
        )
        state = _Neighbourhoods(dist, self.codes[store][ind], ind)
        target = self.codes[rows[0]]
        wrong = np.flatnonzero(vote(state.labels, self.n_classes) != target)
        added = []
        while wrong.size:
            window, wrong = wrong[:_WINDOW], wrong[_WINDOW:]
            new = self._window(
                candidates, window, state, target, len(store) + len(added)
            )
            added.extend(candidates[new].tolist())
            if new.size and wrong.size:
                self._update(
                    candidates, wrong, new, state, len(store) + len(added) - len(new)
                )
                wrong = wrong[vote(state.labels[wrong], self.n_classes) != target]
        return np.asarray(added, dtype=np.intp)

    def _window(self, candidates, window, state, target, first_position):
        """Decide a window of misclassified rows one after the other."""
        rows = candidates[window]
        pairwise = np.sqrt(
            exact_sq_distances(
                self.X, np.repeat(rows, len(rows)), np.tile(rows, len(rows))
            )
        ).reshape(len(rows), len(rows))
        added = []
        for j, position in enumerate(window):
            dist, labels, order = state.row(position)
            if added:
                closer = [a for a in added if pairwise[j, a] < dist[-1]]
                if closer:
                    dist, labels, order = _merge_one(
                        dist,
                        labels,
                        order,
                        pairwise[j, closer],
                        target,
                        first_position + np.searchsorted(added, closer),
                        self.k,
                    )
            counts = np.bincount(labels, minlength=self.n_classes)
            if np.argmax(counts) != target:
                added.append(j)
        return window[np.asarray(added, dtype=np.intp)]

    def _update(self, candidates, wrong, new, state, first_position):
        """Let every later misclassified row see the rows just added."""
        n_ask = min(self.k, len(new))
        dist, ind = query_in_chunks(
            NeighborsIndex(self.X[candidates[new]]),
            n_ask,
            self.X,
            candidates[wrong],
            return_distance=True,
        )
        labels = np.full(ind.shape, self.codes[candidates[new[0]]], dtype=np.intp)
        state.merge(wrong, dist, labels, first_position + ind, self.k)

    def _run_with_classifier(self, candidates, store):
        classifier = self.classifier
        target = self.codes[candidates[0]] if candidates.size else None
        added = []
        wrong = np.arange(len(candidates))
        while wrong.size:
            members = np.concatenate([store, candidates[added]]).astype(np.intp)
            classifier.fit(self.X[members], self.codes[members])
            predicted = classifier.predict(self.X[candidates[wrong]])
            wrong = wrong[predicted != target]
            if wrong.size:
                added.append(wrong[0])
                wrong = wrong[1:]
        return candidates[np.asarray(added, dtype=np.intp)]


class _Neighbourhoods:
    """Each candidate's ``k`` nearest rows of C: distances, labels, positions in C."""

    def __init__(self, dist, labels, positions):
        self.dist = dist
        self.labels = labels
        self.positions = positions

    def row(self, i):
        return self.dist[i], self.labels[i], self.positions[i]

    def merge(self, rows, dist, labels, positions, k):
        all_dist = np.hstack([self.dist[rows], dist])
        all_labels = np.hstack([self.labels[rows], labels])
        all_positions = np.hstack([self.positions[rows], positions])
        # nearest first, ties towards the row that entered C first
        order = np.lexsort((all_positions, all_dist), axis=-1)[:, :k]
        self.dist[rows] = np.take_along_axis(all_dist, order, axis=1)
        self.labels[rows] = np.take_along_axis(all_labels, order, axis=1)
        self.positions[rows] = np.take_along_axis(all_positions, order, axis=1)


def _merge_one(dist, labels, positions, new_dist, label, new_positions, k):
    all_dist = np.concatenate([dist, new_dist])
    all_labels = np.concatenate([labels, np.full(len(new_dist), label)])
    all_positions = np.concatenate([positions, new_positions])
    order = np.lexsort((all_positions, all_dist))[:k]
    return all_dist[order], all_labels[order], all_positions[order]
