"""Reusable property checks for samplers, in the spirit of ``parametrize_with_checks``.

scikit-learn's and imbalanced-learn's estimator checks run each sampler on a
handful of fixed data sets. The checks here state properties that must hold on
*every* data set and let hypothesis search for a counterexample among
imbalanced data sets (duplicated rows, distance ties, constant columns,
float32, string labels, pandas containers) and every valid form of
``sampling_strategy``. Known edge cases always run, as explicit examples.

Each check takes the sampler (never modified: it is cloned for each run) and
raises an ``AssertionError`` describing a minimal counterexample when the
property fails.
"""

import functools
import numbers
import re
import warnings
from collections import Counter
from typing import Any, NamedTuple

import numpy as np
from hypothesis import HealthCheck, Phase, example, given, reject, settings
from hypothesis import strategies as st
from imblearn.utils import check_sampling_strategy
from sklearn.base import clone

from imbestimators.testing._strategies import (
    _pandas_installed,
    imbalanced_datasets,
    sampling_strategies,
)
from imbestimators.utils._validation import is_pandas_frame, is_pandas_series

__all__ = [
    "check_class_counts",
    "check_dtype_kept",
    "check_input_not_modified",
    "check_originals_first",
    "check_pandas_in_pandas_out",
    "check_same_random_state_same_output",
    "check_sample_indices",
    "check_shuffled_rows_same_counts",
    "check_untargeted_classes_untouched",
]

#: examples hypothesis generates per check, beyond the explicit edge cases
DEFAULT_MAX_EXAMPLES = 10

_KINDS = {"over-sampling": "over", "under-sampling": "under", "clean-sampling": "clean"}
_SAMPLING_TYPES = {kind: name for name, kind in _KINDS.items()}
# over-sampling followed by cleaning (SMOTEENN, SMOTETomek): the strategy is an
# over-sampling one, and cleaning may then remove rows of every class
_SAMPLING_TYPES["combined"] = "over-sampling"


class Case(NamedTuple):
    """One test case: the data, a ``sampling_strategy`` (None: the sampler's own)
    and the ``random_state`` given to the sampler."""

    X: Any
    y: Any
    sampling_strategy: Any
    seed: int


