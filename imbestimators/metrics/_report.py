"""A classification report with the metrics that matter on imbalanced classes."""

import numbers

import numpy as np
from sklearn.metrics import precision_recall_fscore_support
from sklearn.utils.multiclass import unique_labels

from imbestimators.metrics._classification import (
    _check_targets,
    geometric_mean_score,
    index_balanced_accuracy,
    sensitivity_specificity_support,
)
from imbestimators.utils._docstring import fill_doc
from imbestimators.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_params,
)

__all__ = ["classification_report_imbalanced", "imbalanced_classification_report"]

#: column -> header in the text report
_COLUMNS = {
    "precision": "precision",
    "recall": "recall",
    "specificity": "specificity",
    "f1-score": "f1-score",
    "geometric-mean": "g-mean",
    "iba": "iba",
    "support": "support",
}


_REPORT_CONSTRAINTS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "labels": ["array-like", None],
    "target_names": ["array-like", None],
    "sample_weight": ["array-like", None],
    "digits": [Interval(numbers.Integral, 0, None, closed="left")],
    "alpha": [Interval(numbers.Real, 0, None, closed="left")],
    "output_dict": ["boolean"],
    "zero_division": [
        Options(numbers.Real, {0.0, 1.0}),
        StrOptions({"warn"}),
    ],
}


@validate_params(_REPORT_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc
def imbalanced_classification_report(
    y_true,
    y_pred,
    *,
    labels=None,
    target_names=None,
    sample_weight=None,
    digits=2,
    alpha=0.1,
    output_dict=False,
    zero_division="warn",
):
    """Per-class precision, recall, specificity, F1, G-mean, IBA and support.

    Each class is scored one-vs-rest; the G-mean of a class is
    ``sqrt(recall * specificity)`` and its IBA is
    :func:`index_balanced_accuracy` with ``squared=True``. The values are
    those of :func:`imblearn.metrics.classification_report_imbalanced`; its
    ``avg / total`` row is our ``weighted avg`` row, and we add the
    ``macro avg`` row, which on imbalanced data is the one to read (every
    class counts the same).

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    {report_parameters}
    zero_division : {"warn", 0.0, 1.0}, default="warn"
        Precision where nothing is predicted as the class (as in
        :func:`sklearn.metrics.classification_report`).

    Returns
    -------
    report : str or dict
        Text, or ``{class name: {metric: value}, "macro avg": {...},
        "weighted avg": {...}}`` with the metrics ``precision``, ``recall``,
        ``specificity``, ``f1-score``, ``geometric-mean``, ``iba`` and
        ``support``.

    Examples
    --------
    >>> from imbestimators.metrics import imbalanced_classification_report
    >>> y_true = ["cat", "cat", "cat", "cat", "dog", "dog"]
    >>> y_pred = ["cat", "cat", "cat", "dog", "dog", "cat"]
    >>> print(imbalanced_classification_report(y_true, y_pred))
                  precision  recall  specificity  f1-score  g-mean   iba  support
    <BLANKLINE>
             cat       0.75    0.75         0.50      0.75    0.61  0.38        4
             dog       0.50    0.50         0.75      0.50    0.61  0.37        2
    <BLANKLINE>
       macro avg       0.62    0.62         0.62      0.62    0.61  0.37        6
    weighted avg       0.67    0.67         0.58      0.67    0.61  0.38        6
    >>> report = imbalanced_classification_report(y_true, y_pred, output_dict=True)
    >>> report["dog"]["specificity"]
    0.75
    """
    _check_targets(y_true, y_pred, sample_weight)
    labels = unique_labels(y_true, y_pred) if labels is None else np.asarray(labels)
    names = _target_names(labels, target_names)
    columns = _per_class(y_true, y_pred, labels, sample_weight, alpha, zero_division)
    report = {
        name: {metric: _plain(values[i]) for metric, values in columns.items()}
        for i, name in enumerate(names)
    }
    support = columns["support"]
    for row, weights in (("macro avg", None), ("weighted avg", support)):
        report[row] = _average_row(columns, weights)
    if output_dict:
        return report
    return _to_text(report, names, digits)


def _target_names(labels, target_names):
    if target_names is None:
        return [f"{label}" for label in labels.tolist()]
    target_names = [str(name) for name in target_names]
    if len(target_names) != len(labels):
        raise ValueError(
            f"target_names must give one name per label: {len(labels)} labels "
            f"but {len(target_names)} names."
        )
    return target_names


def _per_class(y_true, y_pred, labels, sample_weight, alpha, zero_division):
    common = {"labels": labels, "average": None, "sample_weight": sample_weight}
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, zero_division=zero_division, **common
    )
    _, specificity, _ = sensitivity_specificity_support(y_true, y_pred, **common)
    return {
        "precision": precision,
        "recall": recall,
        "specificity": specificity,
        "f1-score": f1,
        "geometric-mean": geometric_mean_score(y_true, y_pred, **common),
        "iba": index_balanced_accuracy(y_true, y_pred, alpha=alpha, **common),
        "support": support,
    }


