"""Tests of the property checks: our samplers and imbalanced-learn's pass them,
deliberately broken samplers fail them."""

import re

import imblearn.over_sampling as imb_over
import imblearn.under_sampling as imb_under
import numpy as np
import pytest
from hypothesis.errors import Unsatisfiable
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from imbestimators import combine, over_sampling, under_sampling
from imbestimators.base import BaseOverSampler
from imbestimators.combine import SMOTEENN, SMOTETomek
from imbestimators.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTENC,
    BorderlineSMOTE,
    RandomOverSampler,
)
from imbestimators.testing import (
    DEGENERATE_CASES,
    Case,
    check_class_counts,
    check_dtype_kept,
    check_input_not_modified,
    check_pandas_in_pandas_out,
    check_same_random_state_same_output,
    check_sample_indices,
    check_sampler_properties,
    check_untargeted_classes_untouched,
    parametrize_with_property_checks,
)
from imbestimators.testing._checks import _Context, _min_class_size
from imbestimators.under_sampling import (
    ClusterCentroids,
    InstanceHardnessThreshold,
    NearMiss,
    RandomUnderSampler,
)

SUBPACKAGES = (over_sampling, under_sampling, combine)
# how each sampler is checked: small neighbourhoods and fast inner estimators
# keep the suite in seconds; a sampler not listed runs with its defaults
CONFIGURED = {
    "RandomOverSampler": [RandomOverSampler(), RandomOverSampler(shrinkage=0.5)],
    "SMOTE": [SMOTE(k_neighbors=3)],
    "BorderlineSMOTE": [BorderlineSMOTE(k_neighbors=3, m_neighbors=5)],
    "ADASYN": [ADASYN(n_neighbors=3)],
    "SMOTENC": [SMOTENC(categorical_features=[0], k_neighbors=3)],
    "NearMiss": [NearMiss(version=1), NearMiss(version=2), NearMiss(version=3)],
    "ClusterCentroids": [ClusterCentroids(estimator=KMeans(n_init=1, random_state=0))],
    "InstanceHardnessThreshold": [
        InstanceHardnessThreshold(
            estimator=DecisionTreeClassifier(max_depth=3, random_state=0), cv=3
        )
    ],
    # the default SMOTE step: sampling_strategy applies to it (a user's SMOTE
    # step keeps its own strategy, and the combination's is ignored)
    "SMOTEENN": [SMOTEENN()],
    "SMOTETomek": [SMOTETomek()],
}
# every sampler of ours, from the subpackages' __all__
OUR_SAMPLERS = [
    sampler
    for module in SUBPACKAGES
    for name in module.__all__
    for sampler in (
        CONFIGURED[name] if name in CONFIGURED else [getattr(module, name)()]
    )
]
IMBLEARN_SAMPLERS = [
    imb_over.RandomOverSampler(),
    imb_over.SMOTE(k_neighbors=3),
    imb_over.ADASYN(n_neighbors=3),
    imb_under.RandomUnderSampler(),
    imb_under.NearMiss(),
    imb_under.EditedNearestNeighbours(),
    imb_under.TomekLinks(),
]

# imbalanced-learn's ADASYN raises when no row of a class has a neighbour of
# another class (0/0 weights) and when its rounding leaves nothing to generate;
# ours falls back to uniform weights and must pass without this allowance
IMBLEARN_ADASYN_UNDEFINED = [
    "Not any neigbours belong to the majority class",
    "No samples will be generated with the provided ratio settings",
]

EXPECTED_FAILED = {
    "RandomOverSampler(shrinkage)": {
        "check_sample_indices": (
            "with shrinkage, sample_indices_ names the row each output row was "
            "perturbed from (imbalanced-learn's meaning): the output is "
            "X[sample_indices_] plus Gaussian noise"
        ),
    },
    "NearMiss(version=3)": {
        "check_class_counts": (
            "NearMiss-3 keeps only rows that are among some minority row's "
            "neighbours, which can be fewer than asked, as in imbalanced-learn"
        ),
        "check_shuffled_rows_same_counts": (
            "with equally small classes, the minority is the one seen first in y "
            "(imbalanced-learn's rule), so shuffling the rows can change which "
            "class NearMiss-3 keeps the neighbours of, and their number"
        ),
    },
}
EXPECTED_FAILED |= {
    "imblearn.ADASYN": dict.fromkeys(
        ["check_class_counts", "check_shuffled_rows_same_counts"],
        "imbalanced-learn's ADASYN rounds each row's share of the new rows "
        "separately, so the class total differs from sampling_strategy_ by a few "
        "rows (ours distributes the exact total)",
    ),
}