class _Context:
    """What the checks need to know about one sampler, resolved once."""

    def __init__(
        self,
        sampler,
        *,
        kind=None,
        max_examples=DEFAULT_MAX_EXAMPLES,
        dataset_params=None,
        accept_errors=(),
        shrink=True,
    ):
        if not hasattr(sampler, "fit_resample"):
            raise TypeError(
                f"sampler must have a fit_resample method; got {sampler!r}."
            )
        if kind not in (None, "over", "under", "clean", "combined"):
            raise ValueError(
                "kind must be None, 'over', 'under', 'clean' or 'combined'; got "
                f"{kind!r}."
            )
        if not isinstance(max_examples, numbers.Integral) or max_examples < 1:
            raise ValueError(
                f"max_examples must be an integer >= 1; got {max_examples!r}."
            )
        self.sampler = sampler
        self.params = sampler.get_params()
        self.kind = kind or _KINDS.get(getattr(sampler, "_sampling_type", None))
        self.max_examples = int(max_examples)
        self.accept_errors = [re.compile(p) for p in accept_errors]
        self.phases = list(Phase) if shrink else [p for p in Phase if p != Phase.shrink]
        self.min_class_size = _min_class_size(sampler.get_params(deep=True))
        self.dataset_params = {
            "n_classes": (2, 3),
            "imbalance_ratio": (1.0, 8.0),
            "class_size": (self.min_class_size, max(3 * self.min_class_size, 30)),
            "n_features": (1, 4),
            **(dataset_params or {}),
        }
        # a user's class_size also bounds the edge cases and degenerate data sets
        low = self.dataset_params["class_size"]
        low = low if isinstance(low, numbers.Integral) else low[0]
        self.min_class_size = max(self.min_class_size, int(low))

    @property
    def strategy_kind(self):
        """The kind of ``sampling_strategy`` the sampler takes."""
        return "over" if self.kind == "combined" else self.kind

    def require_kind(self, check, kinds=("over", "under", "clean", "combined")):
        if self.kind is None:
            name = type(self.sampler).__name__
            raise ValueError(
                f"{check} needs the kind of sampler, which {name} does not declare "
                "(no _sampling_type): pass kind='over', 'under', 'clean' or "
                "'combined'."
            )
        if self.kind not in kinds:
            raise ValueError(
                f"{check} applies to samplers of kind {', '.join(kinds)}; got "
                f"kind={self.kind!r}."
            )

    def cases(self, *, with_strategy=False, as_frame=False):
        """Strategy for :class:`Case`, on data sets this sampler can handle."""
        datasets = imbalanced_datasets(**{**self.dataset_params, "as_frame": as_frame})
        vary_strategy = with_strategy and "sampling_strategy" in self.params

        @st.composite
        def draw_case(draw):
            X, y = draw(datasets)
            strategy = None
            if vary_strategy:
                kind = self.strategy_kind
                strategy = draw(sampling_strategies(_labels(y), kind=kind))
            return Case(X, y, strategy, draw(st.integers(0, 2**31 - 1)))

        return draw_case()

    def resample(self, case, X=None, y=None):
        """``fit_resample`` of a fresh clone configured for ``case``.

        Data sets on which the sampler raises an accepted error (its method
        is undefined there) are rejected instead of failing the check.
        """
        sampler = self.configured(case)
        X = case.X if X is None else X
        y = case.y if y is None else y
        with warnings.catch_warnings():
            # warnings (e.g. nothing to generate) are not property failures
            warnings.simplefilter("ignore")
            try:
                X_res, y_res = sampler.fit_resample(X, y)
            except Exception as exc:
                if any(p.search(str(exc)) for p in self.accept_errors):
                    reject()
                raise
        return sampler, X_res, y_res

    def configured(self, case):
        sampler = clone(self.sampler)
        if case.sampling_strategy is not None:
            sampler.set_params(sampling_strategy=case.sampling_strategy)
        if "random_state" in self.params:
            sampler.set_params(random_state=case.seed)
        return sampler

    def expected_targets(self, case):
        """The resolved strategy, computed independently of the sampler."""
        strategy = case.sampling_strategy
        if strategy is None:
            strategy = self.params.get("sampling_strategy", "auto")
        y = _label_array(case.y)
        is_ratio = isinstance(strategy, numbers.Real) and not isinstance(strategy, bool)
        if is_ratio and self.strategy_kind in ("over", "under"):
            return _float_targets(strategy, y, self.strategy_kind)
        resolved = check_sampling_strategy(strategy, y, _SAMPLING_TYPES[self.kind])
        return {_plain(k): v for k, v in resolved.items()}

    def run(
        self,
        prop,
        *,
        with_strategy=False,
        as_frame=False,
        edge_cases=True,
        strategy=None,
        examples=(),
        derandomize=None,
    ):
        """Let hypothesis search for a case where ``prop`` fails.

        ``strategy`` replaces the drawn :class:`Case` s, ``examples`` are run
        first (before the edge cases), ``derandomize=True`` makes the search
        the same on every run whatever the hypothesis profile.
        """
        test = prop
        if edge_cases:
            examples = [*examples, *_edge_cases(self.min_class_size, as_frame=as_frame)]
        # example() decorators apply outermost first: reverse to keep the order
        for case in reversed(examples):
            test = example(case=case)(test)
        if strategy is None:
            strategy = self.cases(with_strategy=with_strategy, as_frame=as_frame)
        test = given(case=strategy)(test)
        extra = {} if derandomize is None else {"derandomize": derandomize}
        test = settings(
            max_examples=self.max_examples,
            deadline=None,
            # the checks are a library feature: never write a database into the
            # user's working directory
            database=None,
            phases=self.phases,
            # one AssertionError, not an ExceptionGroup of distinct failures
            report_multiple_bugs=False,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.filter_too_much,
            ],
            **extra,
        )(test)
        test()


