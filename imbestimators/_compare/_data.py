"""The data of a comparison: an embedded data set or a CSV file, checked up front.

Every problem with the input becomes a :class:`CompareError` with one line that
names the option, what was expected and what was found, before any fitting.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.multiclass import type_of_target

from imbestimators._compare._errors import CompareError
from imbestimators.model_selection._strategy_eval import fold_without_a_class
from imbestimators.utils._optional import import_optional
from imbestimators.utils._validation import label_repr

__all__ = [
    "DATASETS",
    "Dataset",
    "check_groups",
    "check_target",
    "load_csv",
    "load_embedded",
    "make_preprocessor",
]

# more distinct labels than this is an identifier or a measurement, not classes
_MAX_CLASSES = 50
# one-hot columns per categorical feature: rarer categories are pooled, so an
# identifier-like column cannot blow up the feature count
_MAX_CATEGORIES = 20


@dataclass
class Dataset:
    """Features, labels and what the report says about them."""

    name: str
    description: str
    X: object
    y: np.ndarray
    numeric: list = field(default_factory=list)
    categorical: list = field(default_factory=list)
    has_missing: bool = False
    # group labels of the rows (--groups), or None
    groups: np.ndarray = None

    @property
    def classes(self):
        return np.unique(self.y)

    @property
    def counts(self):
        return Counter(self.y.tolist())

    @property
    def minority(self):
        """The smallest class (the positive class of a binary problem)."""
        counts = self.counts
        return min(counts, key=lambda label: (counts[label], str(label)))


def _digits_8():
    X, digit = load_digits(return_X_y=True)
    # the hardest digit to tell apart with a linear model: a real, moderate
    # imbalance (about 9:1) where the strategies actually differ
    y = np.where(digit == 8, "eight", "other")
    return Dataset(
        name="digits-8",
        description=(
            "handwritten digits (scikit-learn's load_digits), is the digit an 8? "
            f"{int((y == 'eight').sum())} positives in {len(y)} images, "
            f"{X.shape[1]} pixel features"
        ),
        X=X,
        y=y,
    )


def _breast_cancer():
    X, target = load_breast_cancer(return_X_y=True)
    # keep one malignant tumour in ten (fixed draw): the imbalance of a screening
    # population rather than the 37 % of the original hospital sample
    rng = np.random.default_rng(0)
    malignant = np.flatnonzero(target == 0)
    benign = np.flatnonzero(target == 1)
    kept = rng.choice(malignant, size=len(benign) // 10, replace=False)
    rows = np.sort(np.concatenate([benign, kept]))
    y = np.where(target[rows] == 0, "malignant", "benign")
    return Dataset(
        name="breast-cancer",
        description=(
            "breast cancer (scikit-learn's load_breast_cancer) with one malignant "
            f"tumour kept in ten: {len(kept)} malignant in {len(rows)}, "
            f"{X.shape[1]} features"
        ),
        X=X[rows],
        y=y,
    )


#: embedded data sets, all shipped with scikit-learn: nothing is downloaded
DATASETS = {"digits-8": _digits_8, "breast-cancer": _breast_cancer}


def load_embedded(name="digits-8"):
    """One of the embedded data sets, by name."""
    if name not in DATASETS:
        raise CompareError(
            f"--dataset must be one of {', '.join(DATASETS)}; got {name!r}."
        )
    return DATASETS[name]()


def _pandas():
    try:
        return import_optional("pandas", purpose="to read --csv files")
    except ImportError as exc:
        raise CompareError(str(exc)) from exc


def _read_frame(path):
    pd = _pandas()
    path = Path(path)
    if not path.is_file():
        raise CompareError(f"--csv: no such file: {str(path)!r}.")
    try:
        return pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc)
        raise CompareError(f"--csv: cannot read {str(path)!r} as CSV: {first}") from exc


def _split_columns(frame, path):
    """Numeric and categorical feature columns; other dtypes are refused."""
    import pandas as pd

    numeric, categorical = [], []
    for column, dtype in frame.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(
            dtype
        ):
            if pd.api.types.is_datetime64_any_dtype(dtype):
                raise CompareError(
                    f"--csv: column {column!r} of {path!r} holds dates ({dtype}); "
                    "compare uses numeric and categorical columns: drop it or turn "
                    "it into numbers."
                )
            categorical.append(column)
        else:
            numeric.append(column)
    return numeric, categorical


def _column(frame, name, option, path):
    """A column of the CSV, which must exist and have no missing value."""
    if name not in frame.columns:
        shown = ", ".join(repr(str(c)) for c in list(frame.columns)[:10])
        more = ", ..." if frame.shape[1] > 10 else ""
        raise CompareError(
            f"{option}: no column {name!r} in {str(path)!r}; its columns are "
            f"{shown}{more}."
        )
    values = frame[name]
    if values.isna().any():
        raise CompareError(
            f"{option}: column {name!r} has {int(values.isna().sum())} missing "
            "values; drop or fill those rows first."
        )
    return values


def load_csv(path, target, groups=None):
    """Features and target of a CSV file, with the target column checked.

    ``groups`` names a column of group labels (a customer, a patient): it is
    not a feature, and the folds keep each group on one side. The checks that
    need the CV settings are in :func:`check_target` and :func:`check_groups`.
    """
    frame = _read_frame(path)
    labels = _column(frame, target, "--target", path)
    not_features = [target]
    group_labels = None
    if groups is not None:
        if groups == target:
            raise CompareError(
                f"--groups: column {groups!r} is the target; name the column that "
                "holds the group of each row (a customer or patient id, say)."
            )
        group_labels = _column(frame, groups, "--groups", path).to_numpy()
        not_features.append(groups)
    X = frame.drop(columns=not_features)
    if X.shape[1] == 0:
        raise CompareError(
            f"--csv: {str(path)!r} has no feature column besides the target {target!r}."
        )
    numeric, categorical = _split_columns(X, str(path))
    has_missing = bool(X.isna().to_numpy().any())
    if not categorical:
        # a plain float array is memory-mapped to the worker processes once,
        # where a DataFrame would be pickled again for every fit
        X = X.to_numpy(dtype=np.float64)
    return Dataset(
        name=Path(path).name,
        description=f"{path} ({len(frame)} rows, {X.shape[1]} features), "
        f"target {target!r}"
        + (
            ""
            if groups is None
            else f", groups {groups!r} ({len(np.unique(group_labels))} groups)"
        ),
        X=X,
        y=labels.to_numpy(),
        numeric=numeric,
        categorical=categorical,
        has_missing=has_missing,
        groups=group_labels,
    )


def check_target(y, *, n_splits, what="the target"):
    """Refuse targets that compare cannot cross-validate as a classification."""
    kind = type_of_target(y)
    counts = Counter(y.tolist())
    if kind == "continuous":
        example = ", ".join(str(v) for v in np.unique(y)[:3])
        raise CompareError(
            f"{what} is continuous (values such as {example}): compare needs "
            "class labels; bin the values into classes first."
        )
    if kind not in ("binary", "multiclass"):
        raise CompareError(f"{what} must be class labels; got a {kind} target.")
    if len(counts) < 2:
        (label,) = counts
        raise CompareError(
            f"{what} has a single class ({label_repr(label)}); compare needs "
            "at least two classes."
        )
    if len(counts) > _MAX_CLASSES:
        raise CompareError(
            f"{what} has {len(counts)} distinct values: that is an identifier "
            f"or a measurement, not classes (compare accepts up to {_MAX_CLASSES})."
        )
    label, smallest = min(counts.items(), key=lambda item: item[1])
    if smallest < n_splits:
        raise CompareError(
            f"class {label_repr(label)} of {what} has {smallest} rows, fewer than "
            f"the {n_splits} folds of --cv: lower the number of splits "
            f"(e.g. --cv {max(smallest, 2)}x2) or collect more rows of that class."
        )


def check_groups(y, groups, *, cv, column):
    """Refuse groups with which the folds of ``cv`` (its ``n_splits``) cannot
    hold every class in every test fold: its metrics would be undefined there.

    The count checks say by how much to lower ``--cv``; the folds themselves
    are then built (they are seeded) and checked, since enough groups do not
    guarantee every class in every fold.
    """
    n_splits = cv.n_splits
    _check_group_count(len(np.unique(groups)), n_splits, f"column {column!r} has")
    for label in np.unique(y):
        _check_group_count(
            len(np.unique(groups[y == label])),
            n_splits,
            f"class {label_repr(label)} occurs in column {column!r} with",
        )
    empty = fold_without_a_class(cv, y, groups)
    if empty is not None:
        k, label = empty
        raise CompareError(
            f"--groups: with the groups of column {column!r}, test fold "
            f"{k % n_splits + 1} of repeat {k // n_splits + 1} holds no row of "
            f"class {label_repr(label)}: its groups are too few or too "
            "uneven for that many folds; lower the number of splits of --cv."
        )


def _check_group_count(n_groups, n_splits, what):
    if n_groups >= n_splits:
        return
    advice = (
        f"lower the number of splits (e.g. --cv {n_groups}x2)"
        if n_groups >= 2
        else "cross-validation by group needs at least 2"
    )
    raise CompareError(
        f"--groups: {what} {n_groups} group{'s' * (n_groups != 1)}, fewer than the "
        f"{n_splits} folds of --cv; {advice}."
    )


def make_preprocessor(dataset):
    """Scaling for numeric data; imputing and one-hot encoding when needed."""
    if not dataset.categorical and not dataset.has_missing:
        return StandardScaler()
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    if not dataset.categorical:
        return numeric
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            max_categories=_MAX_CATEGORIES,
            sparse_output=False,
        ),
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, dataset.numeric),
            ("categorical", categorical, dataset.categorical),
        ],
        sparse_threshold=0.0,
    )
