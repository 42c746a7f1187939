"""Command line of ``imbestimators compare``: parse, run, print, write the report.

The ranked table and the recommendation go to stdout, the progress bar and
notes to stderr. A problem with the input ends the command with exit code 2
and one line, ``imbestimators compare: error: ...``, without a traceback.
"""

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

from imbestimators._compare._data import (
    DATASETS,
    check_groups,
    check_target,
    load_csv,
    load_embedded,
    make_preprocessor,
)
from imbestimators._compare._errors import CompareError
from imbestimators._compare._evaluate import (
    comparison_folds,
    cross_validate_strategies,
    parse_cv,
)
from imbestimators._compare._halving import (
    Rung,
    halving_cross_validate,
    plan,
    planned_work,
    ratio_candidates,
)
from imbestimators._compare._metrics import METRICS, resolve_metrics
from imbestimators._compare._progress import ProgressBar
from imbestimators._compare._ranking import format_table, rank, recommend
from imbestimators._compare._report import REPORT_TEXT, write_report
from imbestimators._compare._strategies import available_strategies, select_strategies
from imbestimators.model_selection._strategy_space import LARGE_DATA_ROWS

__all__ = ["build_parser", "main"]

_PROG = "imbestimators"
# above this many rows the slow (heavy) strategies run only when named, and
# the candidates go through successive halving unless --exhaustive
_LARGE = LARGE_DATA_ROWS
# halving keeps the best third of the candidates, on three times the rows
_FACTOR = 3


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
            "and a recommendation with its reason, and write a report folder. "
            "Each resampler is also tried at searched ratios; above "
            f"{_LARGE:,} rows the candidates go through successive halving "
            "(scored on growing subsamples, the weakest dropped at each step)."
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
        "--groups",
        metavar="COLUMN",
        help=(
            "a column of --csv holding each row's group (a customer or patient "
            "id): not a feature, and no group is ever on both sides of a split"
        ),
    )
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
        "--ratios",
        type=int,
        default=3,
        metavar="N",
        help=(
            "minority/majority ratios searched per resampler, besides its "
            "default; 0 searches none (default: %(default)s)"
        ),
    )
    parser.add_argument(
        "--exhaustive",
        action="store_true",
        help=(
            "every strategy at its default ratio on every fold of all rows: "
            "no ratio search and no halving, however large the data"
        ),
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


def _load(args, n_splits, n_repeats):
    for option in ("target", "groups"):
        if args.csv is None and getattr(args, option) is not None:
            raise CompareError(
                f"--{option} needs --csv FILE (the file it is a column of)."
            )
    if args.csv is not None:
        if args.target is None:
            raise CompareError("--csv needs --target COLUMN (the label column).")
        dataset = load_csv(args.csv, args.target, groups=args.groups)
        what = f"target column {args.target!r}"
    else:
        dataset = load_embedded(args.dataset)
        what = f"the target of {dataset.name}"
    check_target(dataset.y, n_splits=n_splits, what=what)
    if dataset.groups is not None:
        # the folds of the last rung (all rows), as the comparison will draw them
        cv = comparison_folds(n_splits, n_repeats, args.random_state, grouped=True)
        check_groups(dataset.y, dataset.groups, cv=cv, column=args.groups)
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


def _check_run_options(args):
    if args.ratios < 0:
        raise CompareError(
            f"--ratios must be 0 (no ratio search) or more; got {args.ratios}."
        )


def _compare(args):
    n_splits, n_repeats = parse_cv(args.cv)
    _check_run_options(args)
    ranking, metrics = resolve_metrics(args.scoring)
    dataset = _load(args, n_splits, n_repeats)
    if not args.list_strategies:
        _prepare_output(args.output)
    strategies, notes = _strategies(args, dataset)
    if args.list_strategies:
        width = max(len(s.name) for s in strategies)
        for strategy in strategies:
            print(f"{strategy.name:<{width}}  {strategy.family}")
        return 0
    if not args.exhaustive:
        strategies = ratio_candidates(
            strategies,
            dataset.y,
            n_ratios=args.ratios,
            random_state=args.random_state,
        )
    start = time.perf_counter()
    rungs = _run(args, strategies, dataset, metrics, ranking, (n_splits, n_repeats))
    last = rungs[-1]
    summaries = rank(last.strategies, last.results, metrics, ranking)
    dropped = _dropped(rungs, metrics, ranking)
    chosen = recommend(summaries, ranking, n_splits=n_splits)
    pos_label = dataset.minority
    written = write_report(
        args.output,
        dataset=dataset,
        summaries=summaries + [s for _, group in dropped for s in group],
        results=[r for rung in rungs for r in rung.results],
        metrics=metrics,
        context={
            "pos_label": pos_label,
            "chosen": None if chosen is None else chosen.strategy,
            "cv": comparison_folds(
                n_splits, n_repeats, args.random_state, dataset.groups is not None
            ),
            "notes": notes,
            "rows": _rows_by_strategy(rungs) if len(rungs) > 1 else None,
        },
    )
    header = _header(dataset, pos_label, n_splits, n_repeats, strategies)
    text = "\n\n".join(
        [
            header,
            *_halving_text(rungs, len(dataset.y)),
            format_table(summaries, metrics, ranking),
            *_dropped_tables(dropped, metrics, ranking, start=len(summaries) + 1),
            _recommendation_text(summaries, chosen, ranking, metrics, n_splits),
            *_failure_text(summaries + [s for _, group in dropped for s in group]),
        ]
    )
    elapsed = time.perf_counter() - start
    _finish(args, text, notes, written, elapsed)
    return 0


def _run(args, strategies, dataset, metrics, ranking, cv):
    """The rungs of the comparison: one (all rows) unless halving applies."""
    n_splits, n_repeats = cv
    n_folds = n_splits * n_repeats
    n_rows = len(dataset.y)
    halving = not args.exhaustive and n_rows > _LARGE
    if halving:
        rows, alive = plan(
            strategies,
            dataset.y,
            n_splits=n_splits,
            factor=_FACTOR,
            groups=dataset.groups,
            random_state=args.random_state,
        )
        halving = len(rows) > 1
    if not halving:
        total = len(strategies) * n_folds
        progress = ProgressBar(total, enabled=not args.quiet, total_work=total * n_rows)
        results = cross_validate_strategies(
            strategies,
            dataset.X,
            dataset.y,
            metrics=metrics,
            pos_label=dataset.minority,
            n_splits=n_splits,
            n_repeats=n_repeats,
            n_jobs=args.n_jobs,
            random_state=args.random_state,
            progress=progress,
            groups=dataset.groups,
        )
        progress.close()
        return [Rung(n_rows, list(strategies), results)]
    fits, work = planned_work(rows, alive, n_splits, n_repeats)
    progress = ProgressBar(fits, enabled=not args.quiet, total_work=work)
    rungs = halving_cross_validate(
        strategies,
        dataset.X,
        dataset.y,
        metrics=metrics,
        ranking=ranking,
        pos_label=dataset.minority,
        n_splits=n_splits,
        n_repeats=n_repeats,
        factor=_FACTOR,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        progress=progress,
        groups=dataset.groups,
        schedule=(rows, alive),
    )
    progress.close()
    return rungs


def _dropped(rungs, metrics, ranking):
    """(rung, ranked summaries) of the candidates each rung dropped, latest first."""
    groups = []
    for rung, following in itertools.pairwise(rungs):
        going_on = {s.name for s in following.strategies}
        gone = [s for s in rung.strategies if s.name not in going_on]
        results = [r for r in rung.results if r.strategy not in going_on]
        groups.append((rung, rank(gone, results, metrics, ranking)))
    return groups[::-1]


def _rows_by_strategy(rungs):
    """The rows of the last rung each candidate was scored on."""
    return {s.name: rung.n_rows for rung in rungs for s in rung.strategies}


def _halving_text(rungs, n_rows):
    if len(rungs) == 1:
        return []
    steps = " -> ".join(f"{len(r.strategies)} on {r.n_rows:,} rows" for r in rungs)
    return [
        "successive halving (the best third goes on to three times the rows, "
        "the baseline always; one repeat of the folds before the last rung): "
        f"{steps}; the table ranks the last rung, then the candidates dropped "
        "earlier, scored on fewer rows"
    ]


def _dropped_tables(dropped, metrics, ranking, *, start):
    texts = []
    for rung, summaries in dropped:
        texts.append(
            f"Dropped after {rung.n_rows:,} rows (scores on that subsample, not "
            "comparable with the table above):\n"
            + format_table(summaries, metrics, ranking, start=start)
        )
        start += len(summaries)
    return texts


def _header(dataset, pos_label, n_splits, n_repeats, strategies):
    n_classes = len(dataset.classes)
    positive = "positive class"
    if n_classes > 2:
        positive = f"{n_classes} classes, macro averages; class plotted"
    model = "scaling"
    if dataset.categorical or dataset.has_missing:
        model = "imputing, one-hot encoding and scaling"
    neural = any(s.family == "neural network" for s in strategies)
    searched = sum(" ratio=" in s.name for s in strategies)
    counted = f"{len(strategies)} strategies"
    if searched:
        counted = (
            f"{len(strategies) - searched} strategies and {searched} searched "
            "ratios of the resamplers"
        )
    return (
        f"data: {dataset.description}\n"
        f"{positive}: {pos_label!s}; {counted}, repeated "
        f"stratified {'group ' if dataset.groups is not None else ''}"
        f"{n_splits}-fold CV x {n_repeats} (mean ± std over "
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
