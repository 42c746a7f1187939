"""Score matrices of fitted classifiers, in the layout the decision rules search.

Classes are handled through *codes*: for two classes, code 0 is the negative
class and code 1 the positive one (whatever their order in ``classes_``), and
the score matrix is ``[0, score of the positive class]``; for more classes,
codes are positions in ``classes_`` and the matrix holds log-probabilities,
decision values, or minus the Bayes risks of a cost matrix.
"""

from typing import NamedTuple

import numpy as np

__all__ = ["ClassCoding", "make_coding", "resolve_response_method", "rule_scores"]

# log(0) would make breaks infinite (and inf - inf undefined): the smallest
# normal float keeps every log-probability finite
_TINY = np.finfo(np.float64).tiny


class ClassCoding(NamedTuple):
    """How the labels of ``classes`` map to the codes of the search."""

    classes: np.ndarray  # (K,) sorted labels
    code_to_class: np.ndarray  # (K,) position in classes of each code

    @property
    def binary(self):
        return len(self.classes) == 2

    @property
    def labels(self):
        """The label of each code."""
        return self.classes[self.code_to_class]

    def encode(self, y):
        """Codes of the labels ``y``."""
        positions = np.searchsorted(self.classes, y)
        return np.argsort(self.code_to_class)[positions]


def make_coding(classes, pos_label=None):
    """The coding of ``classes``; for two classes, ``pos_label`` gets code 1."""
    classes = np.asarray(classes)
    if len(classes) != 2:
        return ClassCoding(classes, np.arange(len(classes)))
    pos = 1 if pos_label is None else int(np.flatnonzero(classes == pos_label)[0])
    return ClassCoding(classes, np.array([1 - pos, pos]))


def resolve_response_method(estimator, response_method):
    """The prediction method to use: ``predict_proba`` first for ``'auto'``."""
    if response_method != "auto":
        return response_method
    return (
        "predict_proba"
        if hasattr(estimator, "predict_proba")
        else ("decision_function")
    )


def _aligned_columns(estimator, coding, values, method):
    """Columns of ``values`` in the order of the codes; missing classes -> None."""
    est_classes = list(np.asarray(estimator.classes_))
    columns = []
    for label in coding.labels:
        columns.append(est_classes.index(label) if label in est_classes else None)
    if values.ndim != 2 or values.shape[1] != len(est_classes):
        raise ValueError(
            f"{type(estimator).__name__}.{method} returned shape {values.shape}; "
            f"expected (n_samples, {len(est_classes)}), one column per class."
        )
    return columns


def _binary_score(estimator, X, method, coding):
    pos_label = coding.labels[1]
    est_classes = np.asarray(estimator.classes_)
    if pos_label not in est_classes or len(est_classes) != 2:
        raise ValueError(
            f"The fitted {type(estimator).__name__} knows the classes "
            f"{est_classes.tolist()}; both classes "
            f"{coding.labels.tolist()} are needed to score them. "
            "Use a stratified cv so that every training fold holds both."
        )
    values = np.asarray(getattr(estimator, method)(X), dtype=np.float64)
    is_first = pos_label == est_classes[0]
    if method == "predict_proba":
        return values[:, 0 if is_first else 1]
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(
            f"{type(estimator).__name__}.decision_function returned shape "
            f"{values.shape} for two classes; expected (n_samples,)."
        )
    # scikit-learn's decision values are scores of classes_[1]
    return -values if is_first else values


def _multiclass_scores(estimator, X, method, coding, risk):
    values = np.asarray(getattr(estimator, method)(X), dtype=np.float64)
    columns = _aligned_columns(estimator, coding, values, method)
    n_samples = values.shape[0]
    if method == "decision_function" and None in columns:
        missing = [c for c, i in zip(coding.labels.tolist(), columns) if i is None]
        raise ValueError(
            f"The fitted {type(estimator).__name__} never saw the classes "
            f"{missing}, so its decision values cannot score them. Use a "
            "stratified cv so that every training fold holds every class."
        )
    out = np.zeros((n_samples, len(columns)))
    for code, column in enumerate(columns):
        if column is not None:
            out[:, code] = values[:, column]
    if method == "decision_function":
        return out
    if risk is not None:
        # Bayes minimum risk: the expected cost of predicting each class
        return -(out @ risk)
    return np.log(np.maximum(out, _TINY))


def rule_scores(estimator, X, method, coding, risk=None):
    """The score matrix of a fitted classifier on ``X``, columns in code order.

    Parameters
    ----------
    estimator : fitted classifier
        Has ``classes_`` and the method ``method``.
    X : array-like
        Samples, as ``estimator`` accepts them.
    method : {"predict_proba", "decision_function"}
        The response to use.
    coding : ClassCoding
        Classes and their codes.
    risk : ndarray of shape (n_classes, n_classes), default=None
        Cost matrix ``risk[true, predicted]`` in code order; with
        probabilities and more than two classes, the scores are minus the
        expected cost of each prediction.

    Returns
    -------
    scores : ndarray of shape (n_samples, n_classes)
    """
    if coding.binary:
        score = _binary_score(estimator, X, method, coding)
        if not np.all(np.isfinite(score)):
            raise ValueError(
                f"{type(estimator).__name__}.{method} returned non-finite scores; "
                "a decision rule cannot be searched on them."
            )
        return np.column_stack([np.zeros_like(score), score])
    return _multiclass_scores(estimator, X, method, coding, risk)
