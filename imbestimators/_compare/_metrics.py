"""The metrics of the comparison table, computed from one fold's predictions.

Each metric is computed from the labels and scores predicted once per fold,
rather than through scorers that would predict again. Binary targets are scored
for the minority (positive) class; multiclass targets with macro averages, so
that every class counts the same whatever its size.
"""

from dataclasses import dataclass

import numpy as np
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from imbestimators._compare._errors import CompareError

__all__ = ["DEFAULT_METRICS", "METRICS", "Metric", "resolve_metrics"]


@dataclass(frozen=True)
class Metric:
    """A column of the table.

    ``ranking`` metrics judge the scores over every threshold (they ignore the
    decision threshold); the others judge the predicted labels.
    """

    name: str
    label: str
    ranking: bool
    function: object

    def __call__(self, y_true, y_pred, score, *, classes, pos_label):
        return float(
            self.function(y_true, y_pred, score, classes=classes, pos_label=pos_label)
        )


def _binary(classes):
    return len(classes) == 2


def _pr_auc(y_true, y_pred, score, *, classes, pos_label):
    if _binary(classes):
        return skm.average_precision_score(y_true == pos_label, score)
    return skm.average_precision_score(
        label_binarize(y_true, classes=classes), score, average="macro"
    )


def _roc_auc(y_true, y_pred, score, *, classes, pos_label):
    if _binary(classes):
        return skm.roc_auc_score(y_true == pos_label, score)
    return skm.roc_auc_score(
        y_true, score, multi_class="ovr", average="macro", labels=classes
    )


def _label_metric(function):
    def metric(y_true, y_pred, score, *, classes, pos_label):
        if _binary(classes):
            return function(y_true, y_pred, pos_label=pos_label, zero_division=0.0)
        return function(
            y_true, y_pred, labels=classes, average="macro", zero_division=0.0
        )

    return metric


def _recalls(y_true, y_pred, classes):
    return skm.recall_score(
        y_true, y_pred, labels=classes, average=None, zero_division=0.0
    )


def _balanced_accuracy(y_true, y_pred, score, *, classes, pos_label):
    return float(np.mean(_recalls(y_true, y_pred, classes)))


def _specificity(y_true, y_pred, score, *, classes, pos_label):
    """Recall of the other classes: binary for ``pos_label``, else macro."""
    if _binary(classes):
        negative = y_true != pos_label
        if not negative.any():
            return 0.0
        return float(np.mean(y_pred[negative] != pos_label))
    values = []
    for label in classes:
        others = y_true != label
        values.append(np.mean(y_pred[others] != label) if others.any() else 0.0)
    return float(np.mean(values))


def _g_mean(y_true, y_pred, score, *, classes, pos_label):
    """Geometric mean of the per-class recalls (sensitivity and specificity)."""
    recalls = _recalls(y_true, y_pred, classes)
    return float(np.prod(recalls) ** (1.0 / len(recalls)))


def _mcc(y_true, y_pred, score, *, classes, pos_label):
    return skm.matthews_corrcoef(y_true, y_pred)


def _accuracy(y_true, y_pred, score, *, classes, pos_label):
    return skm.accuracy_score(y_true, y_pred)


def _iba(y_true, y_pred, score, *, classes, pos_label):
    """Index balanced accuracy of ``pos_label``, else the macro average."""
    # imported here: the metrics subpackage is not needed for the default table
    from imbestimators.metrics import index_balanced_accuracy

    if _binary(classes):
        return index_balanced_accuracy(y_true, y_pred, pos_label=pos_label)
    return index_balanced_accuracy(y_true, y_pred, labels=classes, average="macro")


METRICS = {
    metric.name: metric
    for metric in [
        Metric("pr_auc", "PR-AUC", True, _pr_auc),
        Metric("roc_auc", "ROC-AUC", True, _roc_auc),
        Metric("f1", "F1", False, _label_metric(skm.f1_score)),
        Metric("recall", "recall", False, _label_metric(skm.recall_score)),
        Metric("precision", "precision", False, _label_metric(skm.precision_score)),
        Metric("balanced_accuracy", "bal. acc.", False, _balanced_accuracy),
        Metric("specificity", "specificity", False, _specificity),
        Metric("g_mean", "G-mean", False, _g_mean),
        Metric("mcc", "MCC", False, _mcc),
        Metric("accuracy", "accuracy", False, _accuracy),
        Metric("iba", "IBA", False, _iba),
    ]
}

# scikit-learn's scorer names for the same metrics
_ALIASES = {
    "average_precision": "pr_auc",
    "geometric_mean": "g_mean",
    "matthews_corrcoef": "mcc",
    "index_balanced_accuracy": "iba",
    "sensitivity": "recall",
}

#: columns shown whatever --scoring says
DEFAULT_METRICS = ["pr_auc", "f1", "recall", "precision", "balanced_accuracy"]


def resolve_metrics(scoring):
    """The ranking metric and the table's columns from ``--scoring``.

    Parameters
    ----------
    scoring : str
        Comma-separated metric names; the first ranks the strategies, the
        others are added to the table.

    Returns
    -------
    ranking : Metric
    columns : list of Metric
        The default columns, then the requested ones not among them.
    """
    names = [s.strip().lower() for s in scoring.split(",") if s.strip()]
    if not names:
        raise CompareError("--scoring: give at least one metric name.")
    names = [_ALIASES.get(name, name) for name in names]
    unknown = [name for name in names if name not in METRICS]
    if unknown:
        raise CompareError(
            f"--scoring: unknown metric {unknown[0]!r}; choose from "
            f"{', '.join(METRICS)} (or {', '.join(_ALIASES)})."
        )
    columns = list(dict.fromkeys([*DEFAULT_METRICS, *names]))
    return METRICS[names[0]], [METRICS[name] for name in columns]
