"""Tests of imbalance_report."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
from sklearn.neighbors import NearestNeighbors

from imbestimators.diagnostics import ImbalanceReport, imbalance_report
from imbestimators.diagnostics._imbalance import _types, severity_of
from imbestimators.testing import imbalanced_datasets
from imbestimators.utils._param_validation import InvalidParameterError


def labels(counts):
    return np.repeat(np.arange(len(counts)), counts)


def test_counts_shares_ratio_and_classes():
    """Check counts (largest first), shares, ratio, majority and minority."""
    y = np.array(["b"] * 30 + ["a"] * 60 + ["c"] * 10)
    report = imbalance_report(y)
    assert list(report.counts.items()) == [("a", 60), ("b", 30), ("c", 10)]
    assert report.shares == {"a": 0.6, "b": 0.3, "c": 0.1}
    assert (report.majority, report.minority) == ("a", "c")
    assert report.imbalance_ratio == 6.0
    assert report.severity == "moderate"
    assert report.typology is None


@pytest.mark.parametrize(
    ("ratio", "severity"),
    [
        (1.0, "mild"),
        (2.99, "mild"),
        (3.0, "moderate"),
        (10.0, "moderate"),
        (10.5, "significant"),
        (100.0, "significant"),
        (100.5, "extreme"),
    ],
)
def test_severity_scale(ratio, severity):
    """Check the scale: mild < 3:1, moderate to 10:1, significant to 100:1."""
    assert severity_of(ratio) == severity


def test_cv_counts_match_the_folds():
    """Check the smallest class counts over the folds against the splitter."""
    y = labels([83, 17])
    report = imbalance_report(y, cv=StratifiedKFold(4))
    train = [
        np.bincount(y[tr], minlength=2) for tr, _ in StratifiedKFold(4).split(y, y)
    ]
    test = [np.bincount(y[te], minlength=2) for _, te in StratifiedKFold(4).split(y, y)]
    assert report.cv["n_splits"] == 4
    assert report.cv["min_train_counts"] == {0: min(t[0] for t in train), 1: 12}
    assert report.cv["min_test_counts"] == {0: min(t[0] for t in test), 1: 4}
    assert report.cv["min_train_minority"] == 12
    # cv=None is scikit-learn's default, 5 stratified folds
    assert imbalance_report(y).cv["splitter"].startswith("StratifiedKFold(n_splits=5")


def test_neighbour_defaults_that_cannot_work():
    """Check that 5 minority rows in 5 folds (4 per training fold) break SMOTE's
    default k_neighbors=5 but not NearMiss's n_neighbors=3."""
    report = imbalance_report(labels([95, 5]), cv=5)
    works = {limit["sampler"]: limit["works"] for limit in report.neighbour_limits}
    assert works == {
        "SMOTE": False,
        "BorderlineSMOTE": False,
        "SMOTENC": False,
        "ADASYN": False,
        "NearMiss": True,
    }
    text = str(report)
    assert "SMOTE: k_neighbors=5 needs 6 samples of the class" in text
    assert any(
        "set k_neighbors/n_neighbors to at most 3" in tip
        for tip in report.recommendations
    )


def test_unstratified_folds_without_minority():
    """Check the advice when a test fold holds no minority sample (sorted y, KFold)."""
    report = imbalance_report(labels([90, 10]), cv=KFold(5))
    assert report.cv["min_test_counts"][1] == 0
    assert any("hold no minority sample" in tip for tip in report.recommendations)


def test_groups_are_passed_to_the_splitter():
    """Check that groups= reaches a group-aware splitter."""
    y = labels([40, 20])
    groups = np.arange(60) % 3
    report = imbalance_report(y, cv=GroupKFold(3), groups=groups)
    assert report.cv["n_splits"] == 3


@pytest.mark.parametrize(
    ("same", "kind"),
    [
        (0, "outlier"),
        (1, "rare"),
        (2, "borderline"),
        (3, "borderline"),
        (4, "safe"),
        (5, "safe"),
    ],
)
def test_typology_thresholds(same, kind):
    """Check Napierala and Stefanowski's thresholds on 5 neighbours."""
    assert _types(np.array([same]) / 5).tolist() == [kind]


def test_typology_on_a_constructed_data_set():
    """Check one minority example of each type, placed by hand on a line."""
    majority = np.arange(0.0, 30.0)  # 0, 1, ..., 29
    minority = np.array(
        [
            100.0,
            100.1,
            100.2,
            100.3,
            100.4,
            100.5,  # safe cluster far away
            10.5,  # among majority points only: outlier
        ]
    )
    X = np.concatenate([majority, minority])[:, None]
    y = np.repeat([0, 1], [30, 7])
    report = imbalance_report(y, X)
    assert report.typology == {1: {"safe": 6, "borderline": 0, "rare": 0, "outlier": 1}}


@settings(max_examples=15)
@given(data=imbalanced_datasets(n_classes=(2, 3), ties=False, duplicates=False))
def test_typology_equals_brute_force_neighbours(data):
    """Check the typology against scikit-learn's exact neighbours (no ties)."""
    X, y = data
    X = X.astype(np.float64)
    report = imbalance_report(y, X, cv=2)
    if len(y) <= 5:
        assert report.typology is None
        return
    _, ind = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X)
    for klass, types in report.typology.items():
        rows = np.flatnonzero(y == klass)
        same = [(y[[j for j in ind[i] if j != i][:5]] == klass).sum() for i in rows]
        expected = _types(np.array(same) / 5).tolist()
        assert types == {name: expected.count(name) for name in types}


