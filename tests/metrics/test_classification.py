"""Tests of the imbalanced classification metrics: agreement with
imbalanced-learn and scikit-learn on random inputs, and the error messages."""

import warnings

import imblearn.metrics as imb
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, precision_score, recall_score

from imbestimators.metrics import (
    expected_cost,
    geometric_mean_score,
    index_balanced_accuracy,
    macro_averaged_mean_absolute_error,
    make_index_balanced_accuracy,
    sensitivity_score,
    sensitivity_specificity_support,
    specificity_score,
)
from imbestimators.utils._param_validation import InvalidParameterError

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.UndefinedMetricWarning",
    "ignore:pos_label.*is ignored:UserWarning",
)


@st.composite
def predictions(draw, n_classes=(2, 4), weighted=False):
    """(y_true, y_pred, sample_weight): int or str labels, any agreement."""
    k = draw(st.integers(*n_classes))
    labels = draw(
        st.sampled_from(
            [list(range(k)), [f"c{i}" for i in range(k)], [-3, 1, 7, 9][:k]]
        )
    )
    n = draw(st.integers(1, 60))
    label = st.sampled_from(labels)
    y_true = np.array(draw(st.lists(label, min_size=n, max_size=n)))
    y_pred = np.array(draw(st.lists(label, min_size=n, max_size=n)))
    weight = None
    if weighted:
        weight = np.array(draw(st.lists(st.floats(0.1, 10), min_size=n, max_size=n)))
    return y_true, y_pred, weight


def _pos_label(data, y_true, y_pred):
    present = np.unique(np.concatenate([y_true, y_pred])).tolist()
    assume(len(present) <= 2)
    return data.draw(st.sampled_from(present))


def assert_same(ours, theirs):
    """Exactly equal values, scalars or arrays."""
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


@given(data=st.data())
def test_sensitivity_equals_imblearn_and_recall(data):
    """Check sensitivity_score == imblearn's and sklearn's recall, every average."""
    y_true, y_pred, _ = data.draw(predictions())
    for average in ("micro", "macro", "weighted", None):
        ours = sensitivity_score(y_true, y_pred, average=average)
        assert_same(ours, imb.sensitivity_score(y_true, y_pred, average=average))
        assert_same(ours, recall_score(y_true, y_pred, average=average))
    pos_label = _pos_label(data, y_true, y_pred)
    assert_same(
        sensitivity_score(y_true, y_pred, pos_label=pos_label),
        imb.sensitivity_score(y_true, y_pred, pos_label=pos_label),
    )


@given(data=st.data())
def test_specificity_equals_imblearn(data):
    """Check specificity_score == imblearn's, every average (no weights)."""
    y_true, y_pred, _ = data.draw(predictions())
    for average in ("micro", "macro", "weighted", None):
        assert_same(
            specificity_score(y_true, y_pred, average=average),
            imb.specificity_score(y_true, y_pred, average=average),
        )
    pos_label = _pos_label(data, y_true, y_pred)
    assert_same(
        specificity_score(y_true, y_pred, pos_label=pos_label),
        imb.specificity_score(y_true, y_pred, pos_label=pos_label),
    )


