"""A text progress bar on stderr, kept off stdout so that the table stays clean."""

import sys
import time

__all__ = ["ProgressBar"]

_WIDTH = 30


class ProgressBar:
    """Count finished fits and redraw one line (a line per tenth when not a tty).

    Parameters
    ----------
    total : int
        Number of steps.
    stream : file object, default=None
        Where to draw; ``sys.stderr`` when None.
    enabled : bool, default=True
        False draws nothing (``--quiet``).
    """

    def __init__(self, total, *, stream=None, enabled=True):
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.done = 0
        self._start = time.perf_counter()
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_tenth = -1

    def update(self, label=""):
        """Record one finished step and redraw."""
        self.done += 1
        if not self.enabled:
            return
        if self._tty:
            self.stream.write("\r" + self._line(label))
        else:
            # logs and CI: one line per tenth rather than hundreds of lines
            tenth = self.done * 10 // max(self.total, 1)
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

    def _line(self, label):
        filled = _WIDTH * self.done // max(self.total, 1)
        elapsed = time.perf_counter() - self._start
        bar = "#" * filled + "-" * (_WIDTH - filled)
        text = f"[{bar}] {self.done}/{self.total} fits, {elapsed:.0f} s"
        line = f"{text}  {label}"[:79]
        # on a tty, pad so that a shorter label erases the end of a longer one
        return line.ljust(79) if self._tty else line
