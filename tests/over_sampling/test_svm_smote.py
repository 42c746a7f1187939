"""Tests of SVMSMOTE."""

import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.over_sampling import SVMSMOTE as ImbSVMSMOTE
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestNeighbors
from sklearn.svm import SVC, NuSVC

from imbestimators.exceptions import FallbackWarning
from imbestimators.over_sampling import SVMSMOTE, BorderlineSMOTE
from imbestimators.testing import (
    check_sampler_degenerate_inputs,
    check_sampler_row_order_invariance,
    tied_datasets,
)
from imbestimators.utils import kneighbors


def overlapping(n=600, weights=(0.85, 0.15), n_classes=2, seed=0):
    """Noisy overlapping classes: support vectors noise, in danger and safe."""
    return make_classification(
        n_samples=n,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=list(weights),
        class_sep=0.6,
        flip_y=0.02,
        random_state=seed,
    )


class FixedSupport(ClassifierMixin, BaseEstimator):
    """An "SVM" whose support vectors are given: isolates the split and the
    generation from the SVM. ``support=None`` makes every row one."""

    def __init__(self, support=None):
        self.support = support

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        if self.support is None:
            self.support_ = np.arange(len(y))
        else:
            self.support_ = np.asarray(self.support)
        return self

    def predict(self, X):
        return np.full(X.shape[0], self.classes_[0])


def imblearn_split(X, y, klass, **params):
    """imbalanced-learn's support vectors of ``klass`` and their split."""
    imb = ImbSVMSMOTE(random_state=0, **params)
    imb.fit_resample(X, y)
    support = imb.svm_estimator_.support_
    rows = support[y[support] == klass]
    noise = imb._in_danger_noise(imb.nn_m_, X[rows], klass, y, kind="noise")
    kept = rows[~noise]
    danger = imb._in_danger_noise(imb.nn_m_, X[kept], klass, y, kind="danger")
    return support, rows[noise], kept[danger], kept[~danger]


@pytest.mark.parametrize(
    ("seed", "n_classes", "params"),
    [
        (0, 2, {}),
        (1, 2, {"k_neighbors": 3, "m_neighbors": 6}),
        (2, 3, {}),
        (3, 2, {"svm_estimator": SVC(C=10, kernel="poly", degree=2)}),
        (4, 2, {"svm_estimator": NuSVC(nu=0.2)}),
    ],
)
def test_svm_smote_support_vectors_and_split_match_imblearn(seed, n_classes, params):
    """Check that the SVM's support vectors and their noise, danger and safe
    sets are exactly imbalanced-learn's (continuous data: no distance ties)."""
    weights = (0.8, 0.2) if n_classes == 2 else (0.6, 0.25, 0.15)
    X, y = overlapping(n=700, weights=weights, n_classes=n_classes, seed=seed)
    ours = SVMSMOTE(random_state=0, **params)
    ours.fit_resample(X, y)
    for klass in ours.sampling_strategy_:
        support, noise, danger, safe = imblearn_split(X, y, klass, **params)
        np.testing.assert_array_equal(ours.svm_estimator_.support_, support)
        np.testing.assert_array_equal(ours.noise_indices_[klass], noise)
        np.testing.assert_array_equal(ours.in_danger_indices_[klass], danger)
        np.testing.assert_array_equal(ours.safe_indices_[klass], safe)
        # the data exercise every kind
        assert danger.size > 0
        assert safe.size > 0


@pytest.mark.parametrize("n_classes", [2, 3])
def test_svm_smote_exact_counts_and_originals_first(n_classes, global_random_seed):
    """Check that every resampled class reaches its target and the original
    rows come first, unchanged."""
    weights = (0.8, 0.2) if n_classes == 2 else (0.6, 0.25, 0.15)
    X, y = overlapping(weights=weights, n_classes=n_classes, seed=global_random_seed)
    X_res, y_res = SVMSMOTE(random_state=global_random_seed).fit_resample(X, y)
    majority = Counter(y.tolist()).most_common(1)[0][1]
    assert Counter(y_res.tolist()) == dict.fromkeys(range(n_classes), majority)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)


def single_row_in_danger():
    """Majority on a line at 0..39, 7 minority rows in general position near
    (103, 2) (safe for m_neighbors=10) and one at 67.3 (in danger)."""
    majority = np.column_stack([np.arange(40.0), np.zeros(40)])
    minority = [[100, 0], [101, 2], [103, 1], [102, 5], [105, 3], [104, 0.5]]
    X = np.vstack([majority, minority, [[106, 2.5], [67.3, 0.3]]])
    return X, np.repeat([0, 1], [40, 8])