# -- degenerate inputs: each failing (sampler, case) listed, strict ------------------
def _degenerate(case):
    return f"check_sampler_degenerate_inputs[{case}]"


# the degenerate cases where a rule that cannot reach the asked count shows it
# (with identical rows or one point per class there is nothing to resample)
SHORT_OF_THE_COUNT_CASES = [
    case
    for case in DEGENERATE_CASES
    if case not in ("identical_rows", "one_point_per_class")
]
EXPECTED_FAILED["imblearn.ADASYN"].update(
    {
        _degenerate(case): "imbalanced-learn's ADASYN rounds each row's share "
        "(see check_class_counts)"
        for case in SHORT_OF_THE_COUNT_CASES
    }
)
EXPECTED_FAILED["imblearn.SMOTE"] = {
    _degenerate("nullable_pandas"): (
        "imbalanced-learn's SMOTE raises 'cannot safely cast non-equivalent "
        "float64 to int64' on a pandas Int64 column"
    )
}
EXPECTED_FAILED["NearMiss(version=3)"].update(
    {
        _degenerate(case): (
            "by design, as in imbalanced-learn: NearMiss-3 keeps only rows among "
            "the minority's neighbours, fewer than asked here (it warns)"
        )
        for case in SHORT_OF_THE_COUNT_CASES
    }
)


def _key(sampler):
    name = type(sampler).__name__
    if type(sampler).__module__.startswith("imblearn"):
        return f"imblearn.{name}"
    if name == "RandomOverSampler" and sampler.shrinkage is not None:
        return "RandomOverSampler(shrinkage)"
    if name == "NearMiss":
        return f"NearMiss(version={sampler.version})"
    return name


def expected_failed_checks(sampler):
    return EXPECTED_FAILED.get(_key(sampler), {})


def check_options(sampler):
    options = {"max_examples": 5}
    if _key(sampler) == "imblearn.ADASYN":
        options["accept_errors"] = IMBLEARN_ADASYN_UNDEFINED
    if isinstance(sampler, SMOTENC):
        # column 0 is categorical: at least one numerical column must remain
        options["dataset_params"] = {"n_features": (2, 4)}
    if isinstance(sampler, (SMOTEENN, SMOTETomek)):
        # over-sampling, then cleaning of every class; the default SMOTE step
        # has k_neighbors=5, which the combination's parameters do not show
        options["kind"] = "combined"
        options["dataset_params"] = {"class_size": (6, 30)}
    return options


@parametrize_with_property_checks(
    OUR_SAMPLERS, expected_failed_checks=expected_failed_checks, options=check_options
)
def test_our_samplers_have_the_properties(sampler, check):
    """Check that our samplers pass the property checks."""
    check(sampler)


@pytest.mark.slow
@parametrize_with_property_checks(
    IMBLEARN_SAMPLERS,
    expected_failed_checks=expected_failed_checks,
    options=check_options,
)
def test_imblearn_samplers_have_the_properties(sampler, check):
    """Check that imbalanced-learn's samplers pass them too: the properties are
    the shared contract, not our implementation's quirks."""
    check(sampler)


# -- deliberately broken samplers: the checks must find their bugs -----------------
class DropsLastRow(RandomOverSampler):
    """Loses the last output row (an off-by-one)."""

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        return X_res[:-1], y_res[:-1]


