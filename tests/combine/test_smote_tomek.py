"""Tests of SMOTETomek."""

import numpy as np
from imblearn.under_sampling import TomekLinks as ImbTomekLinks
from sklearn.datasets import make_classification

from imbestimators.combine import SMOTETomek
from imbestimators.over_sampling import ADASYN, SMOTE


def noisy(n, seed):
    # few dimensions and overlapping classes: links survive over-sampling
    return make_classification(
        n_samples=n,
        n_features=4,
        n_informative=2,
        n_redundant=0,
        weights=[0.1, 0.9],
        class_sep=0.5,
        flip_y=0.1,
        random_state=seed,
    )


def test_cleaning_step_equals_imbalanced_learn_on_the_same_points():
    """Check the default Tomek step against imbalanced-learn's on SMOTE's output.

    imbalanced-learn's SMOTETomek takes only its own SMOTE; its TomekLinks is
    applied here to our SMOTE's output, on classes large enough for the pivot
    bound to settle most rows.
    """
    X, y = noisy(3000, 0)
    sampler = SMOTETomek(smote=SMOTE(random_state=0))
    X_res, y_res = sampler.fit_resample(X, y)
    X_mid, y_mid = SMOTE(random_state=0).fit_resample(X, y)
    X_ref, y_ref = ImbTomekLinks(sampling_strategy="all").fit_resample(X_mid, y_mid)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    assert len(y_res) < len(y_mid)  # links were removed


def test_adasyn_as_over_sampler():
    """Check ADASYN in place of SMOTE, with the links of both classes removed."""
    X, y = noisy(600, 2)
    sampler = SMOTETomek(smote=ADASYN(random_state=0))
    X_res, _ = sampler.fit_resample(X, y)
    X_mid, _ = ADASYN(random_state=0).fit_resample(X, y)
    assert len(X_res) < len(X_mid)
    assert isinstance(sampler.smote_, ADASYN)
    assert sampler.tomek_.sampling_strategy == "all"