def steps_from(X, y, X_new, bases, k, low, high):
    """For each new row, a step ``t`` in [low, high] with ``new = x + t * (x_nn
    - x)`` for a base row ``x`` and one of its k nearest rows of class 1, or
    NaN when there is none."""
    class_rows = np.flatnonzero(y == 1)
    positions = np.searchsorted(class_rows, bases)
    nn = class_rows[kneighbors(X[class_rows], k)[positions]]
    found = np.full(len(X_new), np.nan)
    for i, point in enumerate(X_new):
        for base, neighbours in zip(bases, nn):
            direction = X[neighbours] - X[base]
            t = (direction @ (point - X[base])) / (direction**2).sum(axis=1)
            close = np.all(np.isclose(X[base] + t[:, None] * direction, point), 1)
            close &= (t >= low - 1e-12) & (t <= high + 1e-12)
            if close.any():
                found[i] = t[close][0]
                break
    return found


def test_svm_smote_only_danger_support_vector_gives_every_row():
    """Check that a class whose only support vector is in danger still gets
    every requested row, each interpolated from it (imbalanced-learn generates
    only a beta(10, 10) share of them, issue #1130)."""
    X, y = single_row_in_danger()
    sampler = SVMSMOTE(svm_estimator=FixedSupport([47]), k_neighbors=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}
    assert sampler.in_danger_indices_[1].tolist() == [47]
    assert sampler.safe_indices_[1].size == 0
    steps = steps_from(X, y, X_res[len(X) :], [47], 3, 0, 1)
    assert not np.isnan(steps).any()


def test_svm_smote_well_separated_classes_exact_counts():
    """Check well separated classes, whose support vectors are all safe: the
    class still gets every requested row (imbalanced-learn returns 412 of the
    950 minority rows here, issue #1130)."""
    X, y = make_classification(
        n_samples=1000,
        n_features=5,
        weights=[0.95],
        class_sep=2.5,
        flip_y=0,
        random_state=0,
    )
    sampler = SVMSMOTE(random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert sampler.in_danger_indices_[1].size == 0
    assert sampler.safe_indices_[1].size > 0
    assert Counter(y_res.tolist()) == {0: 950, 1: 950}


@pytest.mark.parametrize("out_step", [0.5, 0.1])
def test_svm_smote_only_safe_support_vectors_extrapolate_every_row(out_step):
    """Check that safe support vectors alone give every requested row, each
    extrapolated away from a class neighbour by at most out_step."""
    X, y = single_row_in_danger()
    sampler = SVMSMOTE(
        svm_estimator=FixedSupport([44, 45]),
        k_neighbors=3,
        out_step=out_step,
        random_state=0,
    )
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}
    assert sampler.safe_indices_[1].tolist() == [44, 45]
    steps = steps_from(X, y, X_res[len(X) :], [44, 45], 3, -out_step, 0)
    assert not np.isnan(steps).any()
    assert steps.min() < -out_step / 2  # the whole range is used


def test_svm_smote_danger_and_safe_share_the_new_rows():
    """Check that with both kinds, new rows come from danger rows
    (interpolated) and from safe ones (extrapolated), nowhere else."""
    X, y = single_row_in_danger()
    sampler = SVMSMOTE(
        svm_estimator=FixedSupport([45, 47]), k_neighbors=3, random_state=0
    )
    X_res, _ = sampler.fit_resample(X, y)
    new = X_res[len(X) :]
    from_danger = steps_from(X, y, new, [47], 3, 0, 1)
    from_safe = steps_from(X, y, new, [45], 3, -0.5, 0)
    # each row interpolated from the danger row or extrapolated from the safe one
    assert np.all(np.isnan(from_danger) != np.isnan(from_safe))
    # beta(10, 10) share: neither kind takes (nearly) all 32 rows
    assert 5 < np.count_nonzero(~np.isnan(from_danger)) < 27


def test_svm_smote_out_step_zero_copies_safe_support_vectors():
    """Check that out_step=0 turns safe support vectors into copies."""
    X, y = single_row_in_danger()
    sampler = SVMSMOTE(
        svm_estimator=FixedSupport([45]), k_neighbors=3, out_step=0, random_state=0
    )
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[len(X) :], np.tile(X[45], (32, 1)))


def all_noise_data():
    """imbalanced-learn issue #742: the support vectors of class 0 (5 of its 6
    rows) are all noise."""
    return make_classification(
        n_classes=3,
        class_sep=0.001,
        weights=[0.004, 0.451, 0.545],
        n_informative=3,
        n_redundant=0,
        flip_y=0,
        n_features=3,
        n_clusters_per_class=2,
        n_samples=1000,
        random_state=10,
    )


