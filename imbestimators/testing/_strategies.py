"""Hypothesis strategies for imbalanced classification data sets.

The data sets are small (tens to a few hundred rows) and bounded: property
tests of samplers look for logic errors (a lost row, a wrong count, a modified
input), and unbounded floats would only find floating-point noise. What varies
is what breaks samplers: the number of classes and their sizes, the imbalance
ratio, duplicated rows (within and across classes), exact distance ties,
constant columns, float32, string labels, pandas containers.

Structure (sizes, labels, dtype, class centres, duplicated rows, constant
columns) is drawn by hypothesis, so it shrinks to the smallest failing data
set; the bulk of the values comes from a NumPy generator whose seed is drawn by
hypothesis, because drawing every cell through hypothesis exceeds its data
budget beyond a few hundred cells.
"""

import math
import numbers
import string
from collections import Counter
from typing import NamedTuple

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

__all__ = [
    "DEGENERATE_CASES",
    "class_weights",
    "degenerate_datasets",
    "imbalanced_datasets",
    "sampling_strategies",
    "tied_datasets",
]

# over-sampling keeps the default ``'auto'`` = ``'not majority'``; each kind
# lists the strings imbalanced-learn's ``check_sampling_strategy`` accepts for it
_STRINGS = {
    "over": ["auto", "minority", "not minority", "not majority", "all"],
    "under": ["auto", "majority", "not minority", "not majority", "all"],
    "clean": ["auto", "majority", "not minority", "not majority", "all"],
}

_LABEL_ALPHABET = string.ascii_letters + string.digits


def _check_range(name, value, *, lower, kind=numbers.Integral):
    """A ``(low, high)`` range from an int or a pair; raise naming the parameter."""
    pair = (value, value) if isinstance(value, numbers.Number) else value
    try:
        low, high = pair
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or a (low, high) pair; got {value!r}."
        ) from None
    if not all(isinstance(v, kind) and not isinstance(v, bool) for v in (low, high)):
        expected = "integers" if kind is numbers.Integral else "numbers"
        raise TypeError(f"{name} must hold {expected}; got {value!r}.")
    if not lower <= low <= high:
        raise ValueError(f"{name} must satisfy {lower} <= low <= high; got {value!r}.")
    return low, high


def _check_choice(name, value, options):
    """``None`` (let hypothesis choose), or one option, or a list of options."""
    if value is None:
        return list(options)
    chosen = list(value) if isinstance(value, (list, tuple)) else [value]
    unknown = [v for v in chosen if v not in options]
    if unknown or not chosen:
        raise ValueError(
            f"{name} must be None or among {list(options)}; got {value!r}."
        )
    return chosen


def _feasible_minority_sizes(class_size, ratio):
    """Minority sizes m for which some majority size M fits ratio and class_size."""
    feasible = []
    for m in range(class_size[0], class_size[1] + 1):
        low, high = _majority_bounds(m, class_size, ratio)
        if low <= high:
            feasible.append(m)
    return feasible


def _majority_bounds(minority, class_size, ratio):
    # a small tolerance so that e.g. 10 * 1.1 (= 11.000000000000002) gives 11
    low = max(minority, math.ceil(minority * ratio[0] - 1e-9))
    high = min(class_size[1], math.floor(minority * ratio[1] + 1e-9))
    return low, high


