"""Summaries per strategy, the ranked table and the recommendation with its reason.

Repeated cross-validation folds share training rows, so the spread of the
per-fold differences understates the real uncertainty. Two strategies are
told apart with the corrected resampled t-test of Nadeau and Bengio (2003),
whose variance adds ``n_test / n_train`` to ``1 / n_folds``; among the
strategies that the test cannot tell from the best, the simplest is
recommended.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

__all__ = ["Recommendation", "Summary", "format_table", "rank", "recommend"]

# one-sided level of "clearly worse than the best"
_ALPHA = 0.05


@dataclass
class Summary:
    """Means and standard deviations of one strategy over its folds."""

    strategy: object
    mean: dict = field(default_factory=dict)
    std: dict = field(default_factory=dict)
    folds: dict = field(default_factory=dict)  # metric -> scores in fold order
    n_folds: int = 0
    n_failed: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    fit_time: float = float("nan")

    @property
    def ok(self):
        return self.n_failed == 0 and self.n_folds > 0


def _summarize_one(strategy, results, metrics):
    summary = Summary(strategy, n_folds=len(results))
    good = [r for r in results if r.error is None]
    summary.n_failed = len(results) - len(good)
    summary.errors = sorted({r.error for r in results if r.error is not None})
    summary.warnings = sorted({w for r in results for w in r.warnings})
    if good:
        summary.fit_time = float(np.mean([r.fit_time for r in good]))
    for metric in metrics:
        values = np.array([r.scores[metric.name] for r in good])
        summary.folds[metric.name] = values
        summary.mean[metric.name] = float(values.mean()) if good else float("nan")
        summary.std[metric.name] = float(values.std()) if good else float("nan")
    return summary


def rank(strategies, results, metrics, ranking):
    """Summaries sorted by the ranking metric, best first; failures last."""
    by_name = {s.name: [] for s in strategies}
    for result in results:
        by_name[result.strategy].append(result)
    summaries = [_summarize_one(s, by_name[s.name], metrics) for s in strategies]

    def key(summary):
        mean = summary.mean[ranking.name]
        return (not summary.ok, -mean if np.isfinite(mean) else np.inf)

    return sorted(summaries, key=key)


def corrected_t(differences, test_over_train):
    """Nadeau-Bengio corrected t statistic of paired CV differences."""
    differences = np.asarray(differences, dtype=float)
    n = len(differences)
    variance = differences.var(ddof=1) if n > 1 else 0.0
    scale = np.sqrt((1.0 / n + test_over_train) * variance)
    mean = differences.mean()
    if scale == 0:
        return np.inf if mean > 0 else 0.0
    return mean / scale


@dataclass
class Recommendation:
    """The strategy to use and why, in words."""

    strategy: str
    reason: str
    tied: list = field(default_factory=list)


def _not_worse(best, other, metric, test_over_train):
    """Whether ``other`` is not clearly worse than ``best`` (one-sided test)."""
    differences = best.folds[metric.name] - other.folds[metric.name]
    n = len(differences)
    if n < 2:
        return differences.mean() <= 0
    t = corrected_t(differences, test_over_train)
    return t < stats.t.ppf(1 - _ALPHA, df=n - 1)


def recommend(summaries, metric, *, n_splits):
    """The simplest strategy that is not clearly worse than the best one.

    Parameters
    ----------
    summaries : list of Summary
        Ranked (best first), as returned by :func:`rank`.
    metric : Metric
        The ranking metric.
    n_splits : int
        Folds per repeat (the test set is ``1 / n_splits`` of the data).

    Returns
    -------
    Recommendation or None
        None when every strategy failed.
    """
    usable = [s for s in summaries if s.ok]
    if not usable:
        return None
    best = usable[0]
    test_over_train = 1.0 / (n_splits - 1)
    tied = [s for s in usable if _not_worse(best, s, metric, test_over_train)]
    choice = min(tied, key=lambda s: (s.strategy.simplicity, -s.mean[metric.name]))
    others = [s.strategy.name for s in tied if s is not choice]
    return Recommendation(
        choice.strategy.name, _reason(choice, best, metric, others), others
    )


def _score(summary, metric):
    return f"{summary.mean[metric.name]:.3f} ± {summary.std[metric.name]:.3f}"


def _names(names, shown=3):
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def _reason(choice, best, metric, others):
    if choice is best:
        reason = f"highest mean {metric.label} ({_score(best, metric)})"
        if others:
            reason += (
                f"; {_names(others)} cannot be told apart from it (corrected "
                f"t-test) but {'is' if len(others) == 1 else 'are'} not simpler"
            )
        return reason + "."
    gap = best.mean[metric.name] - choice.mean[metric.name]
    reason = (
        f"its {metric.label} ({_score(choice, metric)}) cannot be told apart "
        f"from the best, {best.strategy.name} ({_score(best, metric)}, "
        f"{gap:.3f} higher; corrected t-test over the folds), and it is simpler"
    )
    if choice.strategy.family == "baseline":
        reason += (
            f": no strategy for the imbalance improves {metric.label} here "
            "beyond the noise of cross-validation"
        )
    return reason + "."


def format_table(summaries, metrics, ranking, *, start=1):
    """The ranked table as aligned text, a row per strategy numbered from ``start``."""
    header = ["#", "strategy", "family"]
    header += [m.label + (" *" if m is ranking else "") for m in metrics]
    header.append("fit s")
    rows = []
    for position, summary in enumerate(summaries, start=start):
        row = [str(position), summary.strategy.name, summary.strategy.family]
        if summary.n_folds and summary.n_failed == summary.n_folds:
            row += ["failed"] + [""] * (len(metrics) - 1) + [""]
        else:
            row += [_score(summary, m) for m in metrics]
            row.append(f"{summary.fit_time:.2f}")
        if 0 < summary.n_failed < summary.n_folds:
            row[1] += f" ({summary.n_failed} folds failed)"
        rows.append(row)
    widths = [max(len(r[j]) for r in [header, *rows]) for j in range(len(header))]
    lines = [_join(header, widths), _join(["-" * w for w in widths], widths)]
    lines += [_join(row, widths) for row in rows]
    return "\n".join(lines)


def _join(cells, widths):
    # text columns left-aligned, numbers right-aligned
    parts = [
        cell.ljust(w) if j in (1, 2) else cell.rjust(w)
        for j, (cell, w) in enumerate(zip(cells, widths))
    ]
    return "  ".join(parts).rstrip()
