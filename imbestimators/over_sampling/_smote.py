"""SMOTE and Borderline-SMOTE."""

import numbers
import warnings

import numpy as np

from imbestimators.base import n_neighbors_from, neighbors_estimator
from imbestimators.exceptions import NoSyntheticSamplesWarning
from imbestimators.over_sampling._base import BaseSMOTE
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval, StrOptions
from imbestimators.utils._validation import label_repr

__all__ = ["SMOTE", "BorderlineSMOTE"]


@fill_doc
class SMOTE(BaseSMOTE):
    """Over-sample with SMOTE: interpolate between a row and a same-class neighbour.

    A drop-in replacement for :class:`imblearn.over_sampling.SMOTE` (same
    parameters, defaults and meaning) whose neighbour search is exact and
    deterministic, whose memory stays close to the size of the result, and
    whose errors name the class that is too small.

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    {sampling_strategy_over}

    {random_state}

    {k_neighbors}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per resampled class.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    BorderlineSMOTE : Interpolate only from minority rows near the border.
    ADASYN : Generate more samples where the minority is harder to learn.
    SMOTENC : SMOTE for mixed numerical and categorical features.
    RandomOverSampler : Duplicate rows, optionally with a smoothed bootstrap.

    Notes
    -----
    Each new sample is ``x + u * (x_nn - x)`` with ``x`` drawn uniformly from
    the class, ``x_nn`` drawn uniformly from its ``k_neighbors`` nearest
    neighbours in the same class and ``u`` uniform in [0, 1) [1]_. Several
    classes are handled one after the other (one-vs-rest), with a single
    random generator: unlike imbalanced-learn, two classes never receive the
    same interpolation steps. Original rows are returned unchanged and first.
    Integer columns receive rounded values, so their dtype is kept.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE:
       synthetic minority over-sampling technique", Journal of Artificial
       Intelligence Research, 16, 321-357, 2002.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.over_sampling import SMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1],
    ...                            flip_y=0, random_state=10)
    >>> sorted(Counter(y.tolist()).items())
    [(0, 900), (1, 100)]
    >>> X_res, y_res = SMOTE(random_state=42).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    >>> bool((X_res[:1000] == X).all())  # originals first, unchanged
    True
    """

    def _generate_class(self, X, y, klass, n_new, rng, buffer):
        X_class = X[np.flatnonzero(y == klass)]
        neighbors = self._class_neighbors(X_class)
        rows, cols, steps = self._draw_pairs(X_class.shape[0], self._k, n_new, rng)
        buffer.add_interpolated(
            klass, X_class, rows, X_class, neighbors[rows, cols], steps
        )


