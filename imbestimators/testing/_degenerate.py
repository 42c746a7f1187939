"""The degenerate-input property check: valid but extreme data sets.

Where :mod:`imbestimators.testing._checks` searches ordinary imbalanced data
sets, this check feeds a sampler the inputs on which samplers break in
practice (a class of exactly ``k + 1`` rows, identical rows, one feature,
extreme ratios, tiny and huge float32 values, pandas nullable dtypes,
read-only arrays), each case a fixed data set and derandomized variations.
"""

import re
import warnings

import numpy as np
from hypothesis import strategies as st
from sklearn.utils import get_tags

from imbestimators.testing._checks import (
    Case,
    _assert_counts,
    _Context,
    _copy,
    _counts,
    _labels,
    _options_doc,
)
from imbestimators.testing._strategies import (
    _EXPONENTS,
    DEGENERATE_CASES,
    _degenerate_dataset,
    _pandas_installed,
    degenerate_datasets,
    sampling_strategies,
)
from imbestimators.utils._validation import is_pandas_frame

__all__ = ["check_sampler_degenerate_inputs"]

_CASES_DOC = """
    cases : list of str, default=None
        The cases of :func:`~imbestimators.testing.degenerate_datasets` to
        run; ``None`` runs every one the sampler can take (the pandas case
        needs pandas and a sampler that accepts DataFrames)."""


@_options_doc(extra=_CASES_DOC)
def check_sampler_degenerate_inputs(sampler, *, cases=None, **options):
    """Check valid but degenerate inputs: promised counts, finite values, inputs kept.

    On each case of :func:`~imbestimators.testing.degenerate_datasets` (a class
    of exactly ``k + 1`` rows, identical rows, one point per class, one
    feature, constant features, duplicated rows, an extreme ratio, tiny and
    huge float32 values, pandas nullable dtypes, read-only arrays), the
    sampler either refuses with a clear error (a ``ValueError`` or
    ``TypeError`` naming the sampler or one of its parameters) and leaves the
    input as it was, or returns:

    - ``X_res`` and ``y_res`` of one length, with no new class;
    - the class counts the strategy promises (see :func:`check_class_counts`);
    - finite values, with no missing value;
    - the dtype of ``X`` (of each column for a DataFrame) and of ``y``: no
      float32 upcast to float64;
    - ``X`` and ``y`` unmodified, values, dtype and ``writeable`` flag;
    - on tiny and huge float32 values, the class counts it gives for the
      same data scaled exactly (by a power of two) to ``|X| ~ 1``: how many
      rows a sampler keeps must not depend on the unit of measurement.

    Each case runs a fixed data set, then ``max_examples`` generated ones,
    derandomized: the verdict is the same on every run, so an expected failure
    of this check can be strict.
    """
    ctx = _Context(sampler, **options)
    names = _degenerate_cases(sampler) if cases is None else cases
    for name in names:
        if name not in DEGENERATE_CASES:
            raise ValueError(
                f"cases must hold names among {list(DEGENERATE_CASES)}; got {name!r}."
            )
        _check_degenerate_case(ctx, name)


def _degenerate_cases(sampler):
    """The degenerate cases a sampler can take."""
    try:
        takes_frames = getattr(get_tags(sampler).input_tags, "dataframe", True)
    except AttributeError:  # not a scikit-learn estimator: no tags to read
        takes_frames = True
    if _pandas_installed() and takes_frames:
        return DEGENERATE_CASES
    return tuple(name for name in DEGENERATE_CASES if name != "nullable_pandas")


def _check_degenerate_case(ctx, name):
    def prop(case):
        X, y = _fresh(case.X), _fresh(case.y)
        outcome = _attempt(ctx, case, X, y)
        _assert_unmodified(case, X, y)
        if isinstance(outcome, Exception):
            _assert_clear_refusal(ctx, outcome)
            return
        fitted, X_res, y_res = outcome
        assert _n_rows(X_res) == len(y_res), (
            f"X_res has {_n_rows(X_res)} rows and y_res {len(y_res)}"
        )
        if ctx.kind is not None:
            _assert_counts(ctx, case, fitted, y_res)
        _assert_finite(X_res)
        _assert_dtypes_kept(case, X_res, y_res)
        if name in _EXPONENTS:
            _assert_scale_free(ctx, case, y_res)

    ctx.run(
        prop,
        edge_cases=False,
        strategy=_degenerate_case_strategy(ctx, name),
        examples=[_degenerate_example(name, ctx.min_class_size)],
        derandomize=True,
    )


def _degenerate_case_strategy(ctx, name):
    datasets = degenerate_datasets(
        name,
        min_class_size=ctx.min_class_size,
        n_classes=ctx.dataset_params["n_classes"],
        labels=ctx.dataset_params.get("labels"),
    )
    vary_strategy = ctx.kind is not None and "sampling_strategy" in ctx.params

    @st.composite
    def draw_case(draw):
        X, y = draw(datasets)
        strategy = None
        if vary_strategy:
            strategy = draw(sampling_strategies(_labels(y), kind=ctx.strategy_kind))
        return Case(X, y, strategy, draw(st.integers(0, 2**31 - 1)))

    return draw_case()