@given(data=st.data())
def test_weighted_specificity_is_recall_of_the_rest(data):
    """Check that with weights each class's specificity is the weighted recall
    of 'not this class' (scikit-learn), every count weighted."""
    y_true, y_pred, weight = data.draw(predictions(weighted=True))
    labels = np.unique(np.concatenate([y_true, y_pred]))
    ours = specificity_score(
        y_true, y_pred, labels=labels, average=None, sample_weight=weight
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [
            recall_score(y_true != c, y_pred != c, sample_weight=weight) for c in labels
        ]
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


def test_weighted_specificity_weights_true_negatives():
    """Check a hand-computed weighted specificity: TN 2, FP 1 -> 2/3.

    imbalanced-learn 0.14 gives 0.5 here: it subtracts weighted counts from the
    unweighted number of samples to get the true negatives.
    """
    y_true, y_pred = [0, 0, 1, 1], [0, 1, 1, 1]
    weight = [2.0, 1.0, 1.0, 1.0]
    assert specificity_score(y_true, y_pred, sample_weight=weight) == 2 / 3


@given(data=st.data(), correction=st.sampled_from([0.0, 0.001, 0.5]))
def test_geometric_mean_equals_imblearn(data, correction):
    """Check geometric_mean_score == imblearn's for every average."""
    y_true, y_pred, _ = data.draw(predictions())
    assert_same(
        geometric_mean_score(y_true, y_pred, correction=correction),
        imb.geometric_mean_score(y_true, y_pred, correction=correction),
    )
    for average in ("micro", "macro", "weighted", None):
        assert_same(
            geometric_mean_score(y_true, y_pred, average=average),
            imb.geometric_mean_score(y_true, y_pred, average=average),
        )


@given(data=st.data())
def test_geometric_mean_weighted_equals_imblearn(data):
    """Check the default (multiclass) G-mean with sample weights == imblearn's."""
    y_true, y_pred, weight = data.draw(predictions(weighted=True))
    np.testing.assert_allclose(
        geometric_mean_score(y_true, y_pred, sample_weight=weight),
        imb.geometric_mean_score(y_true, y_pred, sample_weight=weight),
        rtol=1e-12,
    )


def test_geometric_mean_is_zero_when_a_class_is_missed():
    """Check the point of the G-mean: 99% accuracy, minority never found -> 0."""
    y_true = [0] * 99 + [1]
    y_pred = [0] * 100
    assert geometric_mean_score(y_true, y_pred) == 0.0
    assert geometric_mean_score(y_true, y_pred, correction=0.01) == pytest.approx(0.1)


@given(
    data=st.data(),
    alpha=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    squared=st.booleans(),
)
def test_iba_equals_imblearn_binary_and_per_class(data, alpha, squared):
    """Check index_balanced_accuracy == imblearn's decorated G-mean (binary, None)."""
    y_true, y_pred, _ = data.draw(predictions())
    iba = imb.make_index_balanced_accuracy(alpha=alpha, squared=squared)(
        imb.geometric_mean_score
    )
    per_class = index_balanced_accuracy(
        y_true, y_pred, alpha=alpha, squared=squared, average=None
    )
    assert_same(per_class, iba(y_true, y_pred, average=None))
    assert index_balanced_accuracy(
        y_true, y_pred, alpha=alpha, squared=squared, average="macro"
    ) == pytest.approx(np.mean(per_class), rel=1e-12)
    pos_label = _pos_label(data, y_true, y_pred)
    assert_same(
        index_balanced_accuracy(
            y_true, y_pred, alpha=alpha, squared=squared, pos_label=pos_label
        ),
        iba(y_true, y_pred, average="binary", pos_label=pos_label),
    )


def test_iba_by_hand():
    """Check the formula on a hand-computed case: (1 + 0.1 (0.5 - 0.75)) 0.375."""
    y_true = [0, 0, 0, 0, 1, 1]
    y_pred = [0, 0, 0, 1, 1, 0]
    assert index_balanced_accuracy(y_true, y_pred) == pytest.approx(0.975 * 0.375)
    assert index_balanced_accuracy(y_true, y_pred, squared=False) == pytest.approx(
        0.975 * np.sqrt(0.375)
    )


@given(data=st.data())
def test_expected_cost_equals_a_loop_over_samples(data):
    """Check expected_cost against the sum of per-sample costs."""
    y_true, y_pred, weight = data.draw(predictions(weighted=True))
    labels = np.unique(np.concatenate([y_true, y_pred]))
    k = len(labels)
    cost = np.array(
        data.draw(st.lists(st.integers(0, 20), min_size=k * k, max_size=k * k)),
        dtype=float,
    ).reshape(k, k)
    where = {label: i for i, label in enumerate(labels.tolist())}
    per_sample = np.array(
        [cost[where[t], where[p]] for t, p in zip(y_true.tolist(), y_pred.tolist())]
    )
    total = expected_cost(
        y_true, y_pred, cost_matrix=cost, sample_weight=weight, normalize=False
    )
    assert total == pytest.approx((per_sample * weight).sum(), rel=1e-12)
    assert expected_cost(
        y_true, y_pred, cost_matrix=cost, sample_weight=weight
    ) == pytest.approx((per_sample * weight).sum() / weight.sum(), rel=1e-12)


@given(data=st.data(), fp=st.integers(0, 10), fn=st.integers(0, 10))
def test_expected_cost_fp_fn_equals_cost_matrix(data, fp, fn):
    """Check that fp_cost/fn_cost is the cost matrix [[0, fp], [fn, 0]]."""
    y_true, y_pred, _ = data.draw(predictions(n_classes=(2, 2)))
    labels = np.unique(np.concatenate([y_true, y_pred]))
    assume(len(labels) == 2)
    negative, positive = labels.tolist()
    matrix = expected_cost(
        y_true, y_pred, cost_matrix=[[0, fp], [fn, 0]], labels=[negative, positive]
    )
    pair = expected_cost(y_true, y_pred, fp_cost=fp, fn_cost=fn, pos_label=positive)
    assert pair == pytest.approx(matrix, rel=1e-12)


def test_expected_cost_labels_for_a_fold_missing_a_class():
    """Check that labels= fixes the matrix rows when a class is absent."""
    cost = [[0, 1, 2], [5, 0, 1], [9, 9, 0]]
    value = expected_cost([0, 0, 1], [0, 1, 0], cost_matrix=cost, labels=[0, 1, 2])
    assert value == pytest.approx((1 + 5) / 3)
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*Pass labels="):
        expected_cost([0, 0, 1], [0, 1, 0], cost_matrix=cost)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "expected_cost needs costs: give cost_matrix, or both fp_cost"),
        ({"fp_cost": 1.0}, "expected_cost needs costs"),
        (
            {"cost_matrix": [[0, 1], [1, 0]], "fp_cost": 1.0},
            "either cost_matrix or fp_cost and fn_cost, not both",
        ),
        ({"cost_matrix": [[0, 1], [1, np.inf]]}, "finite numbers"),
        ({"cost_matrix": [["a", 1], [1, 0]]}, "square array of numbers"),
        (
            {"cost_matrix": [[0, 1], [1, 0]], "labels": [0, 5]},
            r"labels that are not in labels: \[1\]",
        ),
        ({"fp_cost": 1, "fn_cost": 1, "pos_label": 3}, "pos_label=3 is not a valid"),
    ],
)
def test_expected_cost_errors(kwargs, match):
    """Check the messages of expected_cost's argument errors."""
    with pytest.raises((ValueError, TypeError), match=match):
        expected_cost([0, 1, 1], [0, 0, 1], **kwargs)