def _min_class_size(params):
    """Smallest class size the sampler's neighbour/CV parameters can work with.

    An int ``k_neighbors``-style parameter needs ``k + 1`` rows (the row and its
    ``k`` neighbours); a neighbours estimator's ``n_neighbors`` already counts
    the row; an int ``cv`` needs ``cv`` rows per class for stratified folds.
    Parameters of nested samplers (``smote__k_neighbors``) count too.
    """
    needed = [2]
    for full_name, value in params.items():
        name = full_name.rsplit("__", 1)[-1]
        if "neighbo" in name:
            if isinstance(value, numbers.Integral) and not isinstance(value, bool):
                needed.append(int(value) + 1)
            elif isinstance(getattr(value, "n_neighbors", None), numbers.Integral):
                needed.append(int(value.n_neighbors))
        elif name == "cv" and isinstance(value, numbers.Integral):
            needed.append(int(value) + 1)
    return max(needed)


def _plain(label):
    return label.item() if isinstance(label, np.generic) else label


def _values(obj):
    """A NumPy view of an array, DataFrame or Series, for comparisons."""
    if is_pandas_frame(obj) or is_pandas_series(obj):
        return obj.to_numpy()
    return np.asarray(obj)


def _labels(y):
    """Labels as an object array of plain Python values."""
    return np.asarray([_plain(v) for v in _values(y).tolist()], dtype=object)


def _label_array(y):
    """Labels as a NumPy array of their natural dtype (pandas nullable ones too)."""
    return np.asarray(_labels(y).tolist())


def _counts(y):
    return Counter(_labels(y).tolist())


def _sorted_rows(X):
    """Rows in lexicographic order: compares two sets of rows as multisets."""
    X = np.asarray(X)
    if X.shape[0] == 0:
        return X
    return X[np.lexsort(X.T[::-1])]


def _copy(obj):
    return obj.copy()


# -- edge cases ---------------------------------------------------------------
def _edge_cases(m, *, as_frame):
    """Known edge cases for a sampler whose classes need ``m`` rows at least."""
    rng = np.random.default_rng(0)
    cases = [
        # the smallest minority the sampler can work with
        _dataset(rng, [m, 3 * m], [0, 1], np.float64),
        # a minority made of one repeated row (zero spread, all distances tie)
        _dataset(rng, [3 * m, m], [0, 1], np.float64, repeated_class=1),
        # integer grid (ties everywhere), string labels, a row with two labels
        _dataset(rng, [m, m + 2, 2 * m + 1], ["b", "a", "10"], np.float32, grid=True),
        # balanced classes and a constant column: nothing to resample by default
        _dataset(rng, [m, m], [1, 0], np.float64, constant=True),
        # two classes tied for the minority, negative and unordered labels
        _dataset(rng, [m, 2 * m, m], [-1, 5, 3], np.float64),
    ]
    if as_frame:
        cases = [_frame(X, y) for X, y in cases]
    elif as_frame is None:
        cases += [_frame(X, y) for X, y in cases[2:4]]
    return [Case(X, y, None, 0) for X, y in cases]


def _dataset(
    rng, sizes, labels, dtype, *, grid=False, repeated_class=None, constant=False
):
    n_features = 3
    blocks = []
    for i, size in enumerate(sizes):
        if grid:
            block = rng.integers(-2, 3, size=(size, n_features)) + i
        else:
            block = rng.standard_normal((size, n_features)) + 1.5 * i
        if i == repeated_class:
            block[:] = block[0]
        blocks.append(block)
    X = np.concatenate(blocks).astype(dtype)
    y = np.repeat(np.asarray(labels), sizes)
    if grid:
        X[-1] = X[0]  # the same point with two different labels
    if constant:
        X[:, 0] = 1.0
    order = rng.permutation(len(y))
    return X[order], y[order]


def _frame(X, y):
    import pandas as pd

    index = pd.RangeIndex(10, 10 + len(y))
    columns = [f"feature_{j}" for j in range(X.shape[1])]
    return (
        pd.DataFrame(X, columns=columns, index=index),
        pd.Series(y.tolist(), index=index, name="target"),
    )


