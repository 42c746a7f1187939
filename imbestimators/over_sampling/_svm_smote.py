"""SVM-SMOTE: over-sample around the support vectors of an SVM."""

import math
import numbers
import warnings
from typing import NamedTuple

import numpy as np
from sklearn.base import clone
from sklearn.svm import SVC

from imbestimators.base import n_neighbors_from, neighbors_estimator
from imbestimators.exceptions import FallbackWarning
from imbestimators.over_sampling._base import BaseSMOTE
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._param_validation import HasMethods, Interval
from imbestimators.utils._validation import label_repr

__all__ = ["SVMSMOTE"]


@fill_doc
class SVMSMOTE(BaseSMOTE):
    """Over-sample with SVM-SMOTE: grow the class from its support vectors.

    An SVM fitted on all the data marks the class border: its support vectors
    of the resampled class are the base rows of the new samples [1]_. A
    support vector is *noise* when all of its ``m_neighbors`` nearest
    neighbours (all classes) belong to other classes (it is not used), *in
    danger* when at least half do (new rows are interpolated towards its
    ``k_neighbors`` nearest rows of the class), and *safe* otherwise (new rows
    are extrapolated away from those neighbours, by at most ``out_step``). A
    drop-in replacement for :class:`imblearn.over_sampling.SVMSMOTE`.

    Read more in the :ref:`User Guide <over_sampling>`.

    Parameters
    ----------
    {sampling_strategy_over}

    {random_state}

    {k_neighbors}

    m_neighbors : int or object, default=10
        Number of nearest neighbours (all classes) used to decide whether a
        support vector is noise, in danger or safe; an int or a neighbours
        estimator whose ``n_neighbors`` counts the sample itself.

    svm_estimator : estimator object, default=None
        The classifier whose support vectors are the base rows: an
        :class:`~sklearn.svm.SVC` or any estimator with ``fit``, ``predict``
        and, once fitted, a ``support_`` attribute holding row indices of
        ``X``. It is cloned, never fitted in place. None means
        ``SVC(gamma="scale", random_state=random_state)``.

    out_step : float, default=0.5
        Largest step, as a share of the distance to the neighbour, by which
        new rows are extrapolated from safe support vectors.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated per resampled class.
    svm_estimator_ : estimator object
        The clone of ``svm_estimator`` (or the default SVC), fitted on the
        data when a class is resampled.
    in_danger_indices_ : dict of ndarray
        For each resampled class, the indices in ``X`` of its support vectors
        in danger.
    safe_indices_ : dict of ndarray
        For each resampled class, the indices in ``X`` of its safe support
        vectors.
    noise_indices_ : dict of ndarray
        For each resampled class, the indices in ``X`` of its support vectors
        taken for noise, which serve as no base row.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    SMOTE : Interpolate from every row of the class.
    BorderlineSMOTE : Interpolate from the rows in danger, found by k-NN.
    ADASYN : Weight the base rows by the share of other classes around them.

    Notes
    -----
    The SVM is fitted once on all classes; several resampled classes are
    handled one-vs-rest with its support vectors of each class, as in
    imbalanced-learn, whose support vectors and noise, danger and safe sets
    these are on data without distance ties. The danger test counts the
    tie-inclusive neighbourhood (the ``m_neighbors`` nearest rows plus every
    row at the distance of the last of them), as :class:`BorderlineSMOTE`
    does, so the split of given support vectors does not depend on the order
    of the rows (which rows the SVM makes support vectors is its own matter).

    A share ``beta(10, 10)`` of the new rows starts from support vectors in
    danger and the rest from safe ones, as in imbalanced-learn. Every
    resampled class receives exactly the number of rows that
    ``sampling_strategy`` asks for: when it has only support vectors in
    danger, or only safe ones, they are the base of every new row
    (imbalanced-learn then generates only that share, issue #1130). A class
    with no support vector left (the SVM chose none, or all are noise) has no
    border to grow from: its rows are interpolated as plain :class:`SMOTE`
    does, within the class, and one
    :class:`~imbestimators.exceptions.FallbackWarning` names the class and
    its numbers of support vectors (imbalanced-learn raises a ``ValueError``,
    issue #742). An ``svm_estimator`` without a fitted ``support_`` raises a
    ``RuntimeError`` after its fit, as in imbalanced-learn.

    References
    ----------
    .. [1] H. M. Nguyen, E. W. Cooper, K. Kamei, "Borderline over-sampling
       for imbalanced data classification", International Journal of
       Knowledge Engineering and Soft Data Paradigms, 3(1), 4-21, 2011.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.over_sampling import SVMSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1],
    ...                            class_sep=0.8, flip_y=0, random_state=10)
    >>> sampler = SVMSMOTE(random_state=42)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 900), (1, 900)]
    >>> int(sampler.svm_estimator_.n_support_[1]) > 0
    True
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "m_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "svm_estimator": [HasMethods(["fit", "predict"]), None],
        "out_step": [Interval(numbers.Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        m_neighbors=10,
        svm_estimator=None,
        out_step=0.5,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.m_neighbors = m_neighbors
        self.svm_estimator = svm_estimator
        self.out_step = out_step

    @property
    def _m(self):
        return n_neighbors_from(self.m_neighbors, "m_neighbors")

    def _check_sizes(self, y):
        """k_neighbors + 1 rows per resampled class, m_neighbors + 1 in X."""
        super()._check_sizes(y)
        need = self._m + 1
        if need > len(y):
            raise ValueError(
                f"SVMSMOTE: m_neighbors={self.m_neighbors} needs at least {need} "
                f"samples in X, which has {len(y)}. Lower m_neighbors."
            )

    def _plan(self, X, y):
        """Fit the SVM and split each class's support vectors, before generating."""
        if self.svm_estimator is None:
            self.svm_estimator_ = SVC(gamma="scale", random_state=self.random_state)
        else:
            self.svm_estimator_ = clone(self.svm_estimator)
        plans = {}
        classes = self._resampled_classes()
        if classes:  # as in imbalanced-learn, the SVM is fitted only to resample
            support = self._support_indices(X, y)
            index = NeighborsIndex(X, estimator=neighbors_estimator(self.m_neighbors))
            plans = {
                klass: self._split(index, X, y, klass, support) for klass in classes
            }
        self.in_danger_indices_ = {k: plan.danger for k, plan in plans.items()}
        self.safe_indices_ = {k: plan.safe for k, plan in plans.items()}
        self.noise_indices_ = {k: plan.noise for k, plan in plans.items()}
        fallback = {klass: plan for klass, plan in plans.items() if plan.fallback}
        if fallback:
            warnings.warn(self._fallback_message(fallback), FallbackWarning)
        return plans

    def _support_indices(self, X, y):
        """Fit ``svm_estimator_`` on all the data; its support vectors' indices."""
        self.svm_estimator_.fit(X, y)
        support = getattr(self.svm_estimator_, "support_", None)
        if support is None:
            # RuntimeError, as imbalanced-learn raises: it shows only after fit
            raise RuntimeError(
                "SVMSMOTE: `svm_estimator` must expose a fitted `support_` "
                "attribute (the indices of its support vectors), as sklearn.svm.SVC "
                f"and NuSVC do; {type(self.svm_estimator_).__name__} has none "
                "after fit."
            )
        support = np.asarray(support)
        out_of_range = support.size and (support.min() < 0 or support.max() >= len(y))
        if support.dtype.kind not in "iu" or out_of_range:
            raise RuntimeError(
                "SVMSMOTE: the `support_` attribute of `svm_estimator` must hold "
                f"row indices of X (integers from 0 to {len(y) - 1}); got "
                f"{support.dtype} values."
            )
        return support.astype(np.intp, copy=False)

    def _split(self, index, X, y, klass, support):
        """Nguyen et al.: a support vector is noise when all of its m nearest
        neighbours are of other classes, in danger when at least half are,
        safe otherwise; neighbourhoods are tie-inclusive, as BorderlineSMOTE's."""
        rows = support[y[support] == klass]
        if rows.size:
            counts = index.label_counts(
                self._m, y != klass, X[rows], exclude=rows, n_labels=2
            )
            n_other, size = counts[:, 1], counts.sum(axis=1)
        else:
            n_other = size = np.zeros(0, dtype=np.intp)
        noise = n_other == size
        danger = (2 * n_other >= size) & ~noise
        return _Support(
            danger=rows[danger], safe=rows[2 * n_other < size], noise=rows[noise]
        )

    def _fallback_message(self, fallback):
        m = self._m
        classes = ", ".join(
            f"class {label_repr(klass)} ({_count_support(plan.noise.size)}; "
            f"{self.sampling_strategy_[klass]} new rows)"
            for klass, plan in fallback.items()
        )
        its = "Their" if len(fallback) > 1 else "Its"
        return (
            f"SVMSMOTE: no support vector to grow the class from in {classes}. {its} "
            "new rows were interpolated as plain SMOTE does, between random rows of "
            f"the class and their {self._k} nearest rows in the class (k_neighbors). "
            f"A support vector is noise when all of its {m} nearest neighbours "
            "(m_neighbors) belong to another class; a larger m_neighbors or another "
            f"svm_estimator may find a border (one in danger has at least "
            f"{math.ceil(m / 2)} of them in another class)."
        )

    def _generate_class(self, X, y, klass, n_new, rng, buffer, plan):
        class_indices = np.flatnonzero(y == klass)
        X_class = X[class_indices]
        if plan.fallback:
            self._interpolate_in_class(X_class, klass, n_new, rng, buffer)
            return
        index = NeighborsIndex(X_class, estimator=neighbors_estimator(self.k_neighbors))
        n_danger = self._danger_share(plan, n_new, rng)
        for rows, n, scale in [
            (plan.danger, n_danger, 1.0),
            (plan.safe, n_new - n_danger, -self.out_step),
        ]:
            if n:
                base = np.searchsorted(class_indices, rows)
                self._grow(index, X_class, klass, base, n, scale, rng, buffer)

    @staticmethod
    def _danger_share(plan, n_new, rng):
        """New rows from support vectors in danger: a beta(10, 10) share of
        them (imbalanced-learn's rule) when there are safe ones too, else all."""
        if not plan.safe.size:
            return n_new
        if not plan.danger.size:
            return 0
        return min(n_new, int(rng.beta(10, 10) * (n_new + 1)))

    def _grow(self, index, X_class, klass, base, n_new, scale, rng, buffer):
        """``n_new`` rows ``x + scale * u * (x_nn - x)`` from the base rows ``x``
        (positions in the class) and their k nearest rows of the class: a
        negative ``scale`` extrapolates away from the neighbour."""
        k = self._k
        neighbors = index.kneighbors(k, X_class[base], exclude=base)
        rows, cols, steps = self._draw_pairs(len(base), k, n_new, rng)
        steps *= scale
        buffer.add_interpolated(
            klass, X_class, base[rows], X_class, neighbors[rows, cols], steps
        )


def _count_support(n_noise):
    if n_noise == 0:
        return "no support vector"
    if n_noise == 1:
        return "1 support vector, noise"
    return f"{n_noise} support vectors, all noise"


class _Support(NamedTuple):
    """SVMSMOTE's view of one class: its support vectors, as indices in X."""

    danger: np.ndarray
    safe: np.ndarray
    noise: np.ndarray

    @property
    def fallback(self):
        return not (self.danger.size or self.safe.size)
