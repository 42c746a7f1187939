"""End-to-end tests of the ``imbestimators compare`` command."""

import csv
import re
import subprocess
import sys

import numpy as np
import pytest

from imbestimators.__main__ import main

# a fast run: two folds, one repeat, two strategies at their default ratios
# (today's table, no ratio search), one process
FAST = [
    "--cv",
    "2x1",
    "--strategies",
    "none,SMOTE",
    "--n-jobs",
    "1",
    "--exhaustive",
    "--quiet",
]


@pytest.fixture
def csv_file(tmp_path):
    """A small imbalanced CSV with a numeric, a categorical and a label column."""
    rng = np.random.default_rng(0)
    n = 120
    label = np.where(np.arange(n) < 20, "fraud", "ok")
    amount = rng.normal(size=n) + (label == "fraud") * 2.0
    country = rng.choice(["fr", "de", "it"], size=n)
    path = tmp_path / "data.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["amount", "country", "label", "score"])
        for row in zip(amount, country, label, rng.normal(size=n)):
            writer.writerow(row)
    return path


def test_compare_embedded_prints_ranked_table_and_writes_report(tmp_path, capsys):
    """Check that the default data gives a ranked table and the report files."""
    out = tmp_path / "report"
    assert main(["compare", *FAST, "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "PR-AUC *" in printed
    assert "Recommendation:" in printed
    lines = [line for line in printed.splitlines() if line[:3].strip() in ("1", "2")]
    assert {line.split()[1] for line in lines} == {"none", "SMOTE"}
    names = {p.name for p in out.iterdir()}
    assert {"report.txt", "scores.csv", "summary.csv", "imbalance_report.txt"} <= names
    assert {"pr_curves.png", "threshold_curves.png"} <= names
    with open(out / "scores.csv") as handle:
        rows = list(csv.DictReader(handle))
    # two strategies x two folds, each with a PR-AUC in [0, 1]
    assert len(rows) == 4
    assert all(0.0 <= float(row["pr_auc"]) <= 1.0 for row in rows)


def test_compare_csv_with_categorical_column(csv_file, tmp_path, capsys):
    """Check that a CSV with a categorical feature runs and names its target."""
    out = tmp_path / "report"
    code = main(
        [
            "compare",
            "--csv",
            str(csv_file),
            "--target",
            "label",
            *FAST,
            "--output",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "positive class: fraud" in printed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--csv", "missing.csv", "--target", "y"], r"--csv: no such file"),
        (["--target", "y"], r"--target needs --csv"),
        (["--csv", "{csv}"], r"--csv needs --target"),
        (["--csv", "{csv}", "--target", "nope"], r"no column 'nope'.*'amount'"),
        (["--csv", "{csv}", "--target", "score"], r"continuous"),
        (["--csv", "{csv}", "--target", "amount"], r"continuous"),
        (["--csv", "{csv}", "--target", "country", "--cv", "0x1"], r"--cv needs"),
        (["--cv", "five"], r"--cv must be"),
        (["--scoring", "nope"], r"--scoring: unknown metric 'nope'"),
        (["--strategies", "nope"], r"--strategies: unknown 'nope'"),
    ],
)
def test_compare_bad_input_exits_2_with_one_line(args, message, csv_file, capsys):
    """Check that bad input ends with exit code 2 and a one-line message."""
    args = [a.replace("{csv}", str(csv_file)) for a in args]
    assert main(["compare", *args, "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("imbestimators compare: error: ")
    assert "Traceback" not in err
    assert re.search(message, err)


def test_compare_output_that_is_a_file_exits_2_before_fitting(tmp_path, capsys):
    """Check that an --output path that cannot be a folder fails fast."""
    blocker = tmp_path / "taken"
    blocker.write_text("a file")
    code = main(["compare", *FAST, "--output", str(blocker / "report")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("imbestimators compare: error: --output: cannot create")
    assert len(err.strip().splitlines()) == 1


def test_compare_list_strategies(capsys):
    """Check that --list-strategies prints every strategy with its family."""
    assert main(["compare", "--list-strategies"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["none", "baseline"]
    assert any(line.split()[0] == "SMOTE" for line in lines)


def test_compare_single_class_csv_exits_2(tmp_path, capsys):
    """Check that a target with one class is refused with its label."""
    path = tmp_path / "one.csv"
    path.write_text("x,y\n1,a\n2,a\n3,a\n")
    assert main(["compare", "--csv", str(path), "--target", "y"]) == 2
    assert "single class ('a')" in capsys.readouterr().err


def test_python_m_imbestimators_compare_end_to_end(tmp_path):
    """Check ``python -m imbestimators compare`` in a fresh process."""
    out = tmp_path / "report"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "imbestimators",
            "compare",
            *FAST[:-1],
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Recommendation:" in proc.stdout
    # the progress bar and the closing note go to stderr, not stdout
    assert "fits" in proc.stderr
    assert "report written to" in proc.stderr
    assert (out / "scores.csv").is_file()


def test_python_m_imbestimators_bad_file_has_no_traceback(tmp_path):
    """Check that the console entry point exits 2 without a traceback."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "imbestimators",
            "compare",
            "--csv",
            "nope.csv",
            "--target",
            "y",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "imbestimators compare: error: --csv: no such file: 'nope.csv'.\n"
    )


def test_compare_scoring_ranks_by_the_first_metric(tmp_path, capsys):
    """Check that --scoring ranks the table by its first metric and adds columns."""
    out = tmp_path / "report"
    args = ["compare", "--cv", "2x1", "--n-jobs", "1", "--quiet"]
    args += ["--strategies", "none,class_weight=balanced,RandomUnderSampler"]
    args += ["--scoring", "recall,g_mean", "--output", str(out)]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith(" #") or line[:1] == "#")
    assert "recall *" in header
    assert "G-mean" in header
    with open(out / "summary.csv") as handle:
        rows = list(csv.DictReader(handle))
    recalls = [float(row["recall_mean"]) for row in rows]
    assert recalls == sorted(recalls, reverse=True)
    assert "g_mean_mean" in rows[0]


def test_compare_default_searches_the_resamplers_ratios(tmp_path, capsys):
    """Check that without --exhaustive each resampler is also tried at drawn ratios."""
    out = tmp_path / "report"
    args = ["compare", "--cv", "2x1", "--n-jobs", "1", "--quiet", "--ratios", "2"]
    args += ["--strategies", "none,TomekLinks,RandomUnderSampler"]
    assert main([*args, "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 strategies and 2 searched ratios of the resamplers" in printed
    with open(out / "summary.csv") as handle:
        names = [row["strategy"] for row in csv.DictReader(handle)]
    searched = [n for n in names if n.startswith("RandomUnderSampler ratio=")]
    assert len(searched) == 2
    assert len(names) == 5
    # small data: every candidate on every fold of all rows, no halving
    assert "successive halving" not in printed


def test_compare_halving_on_large_data(tmp_path, capsys, monkeypatch):
    """Check the halving path: rungs in the header, dropped candidates listed."""
    monkeypatch.setattr("imbestimators._compare._cli._LARGE", 100)
    out = tmp_path / "report"
    args = ["compare", "--cv", "2x1", "--n-jobs", "1", "--quiet", "--ratios", "3"]
    args += ["--strategies", "none,class_weight=balanced,RandomUnderSampler,SMOTE"]
    assert main([*args, "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "successive halving" in printed
    assert "on 1,797 rows; the table ranks the last rung" in printed
    assert "Dropped after" in printed
    assert "Recommendation:" in printed
    with open(out / "summary.csv") as handle:
        summary = list(csv.DictReader(handle))
    # every candidate is in the summary, with the rows of its last rung
    assert len(summary) == 10
    assert {row["n_rows"] for row in summary} >= {"1797"}
    assert len({row["n_rows"] for row in summary}) > 1
    with open(out / "scores.csv") as handle:
        scores = list(csv.DictReader(handle))
    assert all(row["n_rows"] for row in scores)
    assert (out / "pr_curves.png").is_file()


def test_compare_exhaustive_ignores_size(tmp_path, capsys, monkeypatch):
    """Check that --exhaustive runs every strategy on all rows even when large."""
    monkeypatch.setattr("imbestimators._compare._cli._LARGE", 100)
    out = tmp_path / "report"
    assert main(["compare", *FAST, "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "successive halving" not in printed
    with open(out / "scores.csv") as handle:
        scores = list(csv.DictReader(handle))
    assert len(scores) == 4
    assert "n_rows" not in scores[0]


def test_compare_negative_ratios_exits_2(capsys):
    """Check that --ratios below 0 is refused before any fit."""
    assert main(["compare", "--ratios", "-1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--ratios must be 0 (no ratio search) or more; got -1." in err


@pytest.fixture
def grouped_csv(tmp_path):
    """Rows of 60 customers, the label drawn per customer, near-copies within one."""
    rng = np.random.default_rng(0)
    customer = rng.integers(0, 60, 600)
    fraud = (rng.random(60) < 0.2).astype(int)[customer]
    centre = rng.normal(size=(60, 3))[customer]
    path = tmp_path / "grouped.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x0", "x1", "x2", "customer", "fraud"])
        for row, c, label in zip(
            centre + 0.01 * rng.normal(size=(600, 3)), customer, fraud
        ):
            writer.writerow([*row, f"c{c}", label])
    return path


@pytest.mark.parametrize("large", [False, True])
def test_compare_groups_splits_by_group(
    grouped_csv, tmp_path, capsys, monkeypatch, large
):
    """Check --groups end to end, with and without halving: the folds are by
    group (the header says so, the imbalance report's splitter too) and the
    group column is not a feature."""
    if large:
        monkeypatch.setattr("imbestimators._compare._cli._LARGE", 100)
    out = tmp_path / "report"
    args = ["compare", "--csv", str(grouped_csv), "--target", "fraud"]
    args += ["--groups", "customer", "--cv", "3x1", "--n-jobs", "1", "--quiet"]
    args += ["--strategies", "none,class_weight=balanced,RandomUnderSampler"]
    assert main([*args, "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "(600 rows, 3 features), target 'fraud', groups 'customer'" in printed
    assert "repeated stratified group 3-fold CV x 1" in printed
    assert ("successive halving" in printed) == large
    assert "RepeatedStratifiedGroupKFold" in (out / "imbalance_report.txt").read_text()


def test_compare_groups_too_few_exits_2(grouped_csv, capsys):
    """Check that more folds than groups of the minority is refused up front."""
    args = ["compare", "--csv", str(grouped_csv), "--target", "fraud"]
    assert main([*args, "--groups", "customer", "--cv", "40x1", "--quiet"]) == 2
    assert "--groups: class 1 occurs in" in capsys.readouterr().err