# -- the checks -----------------------------------------------------------------
def _options_doc(check=None, *, extra=""):
    """Append the options shared by every check to its docstring."""
    if check is None:
        return functools.partial(_options_doc, extra=extra)
    # a blank line after the summary, which numpydoc needs before a section
    check.__doc__ = (
        check.__doc__.rstrip()
        + """

    Parameters
    ----------
    sampler : object with ``fit_resample``
        The sampler to check; it is cloned, never modified.@EXTRA@
    kind : {"over", "under", "clean", "combined"}, default=None
        The kind of sampler; ``None`` reads imbalanced-learn's
        ``_sampling_type``. ``"combined"`` is over-sampling followed by
        cleaning (SMOTEENN, SMOTETomek), whose counts are bounded, not exact.
    max_examples : int, default=10
        Data sets hypothesis generates, beyond the explicit edge cases.
    dataset_params : dict, default=None
        Parameters of :func:`~imbestimators.testing.imbalanced_datasets`
        overriding the defaults (classes of at least ``k + 1`` rows for a
        ``k_neighbors``-style parameter ``k``).
    accept_errors : list of str, default=()
        Regular expressions matching the messages of errors the sampler may
        raise where its method is undefined (e.g. imbalanced-learn's ADASYN
        when no row has a neighbour of another class); such data sets are
        discarded instead of failing the check (the degenerate check takes
        them as clear refusals).
    shrink : bool, default=True
        Let hypothesis shrink a failing data set to a minimal one (slower to
        fail, clearer to read).

    Raises
    ------
    AssertionError
        With a minimal counterexample, when the property does not hold.
    """.replace("@EXTRA@", extra)
    )
    return check


@_options_doc
def check_sample_indices(sampler, **options):
    """Check that the output is ``X[sample_indices_]``, ``y[sample_indices_]``.

    Run on samplers whose tags declare ``sample_indices``; they must set it.
    """
    ctx = _Context(sampler, **options)

    def prop(case):
        fitted, X_res, y_res = ctx.resample(case, _copy(case.X), _copy(case.y))
        assert hasattr(fitted, "sample_indices_"), (
            "the sampler's tags declare sample_indices but fit_resample did not "
            "set sample_indices_"
        )
        indices = np.asarray(fitted.sample_indices_)
        np.testing.assert_array_equal(
            _values(X_res), _values(case.X)[indices], err_msg="X_res != X[indices]"
        )
        np.testing.assert_array_equal(
            _labels(y_res), _labels(case.y)[indices], err_msg="y_res != y[indices]"
        )

    ctx.run(prop, with_strategy=True, as_frame=None if _pandas_installed() else False)


@_options_doc
def check_originals_first(sampler, **options):
    """Check that an over-sampler returns the input rows first, unchanged, in order."""
    ctx = _Context(sampler, **options)
    ctx.require_kind("check_originals_first")

    def prop(case):
        _, X_res, y_res = ctx.resample(case, _copy(case.X), _copy(case.y))
        n = len(case.y)
        np.testing.assert_array_equal(
            _values(X_res)[:n], _values(case.X), err_msg="original rows changed"
        )
        np.testing.assert_array_equal(
            _labels(y_res)[:n], _labels(case.y), err_msg="original labels changed"
        )

    ctx.run(prop, with_strategy=True)


@_options_doc
def check_class_counts(sampler, **options):
    """Check the class counts against every valid ``sampling_strategy``.

    Over-samplers add exactly the resolved number of rows to each class,
    under-samplers keep exactly the resolved target count, cleaning samplers
    never make a class grow; classes not targeted keep their count.
    Combinations (``kind="combined"``) may then clean any class, so each class
    has at most its over-sampled count. The resolved strategy is computed with
    imbalanced-learn's ``check_sampling_strategy``, except that a float ratio
    gives the whole count it stands for (``0.29`` of 100 is 29, where
    imbalanced-learn truncates ``100 * 0.29 = 28.999999999999996`` to 28, its
    issue #1215); the sampler's ``sampling_strategy_``, when set, must equal
    it.
    """
    ctx = _Context(sampler, **options)
    ctx.require_kind("check_class_counts")

    def prop(case):
        fitted, _, y_res = ctx.resample(case, _copy(case.X), _copy(case.y))
        _assert_counts(ctx, case, fitted, y_res)

    ctx.run(prop, with_strategy=True)