def test_expected_cost_fp_fn_multiclass_error():
    """Check that fp/fn costs refuse a multiclass target."""
    with pytest.raises(ValueError, match="y has 3 classes, give a cost_matrix"):
        expected_cost([0, 1, 2], [0, 1, 1], fp_cost=1, fn_cost=1)


@pytest.mark.parametrize(
    "metric", [sensitivity_score, specificity_score, index_balanced_accuracy]
)
def test_binary_average_errors(metric):
    """Check the messages for average='binary' on multiclass and a bad pos_label."""
    with pytest.raises(ValueError, match="Target is multiclass but average='binary'"):
        metric([0, 1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match=r"pos_label='x' is not a valid label"):
        metric([0, 1, 1], [0, 1, 0], pos_label="x")


def test_targets_must_be_binary_or_multiclass():
    """Check the message for multilabel and continuous targets."""
    with pytest.raises(ValueError, match="support binary and multiclass targets"):
        sensitivity_score([0.5, 1.5, 2.5], [0.5, 1.5, 2.5], average="macro")
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        specificity_score([0, 1, 1], [0, 1])


def test_parameter_validation_names_the_parameter():
    """Check that @validate_params rejects a bad average and a negative alpha."""
    with pytest.raises(InvalidParameterError, match="'average' parameter of sens"):
        sensitivity_score([0, 1], [0, 1], average="mean")
    with pytest.raises(InvalidParameterError, match="'alpha' parameter"):
        index_balanced_accuracy([0, 1], [0, 1], alpha=-1)
    with pytest.raises(InvalidParameterError, match="'correction' parameter"):
        geometric_mean_score([0, 1], [0, 1], correction=-0.1)


def test_pos_label_ignored_warning():
    """Check the warning when pos_label is set with a non-binary average."""
    with pytest.warns(UserWarning, match="pos_label=0 is ignored"):
        sensitivity_score([0, 1], [0, 1], pos_label=0, average="macro")


def test_support_and_zero_division_warning():
    """Check the support counts and the warning for a class never true."""
    with pytest.warns(UserWarning, match="Sensitivity is ill-defined"):
        sen, spe, sup = sensitivity_specificity_support(
            [0, 0, 1], [0, 2, 1], average=None
        )
    assert sup.tolist() == [2, 1, 0]
    assert sen.tolist() == [0.5, 1.0, 0.0]
    assert spe.tolist() == [1.0, 1.0, 2 / 3]


@st.composite
def ordinal_predictions(draw):
    """(y_true, y_pred, sample_weight) of ordinal labels; y_pred within y_true's."""
    k = draw(st.integers(1, 5))
    labels = draw(st.sampled_from([list(range(k)), [-2.0, 0.0, 1.0, 4.0, 9.0][:k]]))
    n = draw(st.integers(1, 60))
    y_true = np.array(draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n)))
    # imbalanced-learn raises on a label that only y_pred holds
    y_pred = np.array(
        draw(st.lists(st.sampled_from(sorted(set(y_true))), min_size=n, max_size=n))
    )
    weight = draw(
        st.none() | st.lists(st.floats(0.1, 10), min_size=n, max_size=n).map(np.array)
    )
    return y_true, y_pred, weight


