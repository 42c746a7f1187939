"""Tests of SMOTEENN."""

from collections import Counter

import numpy as np
import pytest
from imblearn.under_sampling import EditedNearestNeighbours as ImbENN
from sklearn.base import clone
from sklearn.datasets import make_classification

from imbestimators.combine import SMOTEENN
from imbestimators.over_sampling import SMOTE
from imbestimators.under_sampling import (
    AllKNN,
    EditedNearestNeighbours,
    RepeatedEditedNearestNeighbours,
    _segments,
)
from imbestimators.under_sampling._segments import declared_originals


def noisy(n, seed):
    return make_classification(
        n_samples=n, weights=[0.1, 0.9], class_sep=0.5, flip_y=0.1, random_state=seed
    )


def test_cleaning_step_equals_imbalanced_learn_on_the_same_points():
    """Check the default ENN step against imbalanced-learn's on SMOTE's output.

    imbalanced-learn's SMOTEENN takes only its own SMOTE; its ENN is applied
    here to our SMOTE's output, on classes large enough for the pivot paths.
    """
    X, y = noisy(2500, 0)
    X = X.astype(np.float32)
    sampler = SMOTEENN(smote=SMOTE(random_state=0))
    X_res, y_res = sampler.fit_resample(X, y)
    X_mid, y_mid = SMOTE(random_state=0).fit_resample(X, y)
    X_ref, y_ref = ImbENN(sampling_strategy="all").fit_resample(X_mid, y_mid)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    assert len(y_res) < len(y_mid)
    assert sampler.enn_.sampling_strategy == "all"


def test_any_cleaning_sampler_can_follow():
    """Check AllKNN as the cleaning step: it cleans both classes."""
    X, y = noisy(500, 1)
    sampler = SMOTEENN(random_state=0, enn=AllKNN(sampling_strategy="all"))
    _, y_res = sampler.fit_resample(X, y)
    counts = Counter(y_res.tolist())
    n_majority = int(np.sum(y == 1))
    assert counts[1] < n_majority
    assert counts[0] < n_majority
    assert isinstance(sampler.enn_, AllKNN)


def test_cleaner_is_told_which_rows_are_interpolated():
    """Check that the cleaning step runs knowing where the new rows start."""
    seen = []

    class Spy(EditedNearestNeighbours):
        def _fit_resample(self, X, y):
            seen.append(declared_originals())
            return super()._fit_resample(X, y)

    X, y = noisy(300, 2)
    SMOTEENN(random_state=0, enn=Spy(sampling_strategy="all")).fit_resample(X, y)
    assert seen == [len(y)]
    assert declared_originals() is None


@pytest.mark.parametrize(
    "cleaner",
    [
        EditedNearestNeighbours(sampling_strategy="all"),
        EditedNearestNeighbours(sampling_strategy="all", kind_sel="mode"),
        RepeatedEditedNearestNeighbours(sampling_strategy="all"),
        AllKNN(sampling_strategy="all"),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_segments_give_the_rows_of_the_plain_search(cleaner, dtype, monkeypatch):
    """Check the result through the segments against the cleaner on SMOTE's output.

    The repeated rules remove rows between rounds: the segments then hold
    only the rows still alive.
    """
    # the segments are searched for and used at this size
    monkeypatch.setattr(_segments, "_MIN_NEW_PER_ANCHOR", 1)
    monkeypatch.setattr(_segments, "_MIN_GAIN", 0)
    X, y = noisy(1500, 3)
    X = X.astype(dtype)
    sampler = SMOTEENN(random_state=0, enn=cleaner)
    X_res, y_res = sampler.fit_resample(X, y)
    X_mid, y_mid = SMOTE(random_state=0).fit_resample(X, y)
    reference = clone(cleaner)
    X_ref, y_ref = reference.fit_resample(X_mid, y_mid)
    np.testing.assert_array_equal(
        sampler.enn_.sample_indices_, reference.sample_indices_
    )
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