class IgnoresRandomState(BaseOverSampler):
    """Draws from NumPy's global generator instead of ``random_state``."""

    def __init__(self, *, sampling_strategy="auto", random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _fit_resample(self, X, y):
        # the bug this sampler demonstrates: NumPy's global generator
        drawn = [
            np.random.choice(np.flatnonzero(y == klass), size=n_new)  # noqa: NPY002
            for klass, n_new in self.sampling_strategy_.items()
        ]
        indices = np.concatenate([np.arange(len(y)), *drawn]).astype(np.intp)
        return X[indices], y[indices]


class CentresInPlace(RandomOverSampler):
    """Centres X in place before sampling (an 'optimisation' that leaks)."""

    def _fit_resample(self, X, y):
        X -= X.mean(axis=0)
        return super()._fit_resample(X, y)


class UpcastsToFloat64(RandomOverSampler):
    """Returns float64 whatever the input dtype."""

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        return X_res.astype(np.float64), y_res


class ResamplesUntargetedClass(RandomOverSampler):
    """Replaces one row of every class, targeted or not, by a copy of another."""

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        X_res = X_res.copy()
        for klass in np.unique(y):
            rows = np.flatnonzero(y_res == klass)
            X_res[rows[0]] = X_res[rows[-1]]
        return X_res, y_res


class ForgetsPandas(RandomOverSampler):
    """Returns NumPy arrays for pandas input."""

    def fit_resample(self, X, y, **params):
        X_res, y_res = super().fit_resample(X, y, **params)
        if hasattr(X_res, "to_numpy"):
            return X_res.to_numpy(), np.asarray(y_res)
        return X_res, y_res


@pytest.mark.parametrize(
    ("sampler", "check", "message"),
    [
        (DropsLastRow(), check_class_counts, "rows after resampling, expected"),
        (DropsLastRow(), check_sample_indices, r"[Xy]_res != [Xy]\[indices\]"),
        (IgnoresRandomState(), check_same_random_state_same_output, "differs"),
        (CentresInPlace(), check_input_not_modified, "X was modified|X after"),
        (UpcastsToFloat64(), check_dtype_kept, "X_res has dtype float64"),
        (
            ResamplesUntargetedClass(sampling_strategy="minority"),
            check_untargeted_classes_untouched,
            "rows of the untargeted class",
        ),
        (ForgetsPandas(), check_pandas_in_pandas_out, "X_res is a"),
    ],
    ids=lambda value: getattr(value, "__name__", type(value).__name__),
)
def test_checks_find_the_bug_of_a_broken_sampler(sampler, check, message):
    """Check that each property check fails on a sampler with the matching bug."""
    with pytest.raises(AssertionError, match=message):
        check(sampler, max_examples=5)


@pytest.mark.parametrize(
    "sampler", [DropsLastRow(), IgnoresRandomState(), CentresInPlace()]
)
def test_check_sampler_properties_fails_on_broken_samplers(sampler):
    """Check that running all the checks fails, naming the failing check."""
    with pytest.raises(AssertionError) as info:
        check_sampler_properties(sampler, max_examples=5)
    notes = "".join(getattr(info.value, "__notes__", []))
    assert re.search(r"property check check_\w+ failed on", notes)


def test_check_sampler_properties_passes_on_a_correct_sampler():
    """Check that the runner passes on a correct sampler (the broken ones fail)."""
    check_sampler_properties(RandomOverSampler(), max_examples=3)


class AlwaysUndefined(RandomOverSampler):
    def _fit_resample(self, X, y):
        raise ValueError("the method is undefined on this data set")


def test_accept_errors_discards_only_matching_errors():
    """Check that errors fail a check unless their message is accepted."""
    with pytest.raises(ValueError, match="undefined on this data set"):
        check_class_counts(AlwaysUndefined(), max_examples=3)
    # every data set discarded: hypothesis says so rather than passing silently
    with pytest.raises(Unsatisfiable):
        check_class_counts(
            AlwaysUndefined(), max_examples=3, accept_errors=["undefined on this"]
        )


class NoKind:
    def get_params(self, deep=True):
        return {}

    def fit_resample(self, X, y):
        return X, y


def test_checks_bad_options():
    """Check the messages for a non-sampler, an unknown kind, bad max_examples."""
    with pytest.raises(TypeError, match="sampler must have a fit_resample method"):
        check_class_counts(LogisticRegression())
    with pytest.raises(ValueError, match="kind must be None, 'over', 'under'"):
        check_class_counts(RandomOverSampler(), kind="sideways")
    with pytest.raises(ValueError, match="max_examples must be an integer >= 1"):
        check_class_counts(RandomOverSampler(), max_examples=0)
    with pytest.raises(ValueError, match="check_class_counts needs the kind"):
        check_class_counts(NoKind())


def test_checks_kind_option_for_a_sampler_without_sampling_type():
    """Check that kind= lets the checks run on a sampler that does not declare it."""
    check_same_random_state_same_output(NoKind(), max_examples=3)
    with pytest.raises(AssertionError, match=r"sampling_strategy_|expected"):
        # NoKind returns its input: as an over-sampler it adds nothing
        check_class_counts(NoKind(), kind="over", max_examples=5)


@pytest.mark.parametrize(
    ("sampler", "expected"),
    [
        (RandomOverSampler(), 2),
        (SMOTE(k_neighbors=5), 6),
        (BorderlineSMOTE(k_neighbors=3, m_neighbors=8), 9),
        (InstanceHardnessThreshold(cv=4), 5),
        (SMOTEENN(smote=SMOTE(k_neighbors=4)), 5),
    ],
    ids=lambda value: type(value).__name__,
)
def test_min_class_size_from_neighbour_parameters(sampler, expected):
    """Check the class size the data sets get from k_neighbors-style parameters."""
    assert _min_class_size(sampler.get_params(deep=True)) == expected


def test_configured_samplers_exist():
    """Check that every configured name is a sampler of ours (no stale entry
    hiding a renamed sampler, which would then run with its defaults only)."""
    names = {name for module in SUBPACKAGES for name in module.__all__}
    assert set(CONFIGURED) <= names, set(CONFIGURED) - names


@pytest.mark.parametrize(
    "combined",
    [SMOTEENN(smote=SMOTE(k_neighbors=3)), SMOTETomek(smote=SMOTE(k_neighbors=3))],
    ids=lambda value: type(value).__name__,
)
def test_combined_with_a_user_step_same_random_state_same_output(combined):
    """Check that a seeded combination seeds the user's unseeded SMOTE step.

    This check found the bug: imbalanced-learn leaves such a step unseeded, so
    the same random_state gave different outputs.
    """
    check_same_random_state_same_output(combined, kind="combined", max_examples=5)


class OverSamplesTwice(RandomOverSampler):
    """Over-samples, then over-samples the result again."""

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        return super()._fit_resample(X_res, y_res)


def test_class_counts_of_a_combination_are_bounded():
    """Check that kind='combined' fails a class above its over-sampled count."""
    with pytest.raises(AssertionError, match="more than the"):
        check_class_counts(OverSamplesTwice(), kind="combined", max_examples=5)


def test_expected_targets_take_the_whole_count_of_a_float_ratio():
    """Check that a float ratio gives the whole count it stands for, where
    imbalanced-learn truncates (its issue #1215): 0.29 of 100 is 29, 7 / 0.07
    is 100."""
    y = np.repeat([0, 1], [100, 28])
    assert _Context(RandomOverSampler()).expected_targets(Case(y, y, 0.29, 0)) == {1: 1}
    y = np.repeat([0, 1], [100, 7])
    assert _Context(RandomUnderSampler()).expected_targets(Case(y, y, 0.07, 0)) == {
        0: 100
    }


def test_parametrize_splits_degenerate_cases_and_marks_them_strict():
    """Check one test per degenerate case, strict expected failures for them
    (their search is derandomized) and not strict for the other checks."""
    failing = {
        "check_class_counts": "a reason",
        "check_sampler_degenerate_inputs": "every case",
        "check_sampler_degenerate_inputs[read_only]": "this case",
    }
    decorator = parametrize_with_property_checks(
        [RandomOverSampler()], expected_failed_checks=lambda sampler: failing
    )
    marks = {param.id.split("-", 1)[1]: param.marks for param in decorator.args[1]}
    for case in DEGENERATE_CASES:
        assert f"check_sampler_degenerate_inputs[{case}]" in marks
    (counts,) = marks["check_class_counts"]
    assert counts.kwargs == {"strict": False, "reason": "a reason"}
    (read_only,) = marks["check_sampler_degenerate_inputs[read_only]"]
    assert read_only.kwargs == {"strict": True, "reason": "this case"}
    (one_feature,) = marks["check_sampler_degenerate_inputs[one_feature]"]
    assert one_feature.kwargs == {"strict": True, "reason": "every case"}
    assert marks["check_dtype_kept"] == []
    forced = parametrize_with_property_checks(
        [RandomOverSampler()],
        expected_failed_checks=lambda sampler: failing,
        xfail_strict=False,
    )
    assert all(
        mark.kwargs["strict"] is False
        for param in forced.args[1]
        for mark in param.marks
    )
