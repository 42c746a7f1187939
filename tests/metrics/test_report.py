"""Tests of imbalanced_classification_report."""

import inspect

import imblearn.metrics as imb
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imbestimators.metrics import (
    classification_report_imbalanced,
    imbalanced_classification_report,
)
from imbestimators.utils._param_validation import InvalidParameterError

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.UndefinedMetricWarning"
)

# our key -> imbalanced-learn's key
IMBLEARN_KEYS = {
    "precision": "pre",
    "recall": "rec",
    "specificity": "spe",
    "f1-score": "f1",
    "geometric-mean": "geo",
    "iba": "iba",
    "support": "sup",
}


@st.composite
def predictions(draw):
    k = draw(st.integers(2, 4))
    labels = draw(st.sampled_from([list(range(k)), [f"class {i}" for i in range(k)]]))
    n = draw(st.integers(1, 50))
    label = st.sampled_from(labels)
    y_true = np.array(draw(st.lists(label, min_size=n, max_size=n)))
    y_pred = np.array(draw(st.lists(label, min_size=n, max_size=n)))
    return y_true, y_pred


@given(data=predictions(), alpha=st.sampled_from([0.1, 0.5]))
def test_report_equals_imblearn(data, alpha):
    """Check every per-class value and the weighted average against imblearn."""
    y_true, y_pred = data
    ours = imbalanced_classification_report(
        y_true, y_pred, alpha=alpha, output_dict=True, zero_division=0.0
    )
    theirs = imb.classification_report_imbalanced(
        y_true, y_pred, alpha=alpha, output_dict=True, zero_division=0
    )
    for name in {str(v) for v in np.unique(np.concatenate([y_true, y_pred]))}:
        for key, their_key in IMBLEARN_KEYS.items():
            assert ours[name][key] == theirs[name][their_key], (name, key)
    for key, their_key in IMBLEARN_KEYS.items():
        if key == "support":
            assert ours["weighted avg"]["support"] == theirs["total_support"]
        else:
            assert ours["weighted avg"][key] == pytest.approx(
                theirs[f"avg_{their_key}"], rel=1e-12, abs=1e-15
            )


def test_report_macro_row_is_the_unweighted_mean():
    """Check that the macro row averages classes equally."""
    y_true = [0] * 8 + [1] * 2
    y_pred = [0] * 7 + [1] * 3
    report = imbalanced_classification_report(y_true, y_pred, output_dict=True)
    for key in ("precision", "recall", "specificity", "geometric-mean", "iba"):
        assert report["macro avg"][key] == pytest.approx(
            (report["0"][key] + report["1"][key]) / 2
        )
    assert report["macro avg"]["support"] == 10
    assert report["1"]["recall"] == 1.0
    assert report["1"]["specificity"] == 7 / 8


def test_report_text_layout():
    """Check the text: header, one line per class and two average rows."""
    text = imbalanced_classification_report(
        [0, 0, 1], [0, 1, 1], target_names=["neg", "pos"], digits=3
    )
    lines = text.splitlines()
    assert lines[0].split() == [
        "precision",
        "recall",
        "specificity",
        "f1-score",
        "g-mean",
        "iba",
        "support",
    ]
    assert lines[2].split()[0] == "neg"
    assert lines[2].split()[1] == "1.000"
    assert lines[3].split()[0] == "pos"
    assert lines[-2].startswith("   macro avg")
    assert lines[-1].startswith("weighted avg")
    assert lines[-1].split()[-1] == "3"


def test_report_labels_and_sample_weight():
    """Check labels= restricts the rows and weights count in support."""
    report = imbalanced_classification_report(
        [0, 1, 2, 2],
        [0, 1, 2, 1],
        labels=[1, 2],
        sample_weight=[1.0, 2.0, 3.0, 0.5],
        output_dict=True,
    )
    assert set(report) == {"1", "2", "macro avg", "weighted avg"}
    assert report["2"]["support"] == 3.5
    assert report["2"]["recall"] == pytest.approx(3 / 3.5)


def test_report_target_names_length_error():
    """Check the message when target_names does not match labels."""
    with pytest.raises(ValueError, match="one name per label: 2 labels but 3 names"):
        imbalanced_classification_report([0, 1], [0, 1], target_names=["a", "b", "c"])


def test_classification_report_imbalanced_has_imblearns_signature():
    """Check the twin takes imbalanced-learn's parameters, names and defaults."""
    ours = inspect.signature(classification_report_imbalanced).parameters
    theirs = inspect.signature(imb.classification_report_imbalanced).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]


@given(
    data=predictions(),
    alpha=st.sampled_from([0.1, 0.5]),
    digits=st.integers(0, 5),
    zero_division=st.sampled_from(["warn", 0, 1]),
    named=st.booleans(),
)
def test_classification_report_imbalanced_equals_imblearn(
    data, alpha, digits, zero_division, named
):
    """Check the same text and dict (keys and values) as imbalanced-learn's."""
    y_true, y_pred = data
    labels = np.unique(np.concatenate([y_true, y_pred]))
    kwargs = {"alpha": alpha, "digits": digits, "zero_division": zero_division}
    if named:
        kwargs["target_names"] = [f"name of {label}" for label in labels]
    ours = classification_report_imbalanced(y_true, y_pred, **kwargs)
    theirs = imb.classification_report_imbalanced(y_true, y_pred, **kwargs)
    assert ours == theirs
    ours = classification_report_imbalanced(y_true, y_pred, output_dict=True, **kwargs)
    theirs = imb.classification_report_imbalanced(
        y_true, y_pred, output_dict=True, **kwargs
    )
    assert list(ours) == list(theirs)
    for key, value in theirs.items():
        if isinstance(value, dict):
            assert ours[key] == value, key
        else:
            assert ours[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key


def test_classification_report_imbalanced_labels_and_errors():
    """Check labels= selects the rows, and bad parameters are named."""
    report = classification_report_imbalanced(
        [0, 1, 2, 2], [0, 1, 2, 1], labels=[1, 2], output_dict=True
    )
    assert set(report) - {"1", "2"} == {
        "avg_pre",
        "avg_rec",
        "avg_spe",
        "avg_f1",
        "avg_geo",
        "avg_iba",
        "total_support",
    }
    assert report["total_support"] == 3
    with pytest.raises(InvalidParameterError, match="'digits' parameter of class"):
        classification_report_imbalanced([0, 1], [0, 1], digits=-1)
    with pytest.raises(ValueError, match="one name per label"):
        classification_report_imbalanced([0, 1], [0, 1], target_names=["a"])
