"""A text progress bar on stderr, kept off stdout so that the table stays clean."""

import sys
import time

__all__ = ["ProgressBar"]

_WIDTH = 30
# no estimate of the time left before this share of the work is done: the
# first fits include the start-up of the worker processes
_ESTIMATE_AFTER = 0.02


def _duration(seconds):
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds >= 600 else f"{seconds / 60:.1f} min"


class ProgressBar:
    """Count finished fits, estimate the time left, redraw one line.

    A terminal gets one line redrawn in place; logs get a line per tenth.

    Parameters
    ----------
    total : int
        Number of steps (fits).
    stream : file object, default=None
        Where to draw; ``sys.stderr`` when None.
    enabled : bool, default=True
        False draws nothing (``--quiet``).
    total_work : float, default=None
        The work of all steps, in the unit of ``update(work=...)`` (successive
        halving counts training rows, so a fit on all rows weighs more than
        one on a subsample); None means one unit per step.
    """

    def __init__(self, total, *, stream=None, enabled=True, total_work=None):
        self.total = total
        self.total_work = float(total if total_work is None else total_work)
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.done = 0
        self.work = 0.0
        self.stage = ""
        self._start = time.perf_counter()
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_tenth = -1

    def replan(self, total, total_work=None):
        """Change the planned steps and work (halving knows them one rung at a time)."""
        self.total = total
        self.total_work = float(total if total_work is None else total_work)

    def update(self, label="", work=1.0):
        """Record one finished step of ``work`` units and redraw."""
        self.done += 1
        self.work += work
        if not self.enabled:
            return
        if self._tty:
            self.stream.write("\r" + self._line(label))
        else:
            # logs and CI: one line per tenth rather than hundreds of lines
            tenth = int(10 * self.work / max(self.total_work, 1e-12))
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
            self.stream.write(self._line(label) + "\n")
        self.stream.flush()

    def close(self):
        """End the bar's line."""
        if self.enabled and self._tty:
            self.stream.write("\n")
            self.stream.flush()

    def time_left(self):
        """Seconds left at the pace so far (work done per second), or None."""
        share = self.work / max(self.total_work, 1e-12)
        if share < _ESTIMATE_AFTER or share >= 1:
            return None
        elapsed = time.perf_counter() - self._start
        return elapsed * (1 - share) / share

    def _line(self, label):
        share = min(1.0, self.work / max(self.total_work, 1e-12))
        filled = int(_WIDTH * share)
        elapsed = time.perf_counter() - self._start
        bar = "#" * filled + "-" * (_WIDTH - filled)
        text = f"[{bar}] {self.done}/{self.total} fits, {_duration(elapsed)}"
        left = self.time_left()
        if left is not None:
            text += f", ~{_duration(left)} left"
        if self.stage:
            text += f" ({self.stage})"
        line = f"{text}  {label}"[:100]
        # on a tty, pad so that a shorter label erases the end of a longer one
        return line.ljust(100) if self._tty else line
