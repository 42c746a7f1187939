"""PNG plots of the report: precision-recall curves and metrics against threshold.

Both use the out-of-fold scores of the first repeat (every row scored once by
a model that did not see it). Figures are built with ``matplotlib.figure``
rather than pyplot, so the command never touches the user's backend.
"""

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve

__all__ = ["plot_pr_curves", "plot_threshold_curves"]

# curves per figure: more are unreadable
_MAX_CURVES = 8


def _figure(ncols=1):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.5 * ncols, 5), layout="constrained")
    return figure, figure.subplots(1, ncols, squeeze=False)[0]


def plot_pr_curves(path, names, oof, y, pos_label):
    """Precision-recall curves of the named strategies, one PNG.

    Parameters
    ----------
    path : path-like
        The PNG file to write.
    names : list of str
        Strategies to draw, best first (at most eight are drawn).
    oof : dict of str to ndarray
        Out-of-fold positive-class score of every row, per strategy.
    y : ndarray
        Labels.
    pos_label : label
        Positive class.
    """
    figure, (ax,) = _figure()
    positive = y == pos_label
    for name in names[:_MAX_CURVES]:
        precision, recall, _ = precision_recall_curve(positive, oof[name])
        ap = average_precision_score(positive, oof[name])
        ax.step(recall, precision, where="post", label=f"{name} (AP {ap:.3f})")
    prevalence = positive.mean()
    ax.axhline(prevalence, color="grey", ls="--", lw=1, label="chance")
    ax.set(
        xlabel=f"recall of {pos_label!s}",
        ylabel="precision",
        xlim=(0, 1),
        ylim=(0, 1.02),
        title=f"Precision-recall, out-of-fold (positive: {pos_label!s})",
    )
    ax.legend(loc="lower left", fontsize="small")
    figure.savefig(path, dpi=100)


def _curves_against_threshold(positive, score, thresholds):
    predicted = score[None, :] >= thresholds[:, None]
    tp = (predicted & positive).sum(axis=1)
    n_predicted = predicted.sum(axis=1)
    precision = np.divide(tp, n_predicted, out=np.zeros(len(tp)), where=n_predicted > 0)
    recall = tp / max(positive.sum(), 1)
    total = precision + recall
    f1 = np.divide(
        2 * precision * recall, total, out=np.zeros(len(tp)), where=total > 0
    )
    return precision, recall, f1


def plot_threshold_curves(path, names, oof, y, pos_label, *, chosen):
    """F1 against threshold per strategy, and precision/recall of ``chosen``.

    Parameters
    ----------
    path : path-like
        The PNG file to write.
    names : list of str
        Strategies to draw, best first (at most eight are drawn).
    oof : dict of str to ndarray
        Out-of-fold positive-class probability of every row, per strategy.
    y : ndarray
        Labels.
    pos_label : label
        Positive class.
    chosen : str
        The recommended strategy, drawn alone in the right panel.
    """
    figure, (left, right) = _figure(ncols=2)
    positive = y == pos_label
    thresholds = np.linspace(0.0, 1.0, 201)
    for name in names[:_MAX_CURVES]:
        _, _, f1 = _curves_against_threshold(positive, oof[name], thresholds)
        best = int(np.argmax(f1))
        line = left.plot(thresholds, f1, label=f"{name} (best F1 {f1[best]:.3f})")
        left.plot(thresholds[best], f1[best], "o", color=line[0].get_color())
    left.set(xlabel="threshold", ylabel="F1", title="F1 against threshold")
    left.legend(loc="lower center", fontsize="small")
    precision, recall, f1 = _curves_against_threshold(positive, oof[chosen], thresholds)
    right.plot(thresholds, precision, label="precision")
    right.plot(thresholds, recall, label="recall")
    right.plot(thresholds, f1, label="F1")
    right.set(xlabel="threshold", title=f"{chosen}: metrics against threshold")
    right.legend(loc="lower center", fontsize="small")
    for ax in (left, right):
        ax.axvline(0.5, color="grey", ls=":", lw=1)
        ax.set(xlim=(0, 1), ylim=(0, 1.02))
    figure.savefig(path, dpi=100)