def _degenerate_example(name, m):
    """The fixed data set of a case: two classes, the smaller of ``m`` rows."""
    sizes = [m, max(m, min(100 * m, 1000))] if name == "extreme_ratio" else [m, 3 * m]
    if name == "duplicated_rows":
        sizes = [-(-size // 2) for size in sizes]  # each row twice
    X, y = _degenerate_dataset(
        name, sizes=sizes, labels=[0, 1], n_features=1 if name == "one_feature" else 3
    )
    return Case(X, y, None, 0)


def _attempt(ctx, case, X, y):
    """``(sampler, X_res, y_res)``, or the exception ``fit_resample`` raised."""
    sampler = ctx.configured(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            X_res, y_res = sampler.fit_resample(X, y)
        except Exception as exc:
            return exc
    return sampler, X_res, y_res


def _fresh(obj):
    """A copy, read-only when ``obj`` is."""
    copy = obj.copy()
    if isinstance(obj, np.ndarray) and not obj.flags.writeable:
        copy.setflags(write=False)
    return copy


def _n_rows(X):
    return X.shape[0]


def _assert_unmodified(case, X, y):
    if is_pandas_frame(X):
        import pandas as pd

        pd.testing.assert_frame_equal(X, case.X, obj="X after fit_resample")
        pd.testing.assert_series_equal(y, case.y, obj="y after fit_resample")
        return
    for name, after, before in [("X", X, case.X), ("y", y, case.y)]:
        assert after.dtype == before.dtype, f"{name}'s dtype became {after.dtype}"
        np.testing.assert_array_equal(after, before, err_msg=f"{name} was modified")
        assert after.flags.writeable == before.flags.writeable, (
            f"fit_resample set {name}.flags.writeable to {after.flags.writeable}"
        )


def _assert_clear_refusal(ctx, exc):
    """A refusal is a ValueError or TypeError naming the sampler or a parameter."""
    message = str(exc)
    if any(p.search(message) for p in ctx.accept_errors):
        return
    names = [type(ctx.sampler).__name__, *ctx.params]
    named = any(re.search(rf"\b{re.escape(n)}\b", message) for n in names)
    if not (isinstance(exc, (ValueError, TypeError)) and named):
        raise AssertionError(
            f"fit_resample raised {type(exc).__name__}: {message!r} on valid input; "
            "resample it, or refuse with a ValueError or TypeError that names the "
            "sampler or the parameter at fault"
        ) from exc


def _assert_finite(X_res):
    if is_pandas_frame(X_res):
        assert not X_res.isna().to_numpy().any(), "X_res holds missing values"
        X_res = X_res.select_dtypes("number").to_numpy(dtype=np.float64)
    X_res = np.asarray(X_res)
    if np.issubdtype(X_res.dtype, np.number):
        bad = np.flatnonzero(~np.isfinite(X_res).all(axis=tuple(range(1, X_res.ndim))))
        assert bad.size == 0, (
            f"X_res holds non-finite values, from finite input, in {bad.size} rows "
            f"(first: row {bad[0] if bad.size else None})"
        )


def _assert_dtypes_kept(case, X_res, y_res):
    if is_pandas_frame(case.X):
        assert is_pandas_frame(X_res), f"X_res is a {type(X_res).__name__}"
        assert X_res.dtypes.to_dict() == case.X.dtypes.to_dict(), (
            f"column dtypes {case.X.dtypes.to_dict()} became {X_res.dtypes.to_dict()}"
        )
    else:
        assert X_res.dtype == case.X.dtype, (
            f"X_res has dtype {X_res.dtype}, X had {case.X.dtype}"
        )
    assert y_res.dtype == case.y.dtype, (
        f"y_res has dtype {y_res.dtype}, y had {case.y.dtype}"
    )


def _assert_scale_free(ctx, case, y_res):
    """The same data scaled to |X| ~ 1 gives the same class counts."""
    X = np.asarray(case.X)
    exponent = int(np.frexp(np.abs(X).max())[1])
    # multiplying by a power of two is exact: the same data, another unit
    unit = _attempt(ctx, case, np.ldexp(X, -exponent).astype(X.dtype), _copy(case.y))
    if isinstance(unit, Exception):
        raise AssertionError(
            f"fit_resample works at |X| ~ 2**{exponent} but raises on the same "
            f"data scaled to |X| ~ 1: {type(unit).__name__}: {unit}"
        ) from unit
    at_scale, at_unit = _counts(y_res), _counts(unit[2])
    assert at_scale == at_unit, (
        f"class counts {dict(at_scale)} at |X| ~ 2**{exponent} but "
        f"{dict(at_unit)} on the same data scaled exactly to |X| ~ 1: squared "
        "distances over- or underflow in float32?"
    )