def imbalanced_datasets(
    *,
    n_classes=(2, 4),
    imbalance_ratio=(1.0, 20.0),
    class_size=(2, 60),
    n_features=(1, 5),
    dtype=None,
    labels=None,
    as_frame=False,
    duplicates=True,
    ties=True,
    constant_columns=True,
    max_abs_value=1e3,
):
    """Strategy for ``(X, y)`` classification data sets with imbalanced classes.

    Parameters
    ----------
    n_classes : int or (int, int), default=(2, 4)
        Number of classes, or its range.
    imbalance_ratio : float or (float, float), default=(1.0, 20.0)
        Range of the ratio of the largest class size over the smallest one.
        The drawn ratio lies in this range exactly (it is a ratio of integers).
    class_size : int or (int, int), default=(2, 60)
        Range of each class's number of rows: the smallest class has at least
        ``class_size[0]`` rows, the largest at most ``class_size[1]``.
    n_features : int or (int, int), default=(1, 5)
        Number of columns, or its range.
    dtype : {"float32", "float64"}, list of them or None, default=None
        Floating dtype of ``X``; ``None`` draws either.
    labels : {"int", "str"}, list of them or None, default=None
        Integer labels (distinct, possibly negative or non-contiguous) or
        string labels (short ASCII words, digits included); ``None`` draws
        either.
    as_frame : bool or None, default=False
        Return ``X`` as a :class:`pandas.DataFrame` (string column names, an
        index that is not ``0..n-1``) and ``y`` as a named
        :class:`pandas.Series`; ``None`` draws either. Needs pandas.
    duplicates : bool, default=True
        Allow exact copies of rows, within a class and across classes (the
        same point with two labels).
    ties : bool, default=True
        Allow values on a small integer grid, where many distances are equal;
        with ``False`` the values are continuous (ties have probability 0).
    constant_columns : bool, default=True
        Allow constant columns (never all of them).
    max_abs_value : float, default=1e3
        Bound on ``|X|``.

    Returns
    -------
    strategy : hypothesis strategy
        Draws ``(X, y)``: ``X`` of shape (n_samples, n_features), ``y`` of shape
        (n_samples,), rows in random order.

    Examples
    --------
    >>> from collections import Counter
    >>> from hypothesis import given, settings
    >>> from imbestimators.testing import imbalanced_datasets
    >>> @settings(max_examples=5, database=None)
    ... @given(imbalanced_datasets(n_classes=2, imbalance_ratio=(3, 10)))
    ... def test_ratio(data):
    ...     X, y = data
    ...     counts = Counter(y.tolist()).values()
    ...     assert 3 <= max(counts) / min(counts) <= 10
    >>> test_ratio()
    """
    n_classes = _check_range("n_classes", n_classes, lower=2)
    ratio = _check_range("imbalance_ratio", imbalance_ratio, lower=1, kind=numbers.Real)
    class_size = _check_range("class_size", class_size, lower=1)
    n_features = _check_range("n_features", n_features, lower=1)
    dtypes = _check_choice("dtype", dtype, ["float32", "float64"])
    label_kinds = _check_choice("labels", labels, ["int", "str"])
    frames = _check_choice("as_frame", as_frame, [False, True])
    if not isinstance(max_abs_value, numbers.Real) or not max_abs_value > 0:
        raise ValueError(
            f"max_abs_value must be a positive number; got {max_abs_value!r}."
        )
    minority_sizes = _feasible_minority_sizes(class_size, ratio)
    if not minority_sizes:
        raise ValueError(
            f"No class sizes within class_size={class_size!r} give an "
            f"imbalance_ratio within {ratio!r}; widen one of them."
        )
    if True in frames:
        from imbestimators.utils._optional import import_optional

        import_optional("pandas", purpose="for imbalanced_datasets(as_frame=True)")
    return _datasets(
        n_classes=n_classes,
        ratio=ratio,
        class_size=class_size,
        minority_sizes=minority_sizes,
        n_features=n_features,
        dtypes=dtypes,
        label_kinds=label_kinds,
        frames=frames,
        duplicates=bool(duplicates),
        ties=bool(ties),
        constant_columns=bool(constant_columns),
        max_abs_value=float(max_abs_value),
    )