def _assert_counts(ctx, case, fitted, y_res):
    """The class counts of ``y_res`` are those the strategy promises."""
    expected = ctx.expected_targets(case)
    if hasattr(fitted, "sampling_strategy_"):
        resolved = {_plain(k): v for k, v in fitted.sampling_strategy_.items()}
        assert resolved == expected, (
            f"sampling_strategy_ is {resolved}; the strategy resolves to {expected}"
        )
    before, after = _counts(case.y), _counts(y_res)
    assert set(after) <= set(before), f"new classes appeared: {after}"
    for klass, count in before.items():
        low, high = _wanted_counts(ctx.kind, klass, count, expected)
        if low == high:
            assert after[klass] == low, (
                f"class {klass!r}: {after[klass]} rows after resampling, "
                f"expected {low} ({count} before, strategy {expected})"
            )
        else:
            assert after[klass] <= high, (
                f"class {klass!r} has {after[klass]} rows after resampling, more "
                f"than the {high} it may have ({count} before, strategy {expected})"
            )


def _wanted_counts(kind, klass, count, expected):
    """The (lowest, highest) count a class may have after resampling."""
    if kind == "combined":
        # over-sampling to the target, then cleaning every class
        return 0, count + expected.get(klass, 0)
    if klass not in expected:
        return count, count
    if kind == "over":
        return count + expected[klass], count + expected[klass]
    if kind == "under":
        return expected[klass], expected[klass]
    return 0, count


def _float_targets(ratio, y, kind):
    """Targets of a float ratio on a binary ``y``, with the count it stands for.

    ``n_majority * ratio`` or ``n_minority / ratio`` often lands a rounding
    error below the whole count the user meant (``100 * 0.29`` is
    ``28.999999999999996``): such a value counts as that whole number, where
    imbalanced-learn truncates it (its issue #1215).
    """
    (minority, n_min), (majority, n_maj) = sorted(
        Counter(y.tolist()).items(), key=lambda item: item[1]
    )
    if kind == "over":
        return {_plain(minority): _whole(n_maj * ratio) - n_min}
    return {_plain(majority): _whole(n_min / ratio)}


def _whole(value):
    nearest = round(value)
    if abs(value - nearest) <= 1e-9 * max(1.0, abs(value)):
        return int(nearest)
    return int(value)


@_options_doc
def check_untargeted_classes_untouched(sampler, **options):
    """Check that the rows of classes the strategy does not target are kept as is.

    Compared as multisets of rows, so a sampler may reorder them.
    """
    ctx = _Context(sampler, **options)
    # a combination cleans every class after over-sampling: none is untargeted
    ctx.require_kind("check_untargeted_classes_untouched", ("over", "under", "clean"))

    def prop(case):
        _, X_res, y_res = ctx.resample(case, _copy(case.X), _copy(case.y))
        expected = ctx.expected_targets(case)
        if ctx.kind == "over":
            expected = {k: n for k, n in expected.items() if n > 0}
        X, y = _values(case.X), _labels(case.y)
        X_res, y_res = _values(X_res), _labels(y_res)
        for klass in set(y.tolist()) - set(expected):
            np.testing.assert_array_equal(
                _sorted_rows(X_res[y_res == klass]),
                _sorted_rows(X[y == klass]),
                err_msg=f"rows of the untargeted class {klass!r} changed",
            )

    ctx.run(prop, with_strategy=True)


