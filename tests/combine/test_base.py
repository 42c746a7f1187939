"""Properties shared by SMOTEENN and SMOTETomek (any over-sampler, any cleaner)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.under_sampling import TomekLinks as ImbTomekLinks
from sklearn.base import clone

from imbestimators.combine import SMOTEENN, SMOTETomek
from imbestimators.exceptions import EmptyClassWarning
from imbestimators.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTENC,
    BorderlineSMOTE,
    RandomOverSampler,
)
from imbestimators.under_sampling import (
    AllKNN,
    EditedNearestNeighbours,
    NeighbourhoodCleaningRule,
    RandomUnderSampler,
    RepeatedEditedNearestNeighbours,
    TomekLinks,
)

OVER = {
    "SMOTE": lambda seed: SMOTE(k_neighbors=3, random_state=seed),
    "BorderlineSMOTE": lambda seed: BorderlineSMOTE(
        k_neighbors=3, m_neighbors=5, kind="borderline-2", random_state=seed
    ),
    "ADASYN": lambda seed: ADASYN(n_neighbors=3, random_state=seed),
    "SMOTENC": lambda seed: SMOTENC(
        categorical_features=[0], k_neighbors=3, random_state=seed
    ),
    "RandomOverSampler": lambda seed: RandomOverSampler(random_state=seed),
    "imblearn-SMOTE": lambda seed: ImbSMOTE(k_neighbors=3, random_state=seed),
}
CLEANERS = {
    "TomekLinks": lambda: TomekLinks(sampling_strategy="all"),
    "EditedNearestNeighbours": lambda: EditedNearestNeighbours(sampling_strategy="all"),
    "RepeatedEditedNearestNeighbours": lambda: RepeatedEditedNearestNeighbours(),
    "AllKNN": lambda: AllKNN(sampling_strategy="all"),
    "NeighbourhoodCleaningRule": lambda: NeighbourhoodCleaningRule(),
    "RandomUnderSampler": lambda: RandomUnderSampler(random_state=0),
    "imblearn-TomekLinks": lambda: ImbTomekLinks(),
}


def dataset(seed, n_classes):
    rng = np.random.default_rng(seed)
    sizes = [70, *rng.integers(8, 30, size=n_classes - 1)]
    y = rng.permutation(np.repeat(np.arange(n_classes), sizes))
    X = rng.normal(size=(n_classes, 4))[y] + rng.normal(size=(len(y), 4))
    X[:, 0] = rng.integers(0, 3, size=len(y))  # a categorical column for SMOTENC
    return X, y


@pytest.mark.parametrize("combined", [SMOTEENN, SMOTETomek])
@given(
    over=st.sampled_from(sorted(OVER)),
    cleaner=st.sampled_from(sorted(CLEANERS)),
    seed=st.integers(0, 2**16),
    n_classes=st.integers(2, 3),
)
def test_equals_the_two_steps_in_sequence(combined, over, cleaner, seed, n_classes):
    """Check that the result is that of running both samplers one after the other."""
    X, y = dataset(seed, n_classes)
    first, second = OVER[over](seed), CLEANERS[cleaner]()
    step = "enn" if combined is SMOTEENN else "tomek"
    sampler = combined(smote=first, **{step: second})
    X_res, y_res = sampler.fit_resample(X, y)
    X_mid, y_mid = clone(first).fit_resample(X, y)
    X_exp, y_exp = clone(second).fit_resample(X_mid, y_mid)
    np.testing.assert_array_equal(X_res, X_exp)
    np.testing.assert_array_equal(y_res, y_exp)
    assert type(sampler.smote_) is type(first)
    assert type(getattr(sampler, f"{step}_")) is type(second)


@pytest.mark.parametrize("combined", [SMOTEENN, SMOTETomek])
def test_default_steps_use_sampling_strategy_and_random_state(combined):
    """Check the default SMOTE takes the combined sampler's own parameters."""
    X, y = dataset(0, 2)
    sampler = combined(sampling_strategy=0.5, random_state=3)
    X_res, _ = sampler.fit_resample(X, y)
    over = SMOTE(sampling_strategy=0.5, random_state=3)
    X_mid, y_mid = over.fit_resample(X, y)
    cleaner = (
        EditedNearestNeighbours(sampling_strategy="all")
        if combined is SMOTEENN
        else TomekLinks(sampling_strategy="all")
    )
    X_exp, _ = cleaner.fit_resample(X_mid, y_mid)
    np.testing.assert_array_equal(X_res, X_exp)
    assert sampler.sampling_strategy_ == over.sampling_strategy_