def test_svm_smote_all_support_vectors_noise_falls_back_to_smote():
    """Check that a class whose support vectors are all noise still gets every
    requested row, interpolated within the class as plain SMOTE does, with one
    warning naming the class (imbalanced-learn raises a ValueError)."""
    X, y = all_noise_data()
    sampler = SVMSMOTE(k_neighbors=3, random_state=42)
    msg = (
        r"no support vector to grow the class from in class 0 \(5 support vectors, "
        r"all noise; 539 new rows\)\. Its new rows were interpolated as plain SMOTE"
    )
    with pytest.warns(FallbackWarning, match=msg) as record:
        X_res, y_res = sampler.fit_resample(X, y)
    assert len(record) == 1
    assert Counter(y_res.tolist()) == {0: 544, 1: 544, 2: 544}
    assert sampler.noise_indices_[0].size == 5
    new = X_res[len(X) :][y_res[len(X) :] == 0]
    class_rows = np.flatnonzero(y == 0)
    steps = steps_from(X, np.where(y == 0, 1, 0), new[:50], class_rows, 3, 0, 1)
    assert not np.isnan(steps).any()
    with pytest.raises(ValueError, match="SVM-SMOTE is not adapted"):
        ImbSVMSMOTE(k_neighbors=3, random_state=42).fit_resample(X, y)


def test_svm_smote_class_without_support_vector_falls_back_to_smote():
    """Check the fallback when the SVM chose no support vector of a class."""
    X, y = single_row_in_danger()
    sampler = SVMSMOTE(svm_estimator=FixedSupport([0, 1]), k_neighbors=3)
    with pytest.warns(FallbackWarning, match=r"class 1 \(no support vector; 32 new"):
        _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 40, 1: 40}


def test_svm_smote_estimator_without_support_raises():
    """Check the error for an svm_estimator that has no support_ after fit."""
    X, y = single_row_in_danger()
    msg = (
        r"SVMSMOTE: `svm_estimator` must expose a fitted `support_` attribute .* "
        r"LogisticRegression has none after fit"
    )
    with pytest.raises(RuntimeError, match=msg):
        SVMSMOTE(svm_estimator=LogisticRegression()).fit_resample(X, y)


@pytest.mark.parametrize("support", [[0.5, 1.5], [0, 48]])
def test_svm_smote_support_not_row_indices_raises(support):
    """Check the error when support_ does not hold row indices of X."""
    X, y = single_row_in_danger()
    with pytest.raises(RuntimeError, match=r"must hold row indices of X \(integers"):
        SVMSMOTE(svm_estimator=FixedSupport(support)).fit_resample(X, y)


def test_svm_smote_size_errors_name_the_parameter():
    """Check the early errors when k_neighbors or m_neighbors cannot work."""
    X, y = single_row_in_danger()
    with pytest.raises(ValueError, match=r"k_neighbors=8 needs at least 9 .*has 8"):
        SVMSMOTE(k_neighbors=8).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"m_neighbors=48 needs at least 49 samples"):
        SVMSMOTE(m_neighbors=48).fit_resample(X, y)


def test_svm_smote_svm_estimator_cloned_and_default():
    """Check that the user's SVM is cloned (never fitted in place) and that the
    default is imbalanced-learn's SVC(gamma='scale', random_state=...)."""
    X, y = overlapping(n=300)
    svm = SVC(C=3)
    sampler = SVMSMOTE(svm_estimator=svm, random_state=0).fit(X, y)
    sampler.fit_resample(X, y)
    assert not hasattr(svm, "support_")
    assert sampler.svm_estimator_.C == 3
    assert hasattr(sampler.svm_estimator_, "support_")
    default = SVMSMOTE(random_state=7)
    default.fit_resample(X, y)
    assert (
        default.svm_estimator_.get_params()
        == SVC(gamma="scale", random_state=7).get_params()
    )