def _average_row(columns, weights):
    total = columns["support"].sum()
    row = {}
    for metric, values in columns.items():
        if metric == "support":
            row[metric] = _plain(total)
        elif weights is not None and total == 0:
            row[metric] = 0.0
        else:
            row[metric] = float(np.average(values, weights=weights))
    return row


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _to_text(report, names, digits):
    rows = [*names, "macro avg", "weighted avg"]
    width = max(len(row) for row in rows)
    headers = list(_COLUMNS.values())
    head = (
        " " * width
        + "  "
        + "  ".join(h.rjust(max(len(h), digits + 2)) for h in headers)
    )
    lines = [head.rstrip(), ""]
    for row in rows:
        if row == "macro avg":
            lines.append("")
        cells = []
        for metric, header in _COLUMNS.items():
            value = report[row][metric]
            text = _format(value, digits, metric == "support")
            cells.append(text.rjust(max(len(header), digits + 2)))
        lines.append(row.rjust(width) + "  " + "  ".join(cells))
    return "\n".join(lines)


def _format(value, digits, is_support):
    if is_support:
        return f"{value:.0f}" if isinstance(value, float) else f"{value}"
    return f"{value:.{digits}f}"


#: our column -> imbalanced-learn's key and header
_IMBLEARN_KEYS = {
    "precision": "pre",
    "recall": "rec",
    "specificity": "spe",
    "f1-score": "f1",
    "geometric-mean": "geo",
    "iba": "iba",
    "support": "sup",
}


@validate_params(_REPORT_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc
def classification_report_imbalanced(
    y_true,
    y_pred,
    *,
    labels=None,
    target_names=None,
    sample_weight=None,
    digits=2,
    alpha=0.1,
    output_dict=False,
    zero_division="warn",
):
    """The imbalanced classification report in imbalanced-learn's layout.

    The same parameters, values, text and dict keys as
    :func:`imblearn.metrics.classification_report_imbalanced`, so code
    written for imbalanced-learn runs unchanged: per class ``pre``, ``rec``,
    ``spe``, ``f1``, ``geo``, ``iba`` and ``sup``, then one ``avg / total``
    row weighted by support. The numbers are those of
    :func:`imbalanced_classification_report`, which also has the
    ``macro avg`` row, the one to read on imbalanced data. With
    ``sample_weight`` the specificity weighs the true negatives (see
    :func:`specificity_score`); otherwise the values are imbalanced-learn's.

    Read more in the :ref:`User Guide <metrics>`.

    Parameters
    ----------
    {report_parameters}
    zero_division : {"warn", 0, 1}, default="warn"
        Precision where nothing is predicted as the class.

    Returns
    -------
    report : str or dict
        Text, or ``{class name: {"pre": ..., "rec": ..., "spe": ..., "f1": ...,
        "geo": ..., "iba": ..., "sup": ...}, "avg_pre": ..., ...,
        "avg_iba": ..., "total_support": ...}``.

    See Also
    --------
    imbalanced_classification_report : The same numbers with a macro average.

    Examples
    --------
    >>> from imbestimators.metrics import classification_report_imbalanced
    >>> y_true = [0, 1, 2, 2, 2]
    >>> y_pred = [0, 0, 2, 2, 1]
    >>> report = classification_report_imbalanced(y_true, y_pred, output_dict=True)
    >>> report["2"]["rec"], report["total_support"]
    (0.666..., 5)
    >>> text = classification_report_imbalanced(y_true, y_pred)
    >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
                       pre       rec       spe        f1       geo       iba       sup
    <BLANKLINE>
              0       0.50      1.00      0.75      0.67      0.87      0.77         1
              1       0.00      0.00      0.75      0.00      0.00      0.00         1
              2       1.00      0.67      1.00      0.80      0.82      0.64         3
    <BLANKLINE>
    avg / total       0.70      0.60      0.90      0.61      0.66      0.54         5
    <BLANKLINE>
    """
    _check_targets(y_true, y_pred, sample_weight)
    labels = unique_labels(y_true, y_pred) if labels is None else np.asarray(labels)
    names = _target_names(labels, target_names)
    columns = _per_class(y_true, y_pred, labels, sample_weight, alpha, zero_division)
    report = {
        name: {
            key: _plain(columns[column][i]) for column, key in _IMBLEARN_KEYS.items()
        }
        for i, name in enumerate(names)
    }
    support = columns["support"]
    for column, key in _IMBLEARN_KEYS.items():
        if column != "support":
            report[f"avg_{key}"] = float(np.average(columns[column], weights=support))
    report["total_support"] = _plain(np.sum(support))
    if output_dict:
        return report
    return _to_imblearn_text(report, names, digits)


def _to_imblearn_text(report, names, digits):
    last = "avg / total"
    width = max(*(len(name) for name in names), len(last), digits)
    keys = list(_IMBLEARN_KEYS.values())

    def line(first, cells):
        return first.rjust(width) + "  " + " ".join(c.rjust(9) for c in cells)

    rows = [line("", keys), ""]
    for name in names:
        values = [f"{report[name][key]:0.{digits}f}" for key in keys[:-1]]
        rows.append(line(name, [*values, f"{report[name]['sup']}"]))
    rows.append("")
    values = [f"{report[f'avg_{key}']:0.{digits}f}" for key in keys[:-1]]
    rows.append(line(last, [*values, f"{report['total_support']}"]))
    return "\n".join(rows) + "\n"
