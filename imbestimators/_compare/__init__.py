"""The ``imbestimators compare`` command: strategies for imbalance, compared by CV.

A private package: the command line is its public interface
(:func:`imbestimators.__main__.main`). Each module holds one step: loading the
data (:mod:`._data`), the strategies (:mod:`._strategies`), the metrics
(:mod:`._metrics`), the cross-validation (:mod:`._evaluate`), the ranking and
recommendation (:mod:`._ranking`), and the report folder (:mod:`._report`,
:mod:`._plots`).
"""

from imbestimators._compare._errors import CompareError

__all__ = ["CompareError"]
