"""Tests of the compare command's data loading and target checks."""

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import StandardScaler

from imbestimators._compare._data import (
    DATASETS,
    check_groups,
    check_target,
    load_csv,
    load_embedded,
    make_preprocessor,
)
from imbestimators._compare._errors import CompareError
from imbestimators._compare._evaluate import RepeatedStratifiedGroupKFold


@pytest.mark.parametrize("name", list(DATASETS))
def test_embedded_datasets_are_imbalanced_and_bundled(name):
    """Check that every embedded data set is binary, about 9:1, minority positive."""
    dataset = load_embedded(name)
    counts = dataset.counts
    assert len(counts) == 2
    assert len(dataset.y) == dataset.X.shape[0]
    ratio = max(counts.values()) / min(counts.values())
    assert 5 < ratio < 15
    assert dataset.minority == min(counts, key=counts.get)


def test_load_embedded_unknown_name():
    """Check that an unknown data set name lists the known ones."""
    with pytest.raises(CompareError, match=r"--dataset must be one of digits-8"):
        load_embedded("iris")


def test_load_csv_splits_numeric_and_categorical(tmp_path):
    """Check that object columns are categorical and numbers numeric."""
    path = tmp_path / "d.csv"
    path.write_text("a,b,c,y\n1.5,x,True,0\n2.5,z,False,1\n,x,True,0\n")
    dataset = load_csv(path, "y")
    assert dataset.numeric == ["a"]
    assert dataset.categorical == ["b", "c"]
    assert dataset.has_missing
    assert dataset.y.tolist() == [0, 1, 0]
    assert isinstance(make_preprocessor(dataset), ColumnTransformer)


def test_make_preprocessor_numeric_only_is_a_scaler():
    """Check that complete numeric data is only scaled."""
    assert isinstance(make_preprocessor(load_embedded()), StandardScaler)


def test_preprocessor_imputes_and_encodes(tmp_path):
    """Check that the CSV preprocessor handles missing values and categories."""
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n1.0,x,0\n,y,1\n3.0,,0\n4.0,x,1\n")
    dataset = load_csv(path, "y")
    out = make_preprocessor(dataset).fit_transform(dataset.X)
    assert out.shape == (4, 3)
    assert np.isfinite(out).all()


@pytest.mark.parametrize(
    ("content", "target", "message"),
    [
        ("a,y\n1,0\n", "z", r"--target: no column 'z' in .*; its columns are 'a', 'y'"),
        ("a,y\n1,0\n2,\n", "y", r"column 'y' has 1 missing values"),
        ("y\n1\n2\n", "y", r"no feature column besides the target 'y'"),
        ("a,d,y\n1,2020-01-01,0\n", "y", None),
    ],
)
def test_load_csv_errors(tmp_path, content, target, message):
    """Check the errors of a CSV whose target or features cannot be used."""
    path = tmp_path / "d.csv"
    path.write_text(content)
    if message is None:  # a date string column is categorical, not refused
        assert load_csv(path, target).categorical == ["d"]
        return
    with pytest.raises(CompareError, match=message):
        load_csv(path, target)


def test_load_csv_missing_file(tmp_path):
    """Check that a missing file is named."""
    with pytest.raises(CompareError, match=r"--csv: no such file: '.*nope.csv'"):
        load_csv(tmp_path / "nope.csv", "y")


def test_load_csv_unreadable_file(tmp_path):
    """Check that a file that is not CSV gives a one-line reason."""
    path = tmp_path / "bin.csv"
    path.write_bytes(b"")
    with pytest.raises(CompareError, match=r"cannot read .* as CSV"):
        load_csv(path, "y")


@pytest.mark.parametrize(
    ("y", "message"),
    [
        (np.array([0.1, 0.25, 0.7, 0.3]), r"the target is continuous"),
        (np.array(["a", "a", "a"]), r"single class \('a'\)"),
        (np.arange(60).repeat(2), r"60 distinct values"),
        (np.array([0] * 10 + [1] * 2), r"class 1 of the target has 2 rows, fewer "),
    ],
)
def test_check_target_refuses(y, message):
    """Check that continuous, single-class, identifier and tiny targets are refused."""
    with pytest.raises(CompareError, match=message):
        check_target(y, n_splits=5)