@st.composite
def _datasets(draw, **params):
    sizes = draw(_class_sizes(params))
    label_set = draw(_labels(len(sizes), params["label_kinds"]))
    n_features = draw(st.integers(*params["n_features"]))
    dtype = np.dtype(draw(st.sampled_from(params["dtypes"])))
    y = np.repeat(np.asarray(label_set), sizes)
    X = draw(_features(sizes, n_features, params))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if params["duplicates"]:
        _copy_rows(X, draw(st.integers(0, len(y) // 3)), rng)
    if params["constant_columns"] and n_features > 1:
        n_constant = draw(st.integers(0, n_features - 1))
        X[:, :n_constant] = draw(st.integers(-3, 3))
    order = rng.permutation(len(y))
    X, y = X[order].astype(dtype), y[order]
    if draw(st.sampled_from(params["frames"])):
        return _to_pandas(X, y, draw(st.sampled_from(["offset", "shuffled"])), rng)
    return X, y


@st.composite
def _class_sizes(draw, params):
    """Class sizes: the minority first, the majority last, others in between."""
    k = draw(st.integers(*params["n_classes"]))
    # the ratio first, log-uniform over its range, then a minority size it fits
    r_low, r_high = params["ratio"]
    target = r_low * (r_high / r_low) ** (draw(st.integers(0, 100)) / 100)
    sizes_ok = params["minority_sizes"]
    fitting = [m for m in sizes_ok if m * target <= params["class_size"][1]]
    minority = draw(st.sampled_from(fitting or sizes_ok[:1]))
    low, high = _majority_bounds(minority, params["class_size"], params["ratio"])
    majority = min(max(round(minority * target), low), high)
    middle = [draw(st.integers(minority, majority)) for _ in range(k - 2)]
    sizes = [minority, *middle, majority]
    # which label is the minority must vary too: a permutation of the sizes
    return draw(st.permutations(sizes))


def _labels(n_classes, kinds):
    ints = st.lists(
        st.integers(-10, 1000), min_size=n_classes, max_size=n_classes, unique=True
    )
    words = st.lists(
        st.text(_LABEL_ALPHABET, min_size=1, max_size=4),
        min_size=n_classes,
        max_size=n_classes,
        unique=True,
    )
    options = {"int": ints, "str": words}
    return st.one_of(*(options[kind] for kind in kinds))


@st.composite
def _features(draw, sizes, n_features, params):
    """Float64 values: per-class centres drawn by hypothesis plus seeded noise."""
    bound = params["max_abs_value"]
    # centres through hypothesis.extra.numpy: shrinks to coinciding classes
    centres = draw(
        hnp.arrays(
            np.float64,
            (len(sizes), n_features),
            elements=st.floats(-bound / 4, bound / 4, allow_subnormal=False),
        )
    )
    spread = draw(st.sampled_from([1.0, 0.01, 10.0, 100.0]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    on_grid = params["ties"] and draw(st.booleans())
    blocks = []
    for centre, size in zip(centres, sizes):
        if on_grid:
            # integer offsets: many rows at equal distances, and duplicates
            noise = rng.integers(-2, 3, size=(size, n_features)).astype(np.float64)
            blocks.append(np.round(centre) + noise)
        else:
            blocks.append(centre + spread * rng.standard_normal((size, n_features)))
    return np.clip(np.concatenate(blocks), -bound, bound)


def _copy_rows(X, n_copies, rng):
    """Overwrite ``n_copies`` random rows with copies of other random rows."""
    if n_copies == 0 or len(X) < 2:
        return
    targets = rng.choice(len(X), size=n_copies, replace=False)
    X[targets] = X[rng.integers(0, len(X), size=n_copies)]


def _to_pandas(X, y, index_kind, rng):
    import pandas as pd

    n = len(y)
    if index_kind == "offset":
        index = pd.RangeIndex(100, 100 + 2 * n, 2)
    else:
        index = pd.Index(rng.permutation(n) + 7)
    columns = [f"feature_{j}" for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns, index=index)
    return frame, pd.Series(y.tolist(), index=index, name="target")


# -- data sets full of distance ties --------------------------------------------
def tied_datasets(
    *,
    n_samples=(12, 60),
    n_classes=(2, 3),
    min_minority=1,
    max_minority_share=None,
    single_minority=False,
    dtype=None,
):
    """Strategy for ``(X, y)`` data sets full of exact distance ties.

    The data on which a "lower index wins" tie rule makes a sampler depend on
    the order of the rows (binary, one-hot or integer features, as in many
    KEEL data sets): ``X`` holds either small integers (0, 1 or 2 in 1 to 4
    columns) or the one-hot encoding of 1 to 3 categorical columns of 2 or 3
    levels, a quarter of the rows are overwritten by copies of other rows, and
    the labels are independent of ``X``, so that identical rows carry
    different labels. Use it to check that a sampler's decisions do not
    depend on the order of the rows (see
    :func:`check_sampler_row_order_invariance`).

    Parameters
    ----------
    n_samples : int or (int, int), default=(12, 60)
        Number of rows, or its range.
    n_classes : int or (int, int), default=(2, 3)
        Number of classes, or its range. The labels are ``0, 1, ...``; which
        of them is the smallest class is drawn.
    min_minority : int, default=1
        Fewest rows of the smallest class (``k + 1`` for a sampler that looks
        for ``k`` neighbours within a class).
    max_minority_share : float in (0, 1] or None, default=None
        Largest share of the rows the smallest class may hold; ``1/3`` on two
        classes makes the majority at least twice as large.
    single_minority : bool, default=False
        Make one class strictly smaller than every other. Imbalanced-learn's
        minority among equally small classes is the one whose first row comes
        first: an order dependence that has nothing to do with ties.
    dtype : {"float32", "float64"}, list of them or None, default=None
        Floating dtype of ``X``; ``None`` draws either.

    Returns
    -------
    strategy : hypothesis strategy
        Draws ``(X, y)``: ``X`` of shape (n_samples, n_features), ``y`` of
        integer labels of shape (n_samples,), rows in random order.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> from imbestimators.testing import tied_datasets
    >>> @settings(max_examples=5, database=None)
    ... @given(tied_datasets(n_classes=2, min_minority=8, single_minority=True))
    ... def test_minority(data):
    ...     X, y = data
    ...     counts = np.bincount(y)
    ...     assert 8 <= counts.min() < counts.max()
    >>> test_minority()
    """
    n_samples = _check_range("n_samples", n_samples, lower=2)
    n_classes = _check_range("n_classes", n_classes, lower=2)
    if (
        not isinstance(min_minority, numbers.Integral)
        or isinstance(min_minority, bool)
        or min_minority < 1
    ):
        raise ValueError(f"min_minority must be an integer >= 1; got {min_minority!r}.")
    share = max_minority_share
    if share is not None and not (
        isinstance(share, numbers.Real)
        and not isinstance(share, bool)
        and 0 < share <= 1
    ):
        raise ValueError(
            f"max_minority_share must be None or a number in (0, 1]; got {share!r}."
        )
    dtypes = _check_choice("dtype", dtype, ["float32", "float64"])
    layout = _TiedLayout(min_minority, share, bool(single_minority))
    feasible = {
        k: low
        for k in range(n_classes[0], n_classes[1] + 1)
        if (low := max(n_samples[0], layout.fewest_rows(k))) <= n_samples[1]
    }
    if not feasible:
        raise ValueError(
            f"No data set of n_samples={n_samples!r} rows in n_classes={n_classes!r} "
            f"classes has a smallest class of at least min_minority={min_minority} "
            f"rows (max_minority_share={share!r}, single_minority="
            f"{bool(single_minority)}); allow more rows or fewer classes."
        )
    return _tied(layout, feasible, n_samples[1], dtypes)


class _TiedLayout(NamedTuple):
    """The class-size constraints of :func:`tied_datasets`."""

    min_minority: int
    share: float | None
    single: bool

    def fewest_rows(self, k):
        """Smallest number of rows that fits ``k`` classes."""
        # the other classes need min_minority rows each, one more when single
        fewest = k * self.min_minority + (k - 1) * self.single
        if self.share is not None:
            fewest = max(fewest, math.ceil(self.min_minority / self.share - 1e-9))
        return fewest

    def largest_minority(self, n, k):
        """Largest smallest class ``n`` rows in ``k`` classes allow."""
        largest = (n - (k - 1) * self.single) // k
        if self.share is not None:
            # a small tolerance so that e.g. 30 * (1 / 3) gives 10
            largest = min(largest, math.floor(n * self.share + 1e-9))
        return largest


@st.composite
def _tied(draw, layout, feasible, max_rows, dtypes):
    k = draw(st.sampled_from(sorted(feasible)))
    n = draw(st.integers(feasible[k], max_rows))
    minority = draw(st.integers(layout.min_minority, layout.largest_minority(n, k)))
    minority_label = draw(st.integers(0, k - 1))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # every other class gets at least the minority's size (one more when the
    # minority must be the only smallest class), the rest at random
    floor = minority + layout.single
    others = floor + np.bincount(
        rng.integers(0, k - 1, size=n - minority - (k - 1) * floor), minlength=k - 1
    )
    sizes = np.insert(others, minority_label, minority)
    if draw(st.booleans()):
        X = rng.integers(0, 3, size=(n, draw(st.integers(1, 4))))
    else:
        levels = draw(st.lists(st.integers(2, 3), min_size=1, max_size=3))
        X = np.hstack([np.eye(m)[rng.integers(0, m, size=n)] for m in levels])
    # copies of rows, within and across classes (labels are independent of X)
    X[rng.integers(0, n, size=n // 4)] = X[rng.integers(0, n, size=n // 4)]
    y = rng.permutation(np.repeat(np.arange(k), sizes))
    return X.astype(draw(st.sampled_from(dtypes))), y


def _counts(y):
    """Class counts of y (array or Series), keyed by plain Python labels."""
    return Counter(np.asarray(y).tolist())


class TargetCounts:
    """A ``sampling_strategy`` callable returning fixed target counts.

    Hypothesis prints its repr in a falsifying example, which a lambda would
    hide.
    """

    def __init__(self, targets):
        self.targets = dict(targets)

    def __call__(self, y, **kwargs):
        return dict(self.targets)

    def __repr__(self):
        return f"TargetCounts({self.targets!r})"


def sampling_strategies(y, kind="over"):
    """Strategy for every form of ``sampling_strategy`` valid for ``y``.

    Covers what imbalanced-learn's ``check_sampling_strategy`` accepts for the
    kind of sampler: the strings, a float (binary ``y`` only, over- and
    under-samplers), a dict of target counts and a callable returning one
    (over- and under-samplers), a list of classes (cleaning samplers, which
    accept neither floats, dicts nor callables).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The labels the strategy is for.
    kind : {"over", "under", "clean"}, default="over"
        The kind of sampler.

    Returns
    -------
    strategy : hypothesis strategy
        Draws a value for the sampler's ``sampling_strategy`` parameter.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> from imblearn.utils import check_sampling_strategy
    >>> from imbestimators.testing import sampling_strategies
    >>> y = np.array([0] * 10 + [1] * 3)
    >>> @settings(max_examples=10, database=None)
    ... @given(sampling_strategies(y, kind="under"))
    ... def test_valid(strategy):
    ...     check_sampling_strategy(strategy, y, "under-sampling")
    >>> test_valid()
    """
    if kind not in _STRINGS:
        raise ValueError(f"kind must be 'over', 'under' or 'clean'; got {kind!r}.")
    counts = _counts(y)
    if len(counts) < 2:
        raise ValueError(
            f"y must hold at least 2 classes for a sampling strategy; got "
            f"{len(counts)}."
        )
    forms = [st.sampled_from(_STRINGS[kind])]
    if kind == "clean":
        forms.append(_class_lists(counts))
        return st.one_of(*forms)
    targets = _target_counts(counts, kind)
    forms += [targets, targets.map(TargetCounts)]
    ratio = _float_ratio(counts, kind)
    if ratio is not None:
        forms.append(ratio)
    return st.one_of(*forms)


def _class_lists(counts):
    return st.lists(st.sampled_from(sorted(counts, key=str)), min_size=1, unique=True)


def _target_counts(counts, kind):
    """Dicts of target counts for a non-empty subset of classes."""
    majority = max(counts.values())

    def target(klass):
        if kind == "over":
            # up to twice the majority: over-sampling beyond it is allowed
            return st.integers(counts[klass], max(2 * majority, counts[klass]))
        return st.integers(1, counts[klass])

    classes = sorted(counts, key=str)
    return st.lists(
        st.sampled_from(classes), min_size=1, max_size=len(classes), unique=True
    ).flatmap(
        lambda chosen: st.fixed_dictionaries({klass: target(klass) for klass in chosen})
    )


def _float_ratio(counts, kind):
    """Floats valid for a binary y, or None when there are none."""
    if len(counts) != 2:
        return None
    minority, majority = sorted(counts.values())
    if kind == "over":
        # imbalanced-learn adds int(majority * ratio - minority), which must be > 0
        if majority < minority + 1:
            return None
        return st.integers(minority + 1, majority).map(
            lambda n: min(1.0, math.nextafter(n / majority, math.inf))
        )
    # under: the majority keeps int(minority / ratio) rows, at most its count
    return st.integers(minority, majority).map(lambda n: minority / n)


def class_weights(classes, *, min_weight=0.01, max_weight=100.0):
    """Strategy for the ``class_weight`` values scikit-learn accepts.

    ``None``, ``"balanced"``, or a dict mapping a non-empty subset of
    ``classes`` to positive weights (classes left out weigh 1).

    Parameters
    ----------
    classes : array-like
        The class labels.
    min_weight, max_weight : float, default=0.01, 100.0
        Bounds of the drawn weights.

    Returns
    -------
    strategy : hypothesis strategy
        Draws a value for an estimator's ``class_weight`` parameter.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> from sklearn.utils.class_weight import compute_class_weight
    >>> from imbestimators.testing import class_weights
    >>> y = np.array(["a", "a", "a", "b"])
    >>> @settings(max_examples=10, database=None)
    ... @given(class_weights(["a", "b"]))
    ... def test_accepted(class_weight):
    ...     weights = compute_class_weight(class_weight, classes=np.unique(y), y=y)
    ...     assert (weights > 0).all()
    >>> test_accepted()
    """
    labels = sorted(np.unique(np.asarray(classes)).tolist(), key=str)
    if not labels:
        raise ValueError("classes must hold at least one class label; got none.")
    if not 0 < min_weight <= max_weight:
        raise ValueError(
            "min_weight and max_weight must satisfy 0 < min_weight <= max_weight; "
            f"got {min_weight!r} and {max_weight!r}."
        )
    weight = st.floats(min_weight, max_weight, allow_subnormal=False)
    dicts = st.lists(
        st.sampled_from(labels), min_size=1, max_size=len(labels), unique=True
    ).flatmap(lambda keys: st.fixed_dictionaries(dict.fromkeys(keys, weight)))
    return st.one_of(st.none(), st.just("balanced"), dicts)


# -- degenerate data sets --------------------------------------------------------
#: the degenerate but valid data sets of :func:`degenerate_datasets`
DEGENERATE_CASES = (
    "smallest_class",
    "identical_rows",
    "one_point_per_class",
    "one_feature",
    "constant_features",
    "duplicated_rows",
    "extreme_ratio",
    "tiny_float32",
    "huge_float32",
    "nullable_pandas",
    "read_only",
)

# |X| <= 1 + _UNIT = 5 before scaling: 5 * 2**120 < 2**123 leaves float32
# room (max about 2**128) for the sum or difference of two values, so only a
# sampler's own products (squared distances) can overflow
_UNIT = 4.0
_EXPONENTS = {"tiny_float32": (-120, -100), "huge_float32": (100, 120)}
_EXTREME_RATIO = (50, 100)
_MAX_ROWS = 1000
_NULLABLE_COLUMNS = ("Float64", "Float32", "Int64")


def degenerate_datasets(case=None, *, min_class_size=2, n_classes=(2, 3), labels=None):
    """Strategy for valid but degenerate ``(X, y)`` data sets.

    These are the inputs on which samplers fail in practice: not invalid (no
    NaN, no empty class), only extreme. Each case keeps its defining trait and
    lets hypothesis vary the rest (classes, sizes, labels, dtype, values):

    - ``"smallest_class"``: one class has exactly ``min_class_size`` rows,
      for a ``k``-neighbours sampler the ``k + 1`` it needs;
    - ``"identical_rows"``: every row is the same point, whatever its label;
    - ``"one_point_per_class"``: the rows of each class are one repeated point
      (separable classes, zero spread within each);
    - ``"one_feature"``: a single column;
    - ``"constant_features"``: every column but one is constant;
    - ``"duplicated_rows"``: every row appears two or three times;
    - ``"extreme_ratio"``: ``min_class_size`` rows against 50 to 100 times as
      many (at most 1000 rows);
    - ``"tiny_float32"``, ``"huge_float32"``: float32 values scaled by
      ``2**-120..2**-100`` or ``2**100..2**120``, where squared distances
      underflow to 0 or overflow to infinity in float32 (the values
      themselves, their sums and differences stay finite);
    - ``"nullable_pandas"``: a DataFrame of pandas nullable ``Float64``,
      ``Float32`` and ``Int64`` columns (no missing value) and an ``Int64`` or
      ``string`` Series;
    - ``"read_only"``: NumPy ``X`` and ``y`` with ``writeable=False``.

    Parameters
    ----------
    case : str, list of str or None, default=None
        The cases to draw from, among ``DEGENERATE_CASES``; ``None`` draws any
        (``"nullable_pandas"`` only when pandas is installed).
    min_class_size : int, default=2
        Rows in the smallest class; give ``k + 1`` for a sampler with ``k``
        neighbours.
    n_classes : int or (int, int), default=(2, 3)
        Number of classes, or its range.
    labels : {"int", "str"}, list of them or None, default=None
        Integer or string labels; ``None`` draws either.

    Returns
    -------
    strategy : hypothesis strategy
        Draws ``(X, y)``, rows in random order.

    Examples
    --------
    >>> from collections import Counter
    >>> from hypothesis import given, settings
    >>> from imbestimators.testing import degenerate_datasets
    >>> @settings(max_examples=5, database=None)
    ... @given(degenerate_datasets("smallest_class", min_class_size=6))
    ... def test_smallest_class(data):
    ...     X, y = data
    ...     assert min(Counter(y.tolist()).values()) == 6
    >>> test_smallest_class()
    """
    if case is None and not _pandas_installed():
        case = [name for name in DEGENERATE_CASES if name != "nullable_pandas"]
    cases = _check_choice("case", case, DEGENERATE_CASES)
    min_size = _check_range("min_class_size", min_class_size, lower=1)[0]
    n_classes = _check_range("n_classes", n_classes, lower=2)
    label_kinds = _check_choice("labels", labels, ["int", "str"])
    if "nullable_pandas" in cases:
        from imbestimators.utils._optional import import_optional

        import_optional("pandas", purpose="for degenerate_datasets('nullable_pandas')")
    return st.sampled_from(cases).flatmap(
        lambda name: _degenerate(name, min_size, n_classes, label_kinds)
    )


def _pandas_installed():
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


@st.composite
def _degenerate(draw, case, min_size, n_classes, label_kinds):
    k = draw(st.integers(*n_classes))
    sizes, copies = draw(_degenerate_sizes(case, min_size, k))
    if case == "nullable_pandas":
        # the nullable dtype of y follows its labels: Int64 or string
        label_kinds = [draw(st.sampled_from(label_kinds))]
    label_set = draw(_labels(k, label_kinds))
    n_features = 1 if case == "one_feature" else draw(st.integers(2, 4))
    low, high = _EXPONENTS.get(case, (0, 0))
    column_dtypes = None
    if case == "nullable_pandas":
        column_dtypes = draw(
            st.lists(
                st.sampled_from(_NULLABLE_COLUMNS),
                min_size=n_features,
                max_size=n_features,
            )
        )
    return _degenerate_dataset(
        case,
        sizes=sizes,
        labels=label_set,
        n_features=n_features,
        dtype=draw(st.sampled_from(["float32", "float64"])),
        exponent=draw(st.integers(low, high)),
        copies=copies,
        column_dtypes=column_dtypes,
        seed=draw(st.integers(0, 2**32 - 1)),
    )


@st.composite
def _degenerate_sizes(draw, case, m, k):
    """Class sizes of a case, and how many times each drawn row is repeated."""
    copies = draw(st.integers(2, 3)) if case == "duplicated_rows" else 1
    if case == "extreme_ratio":
        ratio = draw(st.integers(*_EXTREME_RATIO))
        majority = max(min(ratio * m, _MAX_ROWS), m)
        middle = [draw(st.integers(m, majority)) for _ in range(k - 2)]
        sizes = [m, *middle, majority]
    else:
        # rows drawn per class: with copies, each class still has >= m rows
        low = -(-m // copies)
        high = max(3 * low, 10 // copies)
        sizes = [draw(st.integers(low, high)) for _ in range(k)]
        if case == "smallest_class":
            sizes = [m, *(draw(st.integers(m + 1, max(3 * m, 10))) for _ in sizes[1:])]
    return draw(st.permutations(sizes)), copies


def _degenerate_dataset(
    case,
    *,
    sizes,
    labels,
    n_features=3,
    dtype="float64",
    exponent=None,
    copies=2,
    column_dtypes=None,
    seed=0,
):
    """One degenerate data set of the given case (see :func:`degenerate_datasets`).

    The deterministic builder behind the strategy, also used for the known
    example of each case. ``sizes`` and ``labels`` give each class; with
    ``"duplicated_rows"`` each drawn row is repeated ``copies`` times (class
    sizes are multiplied). ``exponent`` (tiny and huge cases) defaults to
    -120 and 120; ``column_dtypes`` (nullable case) cycles over Float64,
    Float32 and Int64.
    """
    rng = np.random.default_rng(seed)
    sizes = list(sizes)
    X = _degenerate_values(case, sizes, n_features, rng)
    y = np.repeat(np.asarray(labels), sizes)
    if case == "duplicated_rows":
        X, y = np.repeat(X, copies, axis=0), np.repeat(y, copies)
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    if case in _EXPONENTS:
        if exponent is None:
            exponent = _EXPONENTS[case][0 if case == "tiny_float32" else 1]
        # a power of two: the scaled data set is the unit one, exactly
        return np.ldexp(X.astype(np.float32), exponent), y
    X = X.astype(dtype)
    if case == "nullable_pandas":
        return _nullable_frame(X, y, column_dtypes)
    if case == "read_only":
        X.setflags(write=False)
        y.setflags(write=False)
    return X, y


def _degenerate_values(case, sizes, n_features, rng):
    """Float64 values with |X| <= 1 + _UNIT and the trait of the case."""
    n_rows = sum(sizes)
    # close centres: overlapping classes, where neighbour rules have work to do
    centres = rng.uniform(-1.0, 1.0, size=(len(sizes), n_features))
    if case == "identical_rows":
        return np.repeat(centres[:1], n_rows, axis=0)
    X = np.repeat(centres, sizes, axis=0)
    if case == "one_point_per_class":
        return X
    X += np.clip(rng.standard_normal(X.shape), -_UNIT, _UNIT)
    if case == "constant_features":
        X[:, 1:] = rng.integers(-3, 4, size=n_features - 1)
    elif case == "nullable_pandas":
        # whole numbers, so that an Int64 column holds them exactly
        X = np.round(X)
    return X


def _nullable_frame(X, y, column_dtypes):
    import pandas as pd

    if column_dtypes is None:
        column_dtypes = [
            _NULLABLE_COLUMNS[j % len(_NULLABLE_COLUMNS)] for j in range(X.shape[1])
        ]
    index = pd.RangeIndex(5, 5 + len(y))
    frame = pd.DataFrame(
        {
            f"feature_{j}": pd.array(X[:, j].astype(np.float64)).astype(dtype)
            for j, dtype in enumerate(column_dtypes)
        },
        index=index,
    )
    y_dtype = "Int64" if np.issubdtype(y.dtype, np.integer) else "string"
    return frame, pd.Series(y.tolist(), index=index, name="target", dtype=y_dtype)