def test_svm_smote_neighbors_estimators_as_ints():
    """Check that NearestNeighbors(n_neighbors=k + 1) gives the int k's output
    (imbalanced-learn's test_svm_smote, on data without ties)."""
    X, y = overlapping(n=300)
    a = SVMSMOTE(random_state=42).fit_resample(X, y)
    b = SVMSMOTE(
        random_state=42,
        k_neighbors=NearestNeighbors(n_neighbors=6),
        m_neighbors=NearestNeighbors(n_neighbors=11),
    ).fit_resample(X, y)
    np.testing.assert_allclose(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_svm_smote_same_seed_same_output():
    """Check determinism for a fixed random_state, and that the seed matters."""
    X, y = overlapping()
    a = SVMSMOTE(random_state=3).fit_resample(X, y)[0]
    b = SVMSMOTE(random_state=3).fit_resample(X, y)[0]
    c = SVMSMOTE(random_state=4).fit_resample(X, y)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_svm_smote_sparse_equals_dense():
    """Check that CSR input gives the dense result, in CSR."""
    X, y = overlapping(n=300)
    X_dense, y_dense = SVMSMOTE(random_state=1).fit_resample(X, y)
    X_sp, y_sp = SVMSMOTE(random_state=1).fit_resample(sparse.csr_matrix(X), y)
    assert X_sp.format == "csr"
    np.testing.assert_allclose(X_sp.toarray(), X_dense, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(y_sp, y_dense)


def test_svm_smote_nothing_to_resample_fits_no_svm():
    """Check that a strategy asking for no new row returns the data as it is,
    without fitting the SVM (as imbalanced-learn)."""
    X, y = overlapping(n=300)
    strategy = dict(zip(*np.unique(y, return_counts=True)))
    sampler = SVMSMOTE(sampling_strategy=strategy)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)
    assert not hasattr(sampler.svm_estimator_, "support_")
    assert sampler.in_danger_indices_ == {}


def test_svm_smote_integer_data_rounded():
    """Check that integer columns keep their dtype, new values rounded."""
    X, y = overlapping(n=300)
    X = np.rint(X * 10).astype(np.int64)
    X_res, y_res = SVMSMOTE(random_state=0).fit_resample(X, y)
    assert X_res.dtype == np.int64
    assert Counter(y_res.tolist()) == {0: 255, 1: 255}


def test_svm_smote_keeps_float32_and_input():
    """Check that float32 stays float32 and X, y are left untouched."""
    X, y = overlapping(n=300)
    X = X.astype(np.float32)
    X_copy, y_copy = X.copy(), y.copy()
    X_res, _ = SVMSMOTE(random_state=0).fit_resample(X, y)
    assert X_res.dtype == np.float32
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


@settings(max_examples=25, deadline=None)
@given(
    data=tied_datasets(
        n_samples=(30, 80), n_classes=2, min_minority=6, max_minority_share=1 / 3
    ),
    m=st.integers(1, 8),
    seed=st.integers(0, 2**16),
)
def test_svm_smote_split_is_borderline_rule_and_ignores_row_order(data, m, seed):
    """Check, on binary data full of distance ties with every row a support
    vector, that the rows in danger are BorderlineSMOTE's (the same
    tie-inclusive rule) and that no split depends on the order of the rows."""
    X, y = data
    minority = int(np.argmin(np.bincount(y)))
    order = np.random.default_rng(seed).permutation(len(y))
    params = {"svm_estimator": FixedSupport(), "m_neighbors": m, "k_neighbors": 3}
    first, shuffled = SVMSMOTE(**params), SVMSMOTE(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)
        first.fit_resample(X, y)
        shuffled.fit_resample(X[order], y[order])
        borderline = BorderlineSMOTE(m_neighbors=m, k_neighbors=3).fit(X, y)
        borderline.fit_resample(X, y)
    np.testing.assert_array_equal(
        first.in_danger_indices_[minority], borderline.in_danger_indices_[minority]
    )
    for name in ("in_danger_indices_", "safe_indices_", "noise_indices_"):
        rows = Counter(map(tuple, X[getattr(first, name)[minority]].tolist()))
        rows_shuffled = Counter(
            map(tuple, X[order][getattr(shuffled, name)[minority]].tolist())
        )
        assert rows == rows_shuffled, name


@settings(max_examples=10, deadline=None)
@given(
    data=tied_datasets(n_samples=(30, 80), min_minority=6),
    seed=st.integers(0, 2**16),
)
def test_svm_smote_row_order_invariance(data, seed):
    """Check that reordering the rows keeps the originals and the class counts,
    on tied data with the default SVM."""
    X, y = data
    sampler = SVMSMOTE(k_neighbors=3, m_neighbors=5, random_state=0)
    check_sampler_row_order_invariance(sampler, X, y, random_state=seed)


@pytest.mark.parametrize(
    "sampler", [SVMSMOTE(), SVMSMOTE(k_neighbors=3, m_neighbors=5)], ids=repr
)
def test_svm_smote_degenerate_inputs(sampler):
    """Check the degenerate inputs (identical rows, extreme ratios and values,
    read-only arrays...): exact counts, finite values, or a clear error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FallbackWarning)
        check_sampler_degenerate_inputs(sampler, max_examples=3)
