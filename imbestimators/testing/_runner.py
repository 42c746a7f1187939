"""Running every applicable property check, one call or one pytest test each."""

import functools
import re

from sklearn.utils import get_tags

from imbestimators.testing._checks import (
    _KINDS,
    check_class_counts,
    check_dtype_kept,
    check_input_not_modified,
    check_originals_first,
    check_pandas_in_pandas_out,
    check_same_random_state_same_output,
    check_sample_indices,
    check_shuffled_rows_same_counts,
    check_untargeted_classes_untouched,
)
from imbestimators.testing._degenerate import (
    _degenerate_cases,
    check_sampler_degenerate_inputs,
)
from imbestimators.testing._strategies import _pandas_installed

__all__ = ["check_sampler_properties", "parametrize_with_property_checks"]


def _yield_checks(sampler, kind=None):
    """The checks that apply to ``sampler``: functions with a ``__name__``, one
    per degenerate case for :func:`check_sampler_degenerate_inputs`."""
    kind = kind or _KINDS.get(getattr(sampler, "_sampling_type", None))
    tags = get_tags(sampler)
    sampler_tags = getattr(tags, "sampler_tags", None)
    if getattr(sampler_tags, "sample_indices", False):
        yield check_sample_indices
    if kind == "over":
        yield check_originals_first
    if kind is not None:
        yield check_class_counts
    if kind in ("over", "under", "clean"):
        yield check_untargeted_classes_untouched
    if kind in ("over", "under"):
        yield check_shuffled_rows_same_counts
    yield check_same_random_state_same_output
    yield check_input_not_modified
    yield check_dtype_kept
    if _pandas_installed() and getattr(tags.input_tags, "dataframe", True):
        yield check_pandas_in_pandas_out
    for name in _degenerate_cases(sampler):
        yield _degenerate_check(name)


def _degenerate_check(name):
    """check_sampler_degenerate_inputs on one case, named after it."""
    check = functools.partial(check_sampler_degenerate_inputs, cases=[name])
    check.__name__ = f"check_sampler_degenerate_inputs[{name}]"
    return check


def check_sampler_properties(sampler, **options):
    """Run every property check that applies to ``sampler``.

    The degenerate inputs of :func:`check_sampler_degenerate_inputs` included.

    Parameters
    ----------
    sampler : object with ``fit_resample``
        The sampler to check.
    **options : dict
        ``kind``, ``max_examples``, ``dataset_params``, ``accept_errors``: see
        :func:`check_class_counts`.

    Raises
    ------
    AssertionError
        From the first check that fails, with a minimal counterexample and a
        note naming the check.

    Examples
    --------
    >>> from imbestimators.over_sampling import RandomOverSampler
    >>> from imbestimators.testing import check_sampler_properties
    >>> check_sampler_properties(RandomOverSampler(), max_examples=3)
    """
    for check in _yield_checks(sampler, options.get("kind")):
        try:
            check(sampler, **options)
        except AssertionError as exc:
            if hasattr(exc, "add_note"):  # Python >= 3.11
                exc.add_note(f"property check {check.__name__} failed on {sampler!r}")
            raise


def parametrize_with_property_checks(
    samplers, *, expected_failed_checks=None, options=None, xfail_strict=None
):
    """pytest parametrization running every applicable property check.

    The property-based counterpart of scikit-learn's
    :func:`~sklearn.utils.estimator_checks.parametrize_with_checks`. Each case
    of :func:`check_sampler_degenerate_inputs` is a check of its own, named
    ``check_sampler_degenerate_inputs[<case>]``.

    Parameters
    ----------
    samplers : list of samplers
        The samplers to check.
    expected_failed_checks : callable, default=None
        ``sampler -> {check name: reason}``; those checks are marked as
        expected failures. ``"check_sampler_degenerate_inputs"`` names every
        degenerate case at once, ``"check_sampler_degenerate_inputs[<case>]"``
        one of them.
    options : dict or callable, default=None
        Options of the checks (``kind``, ``max_examples``, ``dataset_params``,
        ``accept_errors``), or ``sampler -> options``.
    xfail_strict : bool, default=None
        Whether an expected failure that passes fails the test. ``None``:
        strict for the degenerate cases, whose search is derandomized and so
        gives the same verdict on every run, and not strict for the other
        checks, whose random search may miss a rare counterexample in a run.

    Returns
    -------
    decorator
        ``pytest.mark.parametrize(("sampler", "check"), ...)``.

    Examples
    --------
    >>> from imbestimators.over_sampling import SMOTE
    >>> from imbestimators.testing import parametrize_with_property_checks
    >>> @parametrize_with_property_checks([SMOTE(k_neighbors=3)])
    ... def test_my_sampler(sampler, check):
    ...     check(sampler)
    """
    import pytest

    params = []
    for sampler in samplers:
        opts = options(sampler) if callable(options) else dict(options or {})
        failing = expected_failed_checks(sampler) if expected_failed_checks else {}
        for check in _yield_checks(sampler, opts.get("kind")):
            name = check.__name__
            family = name.split("[", 1)[0]
            reason = failing.get(name, failing.get(family))
            marks, check_opts = [], opts
            if reason is not None:
                strict = xfail_strict
                if strict is None:
                    strict = family == "check_sampler_degenerate_inputs"
                marks = [pytest.mark.xfail(strict=strict, reason=reason)]
                # a known failure needs no minimal counterexample: fail fast
                check_opts = {**opts, "shrink": False}
            params.append(
                pytest.param(
                    sampler,
                    functools.partial(check, **check_opts),
                    id=f"{_sampler_id(sampler)}-{name}",
                    marks=marks,
                )
            )
    return pytest.mark.parametrize(("sampler", "check"), params)


def _sampler_id(sampler):
    return re.sub(r"\s+", "", repr(sampler))