@pytest.mark.parametrize("combined", [SMOTEENN, SMOTETomek])
def test_sampling_strategy_beside_a_given_smote_warns(combined):
    """Check a sampling_strategy that the given smote step overrides is not silent.

    imbalanced-learn ignores it without a word; the step's own strategy applies.
    """
    X, y = dataset(0, 2)
    sampler = combined(
        smote=SMOTE(sampling_strategy=1.0, random_state=0), sampling_strategy=0.5
    )
    with pytest.warns(UserWarning, match=r"sampling_strategy=0.5 is ignored"):
        sampler.fit_resample(X, y)
    assert sampler.sampling_strategy_ == sampler.smote_.sampling_strategy_


@pytest.mark.parametrize(
    ("combined", "cleaner"),
    [(SMOTEENN, "EditedNearestNeighbours"), (SMOTETomek, "TomekLinks")],
)
def test_a_cleaning_step_that_empties_a_class_says_so(combined, cleaner):
    """Check one EmptyClassWarning from the cleaning step where all rows
    coincide: SMOTE copies the point, every row is then in every tie-inclusive
    neighbourhood and in a Tomek link, and no row is left (silent before)."""
    X, y = np.ones((26, 3)), np.repeat([0, 1], [6, 20])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, y_res = combined(random_state=0).fit_resample(X, y)
    assert len(y_res) == 0
    emptied = [w for w in caught if issubclass(w.category, EmptyClassWarning)]
    assert len(emptied) == 1
    assert str(emptied[0].message).startswith(
        f"{cleaner}(sampling_strategy='all') removed every row of class 0 (20 rows) "
        "and class 1 (20 rows)"
    )


@pytest.mark.parametrize("combined", [SMOTEENN, SMOTETomek])
def test_swapped_steps_are_refused(combined):
    """Check the messages when a cleaner is given as over-sampler and vice versa."""
    X, y = dataset(0, 2)
    with pytest.raises(
        ValueError,
        match=rf"{combined.__name__}: smote must be an over-sampler; got "
        r"TomekLinks, whose sampling type is 'clean-sampling'\.",
    ):
        combined(smote=TomekLinks()).fit_resample(X, y)
    step = "enn" if combined is SMOTEENN else "tomek"
    with pytest.raises(
        ValueError,
        match=rf"{step} must be a cleaning or under-sampling sampler; got "
        r"SMOTE",
    ):
        combined(**{step: SMOTE()}).fit_resample(X, y)


@pytest.mark.parametrize("combined", [SMOTEENN, SMOTETomek])
def test_dataframe_in_dataframe_out(combined):
    """Check that a DataFrame comes back with its columns and dtypes."""
    X, y = dataset(1, 2)
    frame = pd.DataFrame(X, columns=["cat", "b", "c", "d"])
    frame["cat"] = frame["cat"].astype("int64")
    X_res, y_res = combined(random_state=0).fit_resample(frame, pd.Series(y, name="t"))
    assert list(X_res.columns) == ["cat", "b", "c", "d"]
    assert X_res["cat"].dtype == np.int64
    assert y_res.name == "t"
    assert len(X_res) == len(y_res)


@pytest.mark.parametrize("combined", [SMOTEENN, SMOTETomek])
def test_inputs_are_not_modified(combined):
    """Check that X and y are left as they were."""
    X, y = dataset(2, 3)
    X_before, y_before = X.copy(), y.copy()
    combined(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


@pytest.mark.parametrize("combined", [SMOTEENN, SMOTETomek])
@pytest.mark.parametrize("over", [SMOTE(k_neighbors=3), ADASYN(n_neighbors=3)])
def test_unseeded_steps_take_the_combined_random_state(combined, over):
    """Check that the same random_state gives the same output with unseeded steps.

    imbalanced-learn's combinations leave a user's step unseeded, so two fits
    with the same random_state differ; ours seed it with their own.
    """
    X, y = dataset(4, 3)
    step = "enn" if combined is SMOTEENN else "tomek"
    make = lambda: combined(  # noqa: E731
        smote=over, random_state=7, **{step: RandomUnderSampler()}
    )
    X_a, y_a = make().fit_resample(X, y)
    X_b, y_b = make().fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    X_exp, y_exp = clone(over).set_params(random_state=7).fit_resample(X, y)
    X_exp, y_exp = RandomUnderSampler(random_state=7).fit_resample(X_exp, y_exp)
    np.testing.assert_array_equal(X_a, X_exp)
    assert over.random_state is None  # the user's object is left as it was
