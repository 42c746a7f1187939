"""Tests of the progress bar."""

import io

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