def test_typology_needs_more_samples_than_neighbours():
    """Check that a data set of n_neighbors rows or fewer gets no typology."""
    report = imbalance_report([0, 0, 0, 1, 1], np.arange(5.0)[:, None], cv=2)
    assert report.typology is None


def test_exports_dict_frame_and_text():
    """Check to_dict (JSON-able), to_frame (one row per class) and the text."""
    rng = np.random.default_rng(0)
    y = np.array(["no"] * 80 + ["yes"] * 20)
    X = rng.normal(size=(100, 3)) + (y == "yes")[:, None] * 2
    report = imbalance_report(y, X)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["counts"] == {"no": 80, "yes": 20}
    assert data["severity"] == "moderate"
    assert sum(data["typology"]["yes"].values()) == 20
    frame = report.to_frame()
    assert list(frame.index) == ["no", "yes"]
    assert list(frame.columns) == [
        "count",
        "share",
        "min_train_count",
        "min_test_count",
        "safe",
        "borderline",
        "rare",
        "outlier",
    ]
    assert np.isnan(frame.loc["no", "safe"])
    text = report.to_text()
    assert text == str(report)
    assert "Imbalance ratio 4.0:1 (majority no, minority yes): moderate" in text
    assert "Typology of the non-majority classes" in text
    assert "Recommendations:" in text


def test_pandas_input():
    """Check that a DataFrame and a Series are accepted."""
    X = pd.DataFrame({"a": np.arange(40.0), "b": np.zeros(40)})
    y = pd.Series([0] * 30 + [1] * 10, name="target")
    report = imbalance_report(y, X)
    assert isinstance(report, ImbalanceReport)
    assert report.counts == {0: 30, 1: 10}


def test_mild_and_extreme_recommendations():
    """Check the severity advice at both ends of the scale."""
    mild = imbalance_report(labels([60, 40]))
    assert "mild: resampling is rarely needed" in mild.recommendations[0]
    extreme = imbalance_report(labels([2020, 20]), cv=2)
    assert extreme.severity == "extreme"
    assert "anomaly detection" in extreme.recommendations[0]


@pytest.mark.parametrize(
    ("y", "X", "cv", "match"),
    [
        ([1, 1, 1], None, None, r"at least 2 classes in y; got only 1\."),
        ([0.5, 1.5, 2.5], None, None, "needs class labels .* 'continuous'"),
        ([0, 1, 0, 1], np.zeros((3, 2)), None, "X has 3 samples but y has 4"),
        ([0, 1], [["a"], ["b"]], None, "needs numeric, finite X"),
        ([0, 0, 1, 1], None, 5, r"cannot split this y"),
    ],
)
def test_errors(y, X, cv, match):
    """Check the messages for bad y, X and cv."""
    with pytest.raises(ValueError, match=match):
        imbalance_report(y, X, cv)


def test_parameter_validation():
    """Check that a bad n_neighbors names the parameter."""
    with pytest.raises(InvalidParameterError, match="'n_neighbors' parameter"):
        imbalance_report([0, 1], n_neighbors=0)


@settings(max_examples=15)
@given(data=imbalanced_datasets(n_classes=(2, 3), ties=True, duplicates=True))
def test_typology_counts_every_neighbour_tied_with_the_kth(data):
    """Check the typology on data with ties against a brute force: the share of
    the row's class among every row as close as its 5th nearest."""
    X, y = data
    X = X.astype(np.float64)
    report = imbalance_report(y, X, cv=2)
    if len(y) <= 5:
        return
    sq = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(sq, np.inf)
    inside = sq <= np.sort(sq, axis=1)[:, 4:5]
    for klass, types in report.typology.items():
        rows = np.flatnonzero(y == klass)
        share = [np.mean(y[inside[i]] == klass) for i in rows]
        expected = _types(np.array(share)).tolist()
        assert types == {name: expected.count(name) for name in types}


@settings(max_examples=15)
@given(
    data=imbalanced_datasets(n_classes=(2, 3), ties=True, duplicates=True),
    seed=st.integers(0, 2**16),
)
def test_typology_does_not_depend_on_row_order(data, seed):
    """Check that permuting the rows gives the same typology."""
    X, y = data
    order = np.random.default_rng(seed).permutation(len(y))
    first = imbalance_report(y, X, cv=2).typology
    assert imbalance_report(y[order], X[order], cv=2).typology == first


def test_typology_of_rows_with_tied_neighbours():
    """Check minority rows whose 5th neighbour ties with more rows.

    Row 0 has the two other minority rows at distance 1, then six majority
    rows at distance 2: all eight count, 2 of 8 of its class (0.25): rare;
    rows 1 and 2 similarly see 2 of 6 and 2 of 7. The lower-index rule
    counted 2 of 5 for rows 0 and 1 (borderline) in this order of the rows.
    """
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 2.0],
                  [-2.0, 0.0], [0.0, -2.0], [2.0, 0.0], [-2.0, 0.0],
                  [9.0, 9.0], [9.0, 9.5], [9.5, 9.0], [9.5, 9.5]])  # fmt: skip
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    report = imbalance_report(y, X, cv=2)
    assert report.typology == {1: {"safe": 0, "borderline": 0, "rare": 3, "outlier": 0}}
