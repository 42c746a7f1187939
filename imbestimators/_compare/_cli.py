"""Command line of ``imbestimators compare``: parse, run, print, write the report.

The ranked table and the recommendation go to stdout, the progress bar and
notes to stderr. A problem with the input ends the command with exit code 2
and one line, ``imbestimators compare: error: ...``, without a traceback.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from sklearn.model_selection import RepeatedStratifiedKFold

from imbestimators._compare._data import (
    DATASETS,
    check_target,
    load_csv,
    load_embedded,
    make_preprocessor,
)
from imbestimators._compare._errors import CompareError
from imbestimators._compare._evaluate import cross_validate_strategies, parse_cv
from imbestimators._compare._metrics import METRICS, resolve_metrics
from imbestimators._compare._progress import ProgressBar
from imbestimators._compare._ranking import format_table, rank, recommend
from imbestimators._compare._report import REPORT_TEXT, write_report
from imbestimators._compare._strategies import available_strategies, select_strategies

__all__ = ["build_parser", "main"]

_PROG = "imbestimators"
# above this many rows the slow (heavy) strategies run only when named
_LARGE = 50_000


def build_parser():
    """The argument parser of the ``imbestimators`` command."""
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Tools for class-imbalanced learning with imbestimators.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    compare = commands.add_parser(
        "compare",
        help="compare strategies for class imbalance by repeated stratified CV",
        description=(
            "Cross-validate every strategy for class imbalance that the installed "
            "library offers (class weights, threshold tuning, prior correction, "
            "over- and under-samplers, combinations, focal-loss networks) on the "
            "same repeated stratified folds, with the same preprocessing and "
            "LogisticRegression (the networks replace it); print a ranked table "
            "and a recommendation with its reason, and write a report folder."
        ),
    )
    _add_data_options(compare)
    _add_run_options(compare)
    return parser


def _add_data_options(parser):
    data = parser.add_argument_group("data (default: the embedded digits-8 data)")
    data.add_argument("--csv", metavar="FILE", help="a CSV file with a header row")
    data.add_argument("--target", metavar="COLUMN", help="the label column of --csv")
    data.add_argument(
        "--dataset",
        default="digits-8",
        choices=list(DATASETS),
        help="embedded data set, shipped with scikit-learn (default: %(default)s)",
    )


def _add_run_options(parser):
    parser.add_argument(
        "--cv",
        default="5x2",
        metavar="SPLITSxREPEATS",
        help="repeated stratified K-fold, e.g. 5x2 or 10x3 (default: %(default)s)",
    )
    parser.add_argument(
        "--scoring",
        default="pr_auc",
        metavar="METRIC[,METRIC...]",
        help=(
            "metric that ranks the strategies, then extra table columns; one of "
            f"{', '.join(METRICS)} (default: %(default)s)"
        ),
    )
    parser.add_argument(
        "--strategies",
        metavar="NAME[,NAME...]",
        help="run only these strategies or families (see --list-strategies)",
    )
    parser.add_argument(
        "--list-strategies",
        action="store_true",
        help="list the strategies available in this installation and exit",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        help="parallel fits; -1 uses every core (default: %(default)s)",
    )
    parser.add_argument(
        "--output",
        default="imbestimators-report",
        metavar="DIR",
        help="report folder, created if missing (default: %(default)s)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the folds and of every randomised step (default: %(default)s)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no notes on stderr"
    )


def main(argv=None):
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return _compare(args)
    except CompareError as exc:
        print(f"{_PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{_PROG} {args.command}: interrupted", file=sys.stderr)
        return 130


def _load(args, n_splits):
    if args.csv is None and args.target is not None:
        raise CompareError("--target needs --csv FILE (the file it is a column of).")
    if args.csv is not None:
        if args.target is None:
            raise CompareError("--csv needs --target COLUMN (the label column).")
        dataset = load_csv(args.csv, args.target)
        what = f"target column {args.target!r}"
    else:
        dataset = load_embedded(args.dataset)
        what = f"the target of {dataset.name}"
    check_target(dataset.y, n_splits=n_splits, what=what)
    return dataset


def _strategies(args, dataset):
    binary = len(dataset.classes) == 2
    strategies = available_strategies(
        make_preprocessor(dataset),
        pos_label=dataset.minority if binary else None,
        random_state=args.random_state,
    )
    if args.list_strategies:
        return strategies, []
    wanted = None if args.strategies is None else args.strategies.split(",")
    return select_strategies(
        strategies,
        wanted,
        binary=binary,
        large=len(dataset.y) > _LARGE,
    )


def _prepare_output(path):
    """Create the report folder before any fitting, so a bad path fails fast."""
    directory = Path(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CompareError(
            f"--output: cannot create the folder {str(directory)!r}: "
            f"{exc.strerror or exc}."
        ) from exc
    if not os.access(directory, os.W_OK):
        raise CompareError(f"--output: the folder {str(directory)!r} is not writable.")


def _compare(args):
    n_splits, n_repeats = parse_cv(args.cv)
    ranking, metrics = resolve_metrics(args.scoring)
    dataset = _load(args, n_splits)
    if not args.list_strategies:
        _prepare_output(args.output)
    strategies, notes = _strategies(args, dataset)
    if args.list_strategies:
        width = max(len(s.name) for s in strategies)
        for strategy in strategies:
            print(f"{strategy.name:<{width}}  {strategy.family}")
        return 0
    pos_label = dataset.minority
    progress = ProgressBar(
        len(strategies) * n_splits * n_repeats, enabled=not args.quiet
    )
    start = time.perf_counter()
    results = cross_validate_strategies(
        strategies,
        dataset.X,
        dataset.y,
        metrics=metrics,
        pos_label=pos_label,
        n_splits=n_splits,
        n_repeats=n_repeats,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        progress=progress,
    )
    summaries = rank(strategies, results, metrics, ranking)
    chosen = recommend(summaries, ranking, n_splits=n_splits)
    written = write_report(
        args.output,
        dataset=dataset,
        summaries=summaries,
        results=results,
        metrics=metrics,
        context={
            "pos_label": pos_label,
            "chosen": None if chosen is None else chosen.strategy,
            "cv": RepeatedStratifiedKFold(
                n_splits=n_splits,
                n_repeats=n_repeats,
                random_state=args.random_state,
            ),
            "notes": notes,
        },
    )
    header = _header(dataset, pos_label, n_splits, n_repeats, strategies)
    text = "\n\n".join(
        [
            header,
            format_table(summaries, metrics, ranking),
            _recommendation_text(summaries, chosen, ranking, metrics, n_splits),
            *_failure_text(summaries),
        ]
    )
    elapsed = time.perf_counter() - start
    _finish(args, text, notes, written, elapsed)
    return 0


def _header(dataset, pos_label, n_splits, n_repeats, strategies):
    n_classes = len(dataset.classes)
    positive = "positive class"
    if n_classes > 2:
        positive = f"{n_classes} classes, macro averages; class plotted"
    model = "scaling"
    if dataset.categorical or dataset.has_missing:
        model = "imputing, one-hot encoding and scaling"
    neural = any(s.family == "neural network" for s in strategies)
    return (
        f"data: {dataset.description}\n"
        f"{positive}: {pos_label!s}; {len(strategies)} strategies, repeated "
        f"stratified {n_splits}-fold CV x {n_repeats} (mean ± std over "
        f"{n_splits * n_repeats} folds; * ranks)\n"
        f"model: {model}, then LogisticRegression"
        + (" (the neural networks replace it)" if neural else "")
    )


def _recommendation_text(summaries, chosen, ranking, metrics, n_splits):
    if chosen is None:
        return "Recommendation: none, every strategy failed (see the errors below)."
    lines = [f"Recommendation: {chosen.strategy}, because {chosen.reason}"]
    f1 = METRICS["f1"]
    if ranking.ranking and f1 in metrics:
        # ranking metrics ignore the decision threshold: say what wins on labels
        by_f1 = sorted((s for s in summaries if s.ok), key=lambda s: -s.mean[f1.name])
        decision = recommend(by_f1, f1, n_splits=n_splits)
        if decision is not None:
            lines.append(
                f"For yes/no decisions (F1 at the model's threshold): "
                f"{decision.strategy}, because {decision.reason}"
            )
    return "\n".join(lines)


def _failure_text(summaries):
    failed = [s for s in summaries if s.n_failed]
    if not failed:
        return []
    lines = ["Failures:"]
    for s in failed:
        lines.append(
            f"  {s.strategy.name} failed on {s.n_failed} of {s.n_folds} folds: "
            f"{s.errors[0]}"
        )
    return ["\n".join(lines)]


def _finish(args, text, notes, written, elapsed):
    directory = Path(args.output)
    full = text + ("\n\nNotes:\n" + "\n".join(f"  {n}" for n in notes) if notes else "")
    (directory / REPORT_TEXT).write_text(full + "\n", encoding="utf-8")
    print(text)
    if not args.quiet:
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        files = ", ".join(p.name for p in [directory / REPORT_TEXT, *written])
        print(
            f"report written to {directory}/ ({files}) in {elapsed:.0f} s",
            file=sys.stderr,
        )