def test_check_target_accepts_multiclass_strings():
    """Check that string labels with enough rows per class pass."""
    check_target(np.array(["a", "b", "c"] * 5), n_splits=5)


def test_load_csv_without_pandas_names_the_extra(tmp_path, monkeypatch):
    """Check that --csv without pandas says which extra to install."""
    import imbestimators._compare._data as data

    def missing(name, *, purpose=None):
        raise ImportError(
            f"{name!r} is required {purpose} but is not installed. Install it "
            "with: pip install 'imbestimators[pandas]'"
        )

    monkeypatch.setattr(data, "import_optional", missing)
    with pytest.raises(CompareError, match=r"imbestimators\[pandas\]"):
        load_csv(tmp_path / "d.csv", "y")


def test_load_csv_numeric_only_is_an_array_with_imputation(tmp_path):
    """Check that all-numeric CSV data becomes a float array, imputed if needed."""
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n1.0,2,0\n,3,1\n3.0,4,0\n")
    dataset = load_csv(path, "y")
    assert isinstance(dataset.X, np.ndarray)
    assert dataset.X.dtype == np.float64
    assert dataset.has_missing
    out = make_preprocessor(dataset).fit_transform(dataset.X)
    assert np.isfinite(out).all()
    assert out.shape == (3, 2)


def test_load_csv_groups_column_is_not_a_feature(tmp_path):
    """Check that --groups takes its column out of the features, as labels."""
    path = tmp_path / "d.csv"
    path.write_text("a,customer,y\n1.0,c1,0\n2.0,c2,1\n3.0,c1,0\n")
    dataset = load_csv(path, "y", groups="customer")
    assert dataset.numeric == ["a"]
    assert dataset.categorical == []
    assert dataset.X.shape == (3, 1)
    assert dataset.groups.tolist() == ["c1", "c2", "c1"]
    assert "groups 'customer' (2 groups)" in dataset.description
    assert load_csv(path, "y").groups is None


@pytest.mark.parametrize(
    ("content", "groups", "message"),
    [
        ("a,g,y\n1,1,0\n", "h", r"--groups: no column 'h' in .*; its columns are"),
        ("a,g,y\n1,1,0\n2,,1\n", "g", r"--groups: column 'g' has 1 missing values"),
        ("a,g,y\n1,1,0\n", "y", r"--groups: column 'y' is the target"),
    ],
)
def test_load_csv_groups_errors(tmp_path, content, groups, message):
    """Check the errors of a --groups column that cannot be used."""
    path = tmp_path / "d.csv"
    path.write_text(content)
    with pytest.raises(CompareError, match=message):
        load_csv(path, "y", groups=groups)


def test_check_groups_refuses_too_few_groups():
    """Check that the folds need as many groups, and each class in as many."""
    y = np.array([0] * 40 + [1] * 10)
    cv = RepeatedStratifiedGroupKFold(n_splits=5, n_repeats=2, random_state=0)
    with pytest.raises(CompareError, match=r"has 4 groups, fewer than the 5 folds"):
        check_groups(y, np.arange(50) % 4, cv=cv, column="g")
    with pytest.raises(CompareError, match=r"has 1 group, .*needs at least 2"):
        check_groups(y, np.zeros(50), cv=cv, column="g")
    # the positives all in groups 0 and 1 of 10
    groups = np.r_[np.arange(40) % 10, np.arange(10) % 2]
    with pytest.raises(CompareError, match=r"class 1 occurs in column 'g' with 2 "):
        check_groups(y, groups, cv=cv, column="g")
    check_groups(y, np.arange(50) % 10, cv=cv, column="g")


class _FoldWithoutPositives:
    """Two folds by group, the second holding no positive row."""

    n_splits = 2

    def split(self, X, y, groups):
        first = np.flatnonzero(groups < 5)
        yield np.flatnonzero(groups >= 5), first
        yield first, np.flatnonzero(groups >= 5)


def test_check_groups_refuses_a_test_fold_without_a_class():
    """Check that enough groups are not enough: the folds themselves are
    built and every test fold must hold every class."""
    groups = np.arange(40) % 10
    y = (groups < 5).astype(int) * (np.arange(40) % 2)
    with pytest.raises(CompareError, match=r"test fold 2 of repeat 1 holds no row of"):
        check_groups(y, groups, cv=_FoldWithoutPositives(), column="g")