@_options_doc
def check_same_random_state_same_output(sampler, **options):
    """Check that two runs with the same ``random_state`` give the same output.

    A sampler without ``random_state`` must be deterministic.
    """
    ctx = _Context(sampler, **options)

    def prop(case):
        _, X_a, y_a = ctx.resample(case, _copy(case.X), _copy(case.y))
        _, X_b, y_b = ctx.resample(case, _copy(case.X), _copy(case.y))
        np.testing.assert_array_equal(
            _values(X_a), _values(X_b), err_msg="X differs between two runs"
        )
        np.testing.assert_array_equal(
            _labels(y_a), _labels(y_b), err_msg="y differs between two runs"
        )

    ctx.run(prop, with_strategy=True)


@_options_doc
def check_input_not_modified(sampler, **options):
    """Check that ``fit_resample`` leaves ``X`` and ``y`` as they were."""
    ctx = _Context(sampler, **options)

    def prop(case):
        X, y = _copy(case.X), _copy(case.y)
        ctx.resample(case, X, y)
        if is_pandas_frame(X):
            import pandas as pd

            pd.testing.assert_frame_equal(X, case.X, obj="X after fit_resample")
            pd.testing.assert_series_equal(y, case.y, obj="y after fit_resample")
            return
        assert X.dtype == case.X.dtype, f"X's dtype became {X.dtype}"
        np.testing.assert_array_equal(X, case.X, err_msg="X was modified")
        np.testing.assert_array_equal(y, case.y, err_msg="y was modified")

    ctx.run(prop, as_frame=None if _pandas_installed() else False)


@_options_doc
def check_dtype_kept(sampler, **options):
    """Check that float32 input gives float32 output, float64 gives float64."""
    ctx = _Context(sampler, **options)

    def prop(case):
        _, X_res, _ = ctx.resample(case, _copy(case.X), _copy(case.y))
        assert X_res.dtype == case.X.dtype, (
            f"X_res has dtype {X_res.dtype}, X had {case.X.dtype}"
        )

    ctx.run(prop, with_strategy=True)


@_options_doc
def check_pandas_in_pandas_out(sampler, **options):
    """Check pandas in -> pandas out: same columns, dtypes and names, aligned
    indexes, and the same values as with NumPy input."""
    import pandas as pd

    ctx = _Context(sampler, **options)

    def prop(case):
        X, y = case.X, case.y
        _, X_res, y_res = ctx.resample(case, X.copy(), y.copy())
        _, X_np, y_np = ctx.resample(case, X.to_numpy(), y.to_numpy())
        assert isinstance(X_res, pd.DataFrame), f"X_res is a {type(X_res)}"
        assert isinstance(y_res, pd.Series), f"y_res is a {type(y_res)}"
        assert list(X_res.columns) == list(X.columns), "columns changed"
        assert X_res.dtypes.to_dict() == X.dtypes.to_dict(), "column dtypes changed"
        assert y_res.name == y.name, f"y_res is named {y_res.name!r}"
        assert y_res.dtype == y.dtype, f"y_res has dtype {y_res.dtype}, y {y.dtype}"
        assert y_res.index.equals(X_res.index), "X_res and y_res indexes differ"
        np.testing.assert_array_equal(X_res.to_numpy(), _values(X_np))
        np.testing.assert_array_equal(_labels(y_res), _labels(y_np))

    ctx.run(prop, with_strategy=True, as_frame=True)


@_options_doc
def check_shuffled_rows_same_counts(sampler, **options):
    """Check that shuffling the rows does not change the class counts.

    Run on over- and under-samplers, whose counts the strategy fixes; a
    cleaning rule's counts may legitimately depend on tie-breaking by row order.
    """
    ctx = _Context(sampler, **options)

    def prop(case):
        order = np.random.default_rng(case.seed).permutation(len(case.y))
        X, y = _copy(case.X), _copy(case.y)
        _, _, y_a = ctx.resample(case, X, y)
        _, _, y_b = ctx.resample(case, X[order], y[order])
        assert _counts(y_a) == _counts(y_b), (
            f"counts {_counts(y_a)} became {_counts(y_b)} after shuffling the rows"
        )

    ctx.run(prop, with_strategy=True)
