"""The report folder: per-fold and summary CSVs, plots and the imbalance report."""

import csv
import importlib
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.stats import rankdata
from sklearn.preprocessing import StandardScaler

from imbestimators._compare._plots import plot_pr_curves, plot_threshold_curves
from imbestimators.utils._validation import label_repr

__all__ = ["distinct", "out_of_fold_scores", "write_report"]

#: the text report; written last, once the notes of the other files are known
REPORT_TEXT = "report.txt"


def out_of_fold_scores(results, n_samples):
    """The first repeat's positive-class score of every row, per strategy.

    Only strategies whose every fold of that repeat succeeded are kept.
    """
    oof, failed = {}, set()
    for result in results:
        if result.repeat != 0 or result.n_rows not in (None, n_samples):
            # other repeats, and subsamples of successive halving
            continue
        if result.test is None or result.score is None:
            failed.add(result.strategy)
            continue
        scores = oof.setdefault(result.strategy, np.full(n_samples, np.nan))
        scores[result.test] = result.score
    return {
        name: scores
        for name, scores in oof.items()
        if name not in failed and not np.isnan(scores).any()
    }


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _write_fold_scores(path, summaries, results, metrics, halving):
    families = {s.strategy.name: s.strategy.family for s in summaries}
    header = ["strategy", "family", "repeat", "fold"]
    header += [m.name for m in metrics] + ["fit_time", "score_time", "error"]
    # successive halving: the rows of the subsample each fold split
    header += ["n_rows"] if halving else []
    rows = [
        [r.strategy, families[r.strategy], r.repeat, r.fold]
        + [r.scores.get(m.name, "") for m in metrics]
        + [r.fit_time, r.score_time, r.error or ""]
        + ([r.n_rows] if halving else [])
        for r in results
    ]
    _write_csv(path, header, rows)


def _write_summary(path, summaries, metrics, rows_by_strategy):
    header = ["rank", "strategy", "family"]
    for m in metrics:
        header += [f"{m.name}_mean", f"{m.name}_std"]
    header += ["fit_time", "failed_folds", "error"]
    header += [] if rows_by_strategy is None else ["n_rows"]
    rows = []
    for position, s in enumerate(summaries, start=1):
        row = [position, s.strategy.name, s.strategy.family]
        for m in metrics:
            row += [s.mean[m.name], s.std[m.name]]
        row += [s.fit_time, s.n_failed, "; ".join(s.errors)]
        if rows_by_strategy is not None:
            row.append(rows_by_strategy[s.strategy.name])
        rows.append(row)
    _write_csv(path, header, rows)


def imbalance_text(dataset, *, cv, notes=None):
    """The imbalance report: :mod:`imbestimators.diagnostics` when installed.

    ``cv`` is the comparison's splitter (or a number of folds): the report
    counts the minority rows of its training folds (split by the data set's
    groups, if any).

    Without it (or if it fails), class counts, shares and the imbalance ratio.
    """
    try:
        diagnostics = importlib.import_module("imbestimators.diagnostics")
        report_function = diagnostics.imbalance_report
    except (ImportError, AttributeError):
        return _basic_imbalance_text(dataset.y)
    # the minority typology needs numeric features: the embedded data or an
    # all-numeric CSV (categorical columns would need the preprocessing first),
    # scaled as the compared models see them
    X = None
    if not dataset.categorical and not dataset.has_missing:
        X = StandardScaler().fit_transform(dataset.X)
    try:
        report = report_function(dataset.y, X=X, cv=cv, groups=dataset.groups)
    except Exception as exc:  # the report is an extra: never lose the comparison
        if notes is not None:
            notes.append(f"imbalance report failed ({type(exc).__name__}: {exc})")
        return _basic_imbalance_text(dataset.y)
    to_text = getattr(report, "to_text", None)
    return to_text() if callable(to_text) else str(report)


def _basic_imbalance_text(y):
    counts = Counter(y.tolist())
    total = sum(counts.values())
    lines = ["class counts"]
    for label, count in counts.most_common():
        lines.append(f"  {label_repr(label)}: {count} ({count / total:.1%})")
    ratio = max(counts.values()) / min(counts.values())
    lines.append(f"imbalance ratio (largest / smallest class): {ratio:.1f}:1")
    return "\n".join(lines)


def _plot(directory, summaries, results, dataset, pos_label, chosen, notes):
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        notes.append(
            "plots skipped: matplotlib is not installed (pip install "
            "'imbestimators[plot]')"
        )
        return []
    oof = out_of_fold_scores(results, len(dataset.y))
    names = [s.strategy.name for s in summaries if s.strategy.name in oof]
    if not names:
        return []
    if chosen not in oof:
        chosen = names[0]
    written = [directory / "pr_curves.png", directory / "threshold_curves.png"]
    ranks = {name: rankdata(oof[name]) for name in names}
    plot_pr_curves(written[0], distinct(names, ranks), oof, dataset.y, pos_label)
    plot_threshold_curves(
        written[1], distinct(names, oof), oof, dataset.y, pos_label, chosen=chosen
    )
    return written


def distinct(names, values):
    """Names whose values differ from those of every earlier name.

    Threshold tuning keeps the scores of the model it tunes, and prior
    correction only transforms them monotonically (same ranks, same
    precision-recall curve): drawing such duplicates would hide other curves.
    """
    kept = []
    for name in names:
        if not any(np.array_equal(values[name], values[k]) for k in kept):
            kept.append(name)
    return kept


def write_report(directory, *, dataset, summaries, results, metrics, context):
    """Write the report folder (all but the text report) and return the paths.

    Parameters
    ----------
    directory : path-like
        Created if missing; files of an earlier run are overwritten.
    dataset : Dataset
    summaries : list of Summary
        Ranked.
    results : list of FoldResult
    metrics : list of Metric
    context : dict
        ``pos_label``, ``chosen`` (recommended strategy or None), ``cv`` (the splitter),
        ``notes`` (a list, extended with what could not be written) and, after
        successive halving, ``rows`` (strategy name -> rows of its last rung;
        adds an ``n_rows`` column to both CSV files).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = [
        directory / "scores.csv",
        directory / "summary.csv",
        directory / "imbalance_report.txt",
    ]
    rows = context.get("rows")
    _write_fold_scores(written[0], summaries, results, metrics, rows is not None)
    _write_summary(written[1], summaries, metrics, rows)
    notes = context["notes"]
    text = imbalance_text(dataset, cv=context["cv"], notes=notes)
    written[2].write_text(text + "\n", encoding="utf-8")
    written += _plot(
        directory,
        summaries,
        results,
        dataset,
        context["pos_label"],
        context["chosen"],
        notes,
    )
    return written
