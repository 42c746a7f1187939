"""SMOTE and Borderline-SMOTE."""

import math
import numbers
import warnings
from typing import NamedTuple

import numpy as np

from imbestimators.base import n_neighbors_from, neighbors_estimator
from imbestimators.exceptions import FallbackWarning
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
    Integer columns receive rounded values, so their dtype is kept. Every
    column must be numeric: categorical, text and boolean columns (pandas
    ``category``, ``object`` with strings, ``string``, ``bool``) and missing
    values are refused before any work, with a ``ValueError`` that names the
    columns and points to :class:`SMOTENC`. imbalanced-learn fails on strings
    with a conversion error, and silently turns the new values of a numeric
    ``category`` column into NaN and those of a ``bool`` column into ``True``
    wherever they are not exactly 0.

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

    def _generate_class(self, X, y, klass, n_new, rng, buffer, plan):
        X_class = X[np.flatnonzero(y == klass)]
        self._interpolate_in_class(X_class, klass, n_new, rng, buffer)


@fill_doc
class BorderlineSMOTE(BaseSMOTE):
    """Over-sample with Borderline-SMOTE: interpolate from minority rows in danger.

    A minority row is *in danger* when at least half, but not all, of its
    ``m_neighbors`` nearest neighbours (all classes) belong to other classes;
    only those rows serve as base points (a class with none falls back to
    plain SMOTE, see Notes). A drop-in replacement for
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
        Number of samples generated per resampled class.
    in_danger_indices : dict of ndarray
        imbalanced-learn's attribute, with its meaning: for each resampled
        class that has rows in danger, their indices in ``X``. A class with no
        row in danger is absent.
    in_danger_indices_ : dict of ndarray
        The same arrays for every resampled class, with an empty array for a
        class with no row in danger (whose rows were generated as plain SMOTE
        does, see Notes).
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
    Every resampled class receives exactly the number of rows that
    ``sampling_strategy`` asks for, however few of its rows are in danger: a
    single row in danger serves as the base of every new row. A class with no
    row in danger (well separated classes, identical rows, a class whose rows
    are all isolated among other classes) has no border to strengthen; its
    rows are then interpolated as plain :class:`SMOTE` does, within the class,
    and one :class:`~imbestimators.exceptions.FallbackWarning` names the class
    and its numbers of safe and noise rows. imbalanced-learn silently
    generates no row for such a class. The fallback needs ``k_neighbors + 1``
    rows in the class, also with ``kind="borderline-2"``: if it has fewer, a
    ``ValueError`` names the class before any row is generated. For
    ``"borderline-2"`` the step towards another class is uniform in [0, 0.5)
    as in the paper; imbalanced-learn multiplies it by a second uniform draw.

    The danger test counts the tie-inclusive neighbourhood: the
    ``m_neighbors`` nearest rows plus every row at the same distance as the
    last of them, so the rows in danger do not depend on the order of the
    rows. On data without distance ties they are exactly imbalanced-learn's.

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

    def _plan(self, X, y):
        """The rows in danger of every resampled class, found before generating.

        Classes without any row in danger fall back to plain SMOTE: they are
        checked (size) and reported (one warning) before any row is generated.
        """
        index = NeighborsIndex(X, estimator=neighbors_estimator(self.m_neighbors))
        plans = {
            klass: self._danger(index, X, y, klass)
            for klass in self._resampled_classes()
        }
        fallback = {klass: plan for klass, plan in plans.items() if plan.fallback}
        self._check_fallback_sizes(y, fallback)
        self.in_danger_indices_ = {klass: plan.indices for klass, plan in plans.items()}
        # imbalanced-learn's attribute: classes with no row in danger are absent
        self.in_danger_indices = {
            klass: indices
            for klass, indices in self.in_danger_indices_.items()
            if indices.size
        }
        if fallback:
            warnings.warn(self._fallback_message(fallback), FallbackWarning)
        return plans

    def _danger(self, index, X, y, klass):
        """Han et al.: a row is in danger when m/2 <= m' < m of its m nearest
        neighbours (all classes) belong to other classes; with rows tied at the
        m-th distance, when half or more, but not all, of its tie-inclusive
        neighbourhood does."""
        class_indices = np.flatnonzero(y == klass)
        m = self._m
        # tie-inclusive: every row at the m-th distance counts, so the danger
        # set does not depend on the order of the rows
        neighbors = index.kneighbors(
            m, X[class_indices], exclude=class_indices, ties="include"
        )
        listed = neighbors >= 0
        n_other = np.count_nonzero(listed & (y[neighbors] != klass), axis=1)
        size = np.count_nonzero(listed, axis=1)
        # 1/2 <= share of other classes < 1
        danger = (2 * n_other >= size) & (n_other < size)
        return _Danger(
            indices=class_indices[danger],
            positions=np.flatnonzero(danger),
            m_neighbors=neighbors[danger][:, :m],
            n_safe=int(np.count_nonzero(2 * n_other < size)),
            n_noise=int(np.count_nonzero(n_other == size)),
        )

    def _check_fallback_sizes(self, y, fallback):
        """Plain SMOTE needs k_neighbors + 1 rows in the class (borderline-1
        checked it already)."""
        need = self._k + 1
        for klass in fallback:
            size = int(np.count_nonzero(y == klass))
            if size < need:
                raise ValueError(
                    f"{type(self).__name__}: class {label_repr(klass)} has no row in "
                    "danger, so its new rows must be interpolated within the class "
                    f"as plain SMOTE does, and k_neighbors={self.k_neighbors} needs "
                    f"at least {need} rows in it; it has {size}. Lower k_neighbors, "
                    "or use RandomOverSampler."
                )

    def _fallback_message(self, fallback):
        m, k = self._m, self._k
        classes = ", ".join(
            f"class {label_repr(klass)} ({plan.n_safe} safe rows, {plan.n_noise} "
            f"noise rows; {self.sampling_strategy_[klass]} new rows)"
            for klass, plan in fallback.items()
        )
        its = "Their" if len(fallback) > 1 else "Its"
        return (
            f"{type(self).__name__}: no row is in danger in {classes}. {its} "
            "new rows were interpolated as plain SMOTE does, between random rows "
            f"of the class and their {k} nearest rows in the class (k_neighbors). A "
            f"row is in danger when at least {math.ceil(m / 2)} but not all of its "
            f"{m} nearest neighbours (m_neighbors) belong to another class; a safe "
            "row has fewer, a noise row has all."
        )

    def _generate_class(self, X, y, klass, n_new, rng, buffer, danger):
        class_indices = np.flatnonzero(y == klass)
        if danger.fallback:
            self._interpolate_in_class(X[class_indices], klass, n_new, rng, buffer)
        elif self.kind == "borderline-1":
            self._interpolate_in_class(
                X[class_indices], klass, n_new, rng, buffer, base=danger.positions
            )
        else:
            self._borderline2(X, y, klass, n_new, rng, buffer, danger)

    def _borderline2(self, X, y, klass, n_new, rng, buffer, danger):
        """From rows in danger towards their k nearest rows of any class."""
        neighbors = self._neighbors_any_class(X, danger.indices, danger.m_neighbors)
        rows, cols, steps = self._draw_pairs(len(danger.indices), self._k, n_new, rng)
        nbr_rows = neighbors[rows, cols]
        # towards another class, stay on the minority side: step in [0, 0.5)
        steps[y[nbr_rows] != klass] *= 0.5
        buffer.add_interpolated(klass, X, danger.indices[rows], X, nbr_rows, steps)

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


class _Danger(NamedTuple):
    """BorderlineSMOTE's view of one class."""

    indices: np.ndarray  # rows in danger, as indices in X
    positions: np.ndarray  # the same rows, as positions in the class
    m_neighbors: np.ndarray  # their m nearest rows of any class
    n_safe: int
    n_noise: int

    @property
    def fallback(self):
        return self.indices.size == 0
