"""A cross-validation splitter that spreads hard samples evenly over the folds."""

import numbers
import warnings

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import BaseCrossValidator, cross_val_predict
from sklearn.utils.multiclass import type_of_target

from imbestimators.utils._param_validation import InvalidParameterError
from imbestimators.utils._validation import check_X_y_lengths, label_repr

__all__ = ["InstanceHardnessCV"]


class InstanceHardnessCV(BaseCrossValidator):
    """Cross-validation splitter that spreads hard samples evenly over the folds.

    The instance hardness of a sample is how badly a classifier, trained
    without it, predicts its class [1]_: ``estimator``'s out-of-fold
    ``predict_proba`` estimates it. Within each class the samples are ranked
    by hardness and dealt to the folds in turn, so that every test fold gets
    its share of the easy and of the hard samples of each class, and the
    scores of the folds vary less than with a stratified split. A drop-in
    replacement for :class:`imblearn.model_selection.InstanceHardnessCV`,
    with the same folds.

    Read more in the :ref:`User Guide <instance_hardness_threshold>`.

    Parameters
    ----------
    estimator : estimator object
        Classifier with ``predict_proba`` that estimates the instance
        hardness. It is cloned, never fitted in place.

    n_splits : int, default=5
        Number of folds, at least 2. The hardness is itself estimated with as
        many stratified folds (``cross_val_predict(estimator, X, y,
        cv=n_splits)``), so each class needs at least ``n_splits`` samples.

    pos_label : int, float, bool or str, default=None
        The class whose predicted probability ranks the samples. None means
        the second of the sorted classes (``estimator.classes_[1]``). Ranking
        by the probability of either class orders the samples of each class
        by hardness, but ties and rounding can make the folds differ.

    See Also
    --------
    sklearn.model_selection.StratifiedKFold : Folds that keep the class shares.
    imbestimators.under_sampling.InstanceHardnessThreshold : Remove the
        hardest samples of the majority classes.

    Notes
    -----
    Only binary targets are accepted, as in imbalanced-learn. The samples are
    sorted by class, then by the predicted probability of ``pos_label``
    (equal probabilities in row order), and sample ``i`` of that order goes to
    test fold ``i % n_splits``. The folds are imbalanced-learn's for the same
    estimator and data. Parameters are checked when :meth:`split` is called,
    before the estimator is fitted, with errors that name them; ``groups``
    is ignored, with a warning.

    References
    ----------
    .. [1] M. R. Smith, T. Martinez, C. Giraud-Carrier, "An instance level
       analysis of data complexity", Machine Learning, 95(2), 225-256, 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from imbestimators.model_selection import InstanceHardnessCV
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1],
    ...                            class_sep=2, flip_y=0.05, random_state=10)
    >>> cv = InstanceHardnessCV(LogisticRegression(), n_splits=5)
    >>> [int(np.count_nonzero(y[test])) for _, test in cv.split(X, y)]
    [22, 23, 23, 23, 23]
    >>> scores = cross_validate(LogisticRegression(), X, y, cv=cv)["test_score"]
    >>> bool(scores.std() < 0.01)
    True
    """

    def __init__(self, estimator, *, n_splits=5, pos_label=None):
        self.estimator = estimator
        self.n_splits = n_splits
        self.pos_label = pos_label

    def split(self, X, y, groups=None):
        """Generate the indices of the training and test samples of each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Binary target.
        groups : object, default=None
            Ignored (a warning says so); exists for compatibility.

        Yields
        ------
        train : ndarray
            The training set indices for that split, sorted.
        test : ndarray
            The testing set indices for that split, sorted.
        """
        if groups is not None:
            warnings.warn(
                f"The groups parameter is ignored by {type(self).__name__}: "
                "its folds are set by the instance hardness.",
                UserWarning,
            )
        folds = self._assign_folds(X, y)
        for fold in range(self.n_splits):
            yield np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of splitting iterations, ``n_splits``.

        Parameters
        ----------
        X, y, groups : object
            Ignored; exist for compatibility.

        Returns
        -------
        n_splits : int
        """
        return self.n_splits

    def _assign_folds(self, X, y):
        """Test fold of each sample: by class, then by hardness, dealt in turn."""
        self._check_params()
        classes, codes = self._check_target(X, y)
        column = self._pos_column(classes)
        proba = cross_val_predict(
            clone(self.estimator), X, y, cv=self.n_splits, method="predict_proba"
        )
        # sorted by class, then by the probability of pos_label: within a
        # class that is an order of hardness (a stable sort keeps ties in row
        # order, as imbalanced-learn's np.lexsort does)
        order = np.lexsort((proba[:, column], codes))
        folds = np.empty(len(codes), dtype=np.intp)
        folds[order] = np.arange(len(codes)) % self.n_splits
        return folds

    def _check_params(self):
        name = type(self).__name__
        n_splits = self.n_splits
        # InvalidParameterError (a ValueError and a TypeError) is what
        # imbalanced-learn raises for these values (from cross_val_predict)
        if not isinstance(n_splits, numbers.Integral) or isinstance(n_splits, bool):
            raise InvalidParameterError(
                f"{name}: n_splits must be an int of at least 2; got "
                f"{n_splits!r} of type {type(n_splits).__name__}."
            )
        if n_splits < 2:
            raise InvalidParameterError(
                f"{name}: n_splits must be at least 2 (one test fold and the "
                f"others to train on); got n_splits={n_splits}."
            )
        if not (
            hasattr(self.estimator, "fit") and hasattr(self.estimator, "predict_proba")
        ):
            raise TypeError(
                f"{name}: estimator must be a classifier with fit and "
                f"predict_proba, whose probabilities estimate the instance "
                f"hardness; got {self.estimator!r}. For an SVC, set "
                "probability=True."
            )

    def _check_target(self, X, y):
        """Sorted classes and the class code of each sample; y must be binary."""
        name = type(self).__name__
        if y is None:
            raise ValueError(f"{name}.split needs y, the binary target; got None.")
        check_X_y_lengths(X, y, name)
        y = np.asarray(y)
        y_type = type_of_target(y, input_name="y")
        classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
        if y_type not in ("binary", "multiclass") or len(classes) != 2:
            raise ValueError(
                f"{name} only supports binary classification. "
                f"{_describe_target(y_type, len(classes))}; use StratifiedKFold "
                "for other targets."
            )
        if is_classifier(self.estimator) and counts.min() < self.n_splits:
            # the hardness is estimated with StratifiedKFold(n_splits)
            small = classes[np.argmin(counts)]
            raise ValueError(
                f"{name}: n_splits={self.n_splits} needs at least {self.n_splits} "
                f"samples in each class, but class {label_repr(small)} has "
                f"{counts.min()}. Lower n_splits."
            )
        return classes, codes

    def _pos_column(self, classes):
        """Column of ``pos_label`` in ``predict_proba`` (the sorted classes)."""
        if self.pos_label is None:
            return 1
        match = np.flatnonzero(classes == self.pos_label)
        if match.size == 0:
            listed = ", ".join(label_repr(klass) for klass in classes)
            raise ValueError(
                f"{type(self).__name__}: pos_label={self.pos_label!r} is not a "
                f"class of y, whose classes are {listed}."
            )
        return int(match[0])


def _describe_target(y_type, n_classes):
    if y_type not in ("binary", "multiclass"):
        return f"y is {y_type}"
    return f"y has {n_classes} {'class' if n_classes == 1 else 'classes'}"