@given(data=ordinal_predictions())
def test_macro_mae_equals_imblearn(data):
    """Check macro_averaged_mean_absolute_error == imblearn's, with weights."""
    y_true, y_pred, weight = data
    ours = macro_averaged_mean_absolute_error(y_true, y_pred, sample_weight=weight)
    theirs = imb.macro_averaged_mean_absolute_error(
        y_true, y_pred, sample_weight=weight
    )
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_macro_mae_by_hand_and_label_only_predicted():
    """Check the mean over true classes; a label only predicted adds no class."""
    # class 1: errors [0, 3] -> 1.5; class 2: errors [0, 0, 1] -> 1/3
    y_true = [1, 1, 2, 2, 2]
    y_pred = [1, 4, 2, 2, 1]
    assert macro_averaged_mean_absolute_error(y_true, y_pred) == pytest.approx(
        (1.5 + 1 / 3) / 2
    )
    weighted = macro_averaged_mean_absolute_error(
        y_true, y_pred, sample_weight=[1, 3, 1, 1, 2]
    )
    assert weighted == pytest.approx((9 / 4 + 2 / 4) / 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"y_true": ["a", "b"], "y_pred": ["a", "b"]},
            TypeError,
            "ordinal labels that are numbers; y_true has dtype",
        ),
        (
            {"y_true": [0, 0, 1], "y_pred": [0, 1, 1], "sample_weight": [1, 1, 0]},
            ValueError,
            r"sample_weight sums to 0 over the rows of class \[1\]",
        ),
        (
            {"y_true": [0, 1], "y_pred": [0.5, 1.0]},
            ValueError,
            "binary and multiclass",
        ),
    ],
)
def test_macro_mae_errors(kwargs, error, match):
    """Check the errors for labels that are not ordinal numbers and empty classes."""
    with pytest.raises(error, match=match):
        macro_averaged_mean_absolute_error(**kwargs)


@given(
    data=st.data(),
    alpha=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    squared=st.booleans(),
    average=st.sampled_from([None, "binary", "micro", "multiclass"]),
)
def test_make_iba_equals_imblearn(data, alpha, squared, average):
    """Check our decorator == imblearn's on G-mean, where the docs say they agree."""
    # unweighted: imbalanced-learn leaves true negatives unweighted (a
    # documented difference, covered by the weighted test below)
    y_true, y_pred, _ = data.draw(predictions())
    kwargs = {"average": average}
    if average == "binary":
        kwargs["pos_label"] = _pos_label(data, y_true, y_pred)
    ours = make_index_balanced_accuracy(alpha=alpha, squared=squared)
    theirs = imb.make_index_balanced_accuracy(alpha=alpha, squared=squared)
    np.testing.assert_allclose(
        ours(geometric_mean_score)(y_true, y_pred, **kwargs),
        theirs(imb.geometric_mean_score)(y_true, y_pred, **kwargs),
        rtol=1e-12,
        atol=1e-15,
    )


