"""Tests of the progress bar."""

import io
import itertools

from imbestimators._compare._progress import ProgressBar


def test_progress_bar_not_a_tty_writes_a_line_per_tenth():
    """Check that logs get at most eleven lines whatever the number of steps."""
    stream = io.StringIO()
    bar = ProgressBar(200, stream=stream)
    for _ in range(200):
        bar.update("x")
    bar.close()
    lines = stream.getvalue().splitlines()
    assert 10 <= len(lines) <= 11
    assert lines[-1].startswith("[" + "#" * 30 + "] 200/200 fits")


def test_progress_bar_disabled_writes_nothing():
    """Check that --quiet silences the bar but still counts."""
    stream = io.StringIO()
    bar = ProgressBar(3, stream=stream, enabled=False)
    bar.update()
    bar.close()
    assert stream.getvalue() == ""
    assert bar.done == 1


def test_progress_bar_tty_redraws_one_line():
    """Check that a terminal gets carriage returns and one final newline."""

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = ProgressBar(4, stream=stream)
    for _ in range(4):
        bar.update("SMOTE")
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 4
    assert text.endswith("\n")
    assert text.count("\n") == 1


def test_progress_bar_estimates_the_time_left_from_the_work_done(monkeypatch):
    """Check the estimate: none at the start, then elapsed x work left / work done."""
    clock = itertools.chain([0.0], itertools.repeat(10.0))
    monkeypatch.setattr(
        "imbestimators._compare._progress.time.perf_counter", lambda: next(clock)
    )
    stream = io.StringIO()
    bar = ProgressBar(4, stream=stream, total_work=400)
    assert bar.time_left() is None
    bar.update("a", work=100)
    # a quarter of the work in 10 s: 30 s left, whatever the count of fits
    assert bar.time_left() == 30.0
    assert "~30 s left" in stream.getvalue()


def test_progress_bar_replan_counts_rows_not_fits():
    """Check that after replan a heavy fit moves the bar more than a light one."""
    stream = io.StringIO()
    bar = ProgressBar(3, stream=stream, total_work=3)
    bar.replan(3, total_work=100)
    bar.update("light", work=10)
    bar.update("heavy", work=80)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[" + "#" * 3 + "-")
    assert lines[1].startswith("[" + "#" * 27 + "-")
    assert "2/3 fits" in lines[1]