@fill_doc
class BorderlineSMOTE(BaseSMOTE):
    """Over-sample with Borderline-SMOTE: interpolate from minority rows in danger.

    A minority row is *in danger* when at least half, but not all, of its
    ``m_neighbors`` nearest neighbours (all classes) belong to other classes;
    only those rows serve as base points. A drop-in replacement for
    :class:`imblearn.over_sampling.BorderlineSMOTE`.

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    {sampling_strategy_over}

    {random_state}

    {k_neighbors}

    m_neighbors : int or object, default=10
        Number of nearest neighbours (all classes) used to decide whether a
        row is in danger; an int or a neighbours estimator whose
        ``n_neighbors`` counts the sample itself.

    kind : {"borderline-1", "borderline-2"}, default="borderline-1"
        ``"borderline-1"`` interpolates towards same-class neighbours only;
        ``"borderline-2"`` towards the ``k_neighbors`` nearest rows of any
        class, with a step in [0, 0.5) towards rows of another class, so that
        new points stay on the minority side [1]_.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples requested per resampled class.
    in_danger_indices_ : dict
        For each resampled class, the indices (in ``X``) of its rows in danger.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTE : Interpolate from every row of the class.
    ADASYN : Weight the base rows by the share of other classes around them.

    Notes
    -----
    A class with no row in danger gets no new samples; a
    :class:`~imbestimators.exceptions.NoSyntheticSamplesWarning` says so
    (imbalanced-learn skips it silently). For ``"borderline-2"`` the step
    towards another class is uniform in [0, 0.5) as in the paper;
    imbalanced-learn multiplies it by a second uniform draw.

    References
    ----------
    .. [1] H. Han, W.-Y. Wang, B.-H. Mao, "Borderline-SMOTE: a new
       over-sampling method in imbalanced data sets learning", ICIC 2005.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.over_sampling import BorderlineSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1],
    ...                            class_sep=0.5, flip_y=0, random_state=10)
    >>> X_res, y_res = BorderlineSMOTE(random_state=42).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "m_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "kind": [StrOptions({"borderline-1", "borderline-2"})],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        m_neighbors=10,
        kind="borderline-1",
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.m_neighbors = m_neighbors
        self.kind = kind

    @property
    def _m(self):
        return n_neighbors_from(self.m_neighbors, "m_neighbors")

    def _check_sizes(self, y):
        name = type(self).__name__
        if self.kind == "borderline-1":
            super()._check_sizes(y)
        for parameter, value, n in [
            ("m_neighbors", self.m_neighbors, self._m),
            ("k_neighbors", self.k_neighbors, self._k),
        ]:
            if n + 1 > len(y):
                raise ValueError(
                    f"{name}: {parameter}={value} needs at least {n + 1} samples "
                    f"in X, which has {len(y)}. Lower {parameter}."
                )

    def _fit_resample(self, X, y):
        self.in_danger_indices_ = {}
        return super()._fit_resample(X, y)

    def _danger(self, X, y, class_indices, klass):
        """Neighbours among all rows, and the mask of the class's rows in danger."""
        index = NeighborsIndex(X, estimator=neighbors_estimator(self.m_neighbors))
        m = self._m
        neighbors = index.kneighbors(m, X[class_indices], exclude=class_indices)
        n_other = np.count_nonzero(y[neighbors] != klass, axis=1)
        # Han et al.: in danger when m/2 <= m' < m (m' neighbours of other classes)
        return neighbors, (n_other >= m / 2) & (n_other < m)

    def _generate_class(self, X, y, klass, n_new, rng, buffer):
        class_indices = np.flatnonzero(y == klass)
        all_neighbors, danger = self._danger(X, y, class_indices, klass)
        self.in_danger_indices_[klass] = class_indices[danger]
        if not danger.any():
            warnings.warn(
                f"BorderlineSMOTE: class {label_repr(klass)} has no sample in danger "
                f"(none has between m/2 and m-1 of its m_neighbors={self._m} nearest "
                "neighbours in other classes); no sample was generated for it.",
                NoSyntheticSamplesWarning,
            )
            return
        k = self._k
        if self.kind == "borderline-1":
            X_class = X[class_indices]
            neighbors = self._class_neighbors(X_class)[danger]
            rows, cols, steps = self._draw_pairs(danger.sum(), k, n_new, rng)
            base_rows = np.flatnonzero(danger)[rows]
            buffer.add_interpolated(
                klass, X_class, base_rows, X_class, neighbors[rows, cols], steps
            )
            return
        neighbors = self._neighbors_any_class(
            X, class_indices[danger], all_neighbors[danger]
        )
        rows, cols, steps = self._draw_pairs(danger.sum(), k, n_new, rng)
        nbr_rows = neighbors[rows, cols]
        # towards another class, stay on the minority side: step in [0, 0.5)
        steps[y[nbr_rows] != klass] *= 0.5
        buffer.add_interpolated(
            klass, X, class_indices[danger][rows], X, nbr_rows, steps
        )

    def _neighbors_any_class(self, X, danger_indices, m_neighbors):
        """The k nearest rows of any class of each row in danger."""
        k = self._k
        same_engine = neighbors_estimator(self.k_neighbors) is None and (
            neighbors_estimator(self.m_neighbors) is None
        )
        if same_engine and k <= self._m:
            # the m nearest (all classes) are sorted: the k nearest are their head
            return m_neighbors[:, :k]
        index = NeighborsIndex(X, estimator=neighbors_estimator(self.k_neighbors))
        return index.kneighbors(k, X[danger_indices], exclude=danger_indices)