@given(
    data=st.data(),
    alpha=st.sampled_from([0.0, 0.1, 0.5]),
    squared=st.booleans(),
    average=st.sampled_from([None, "binary", "micro", "macro", "weighted"]),
)
def test_make_iba_of_gmean_is_index_balanced_accuracy(data, alpha, squared, average):
    """Check decorated G-mean == index_balanced_accuracy for every average."""
    y_true, y_pred, weight = data.draw(predictions(weighted=True))
    kwargs = {"average": average, "sample_weight": weight}
    if average == "binary":
        kwargs["pos_label"] = _pos_label(data, y_true, y_pred)
    decorated = make_index_balanced_accuracy(alpha=alpha, squared=squared)(
        geometric_mean_score
    )
    np.testing.assert_allclose(
        decorated(y_true, y_pred, **kwargs),
        index_balanced_accuracy(y_true, y_pred, alpha=alpha, squared=squared, **kwargs),
        rtol=1e-12,
        atol=1e-15,
    )


@given(data=st.data(), average=st.sampled_from([None, "binary", "micro"]))
def test_make_iba_of_other_metrics_equals_imblearn(data, average):
    """Check the decorator on scikit-learn's recall and precision == imblearn's."""
    y_true, y_pred, _ = data.draw(predictions())
    kwargs = {"average": average, "zero_division": 0}
    if average == "binary":
        kwargs["pos_label"] = _pos_label(data, y_true, y_pred)
    for metric in (recall_score, precision_score):
        np.testing.assert_allclose(
            make_index_balanced_accuracy()(metric)(y_true, y_pred, **kwargs),
            imb.make_index_balanced_accuracy()(metric)(y_true, y_pred, **kwargs),
            rtol=1e-12,
        )


def test_make_iba_macro_averages_per_class_iba():
    """Check macro = mean of per-class IBA (imblearn's dominance would be 0 here)."""
    y_true = [0, 0, 0, 0, 1, 1]
    y_pred = [0, 0, 0, 1, 1, 0]
    iba = make_index_balanced_accuracy(alpha=0.5)(recall_score)
    per_class = iba(y_true, y_pred, average=None)
    # recall 0.75 and 0.5, dominance +0.25 and -0.25
    np.testing.assert_allclose(per_class, [1.125 * 0.5625, 0.875 * 0.25])
    assert iba(y_true, y_pred, average="macro") == pytest.approx(per_class.mean())
    assert iba.__name__ == "recall_score"


def test_make_iba_errors():
    """Check that score metrics and a negative alpha are refused, naming them."""
    with pytest.raises(TypeError, match="average_precision_score takes"):
        make_index_balanced_accuracy()(average_precision_score)
    with pytest.raises(InvalidParameterError, match="'alpha' parameter of make_"):
        make_index_balanced_accuracy(alpha=-0.1)
    with pytest.raises(InvalidParameterError, match="'squared' parameter"):
        make_index_balanced_accuracy(squared="yes")


@pytest.mark.parametrize(
    "warn_for",
    [("sensitivity", "specificity"), ("sensitivity",), {"specificity"}, ()],
)
def test_warn_for_selects_the_metrics_that_warn(warn_for):
    """imbalanced-learn's ``warn_for``: only the listed ill-defined metrics warn.

    Every true label is 0: the sensitivity of classes 1 and 2 (no true
    sample) and the specificity of class 0 (no negative sample) are
    ill-defined.
    """
    from sklearn.exceptions import UndefinedMetricWarning

    y_true, y_pred = [0, 0, 0, 0], [0, 1, 1, 2]
    ours, theirs = [], []
    for function, record in [
        (sensitivity_specificity_support, ours),
        (imb.sensitivity_specificity_support, theirs),
    ]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UndefinedMetricWarning)
            function(y_true, y_pred, labels=[0, 1, 2], warn_for=warn_for)
        record.extend(
            str(w.message).split()[0]
            for w in caught
            if issubclass(w.category, UndefinedMetricWarning)
        )
    assert sorted(set(ours)) == sorted(set(theirs))
    assert {name.lower() for name in ours} == set(warn_for)


def test_warn_for_unknown_metric_is_refused():
    with pytest.raises(ValueError, match=r"warn_for must hold.*'recall'"):
        sensitivity_specificity_support([0, 1], [0, 1], warn_for=("recall",))
