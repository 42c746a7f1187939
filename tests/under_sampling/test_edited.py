"""Tests of EditedNearestNeighbours, RepeatedEditedNearestNeighbours and AllKNN."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from imblearn import under_sampling as imb
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from imbestimators.testing import check_sampler_row_order_invariance, tied_datasets
from imbestimators.under_sampling import (
    AllKNN,
    EditedNearestNeighbours,
    RepeatedEditedNearestNeighbours,
)

EDITORS = {
    "EditedNearestNeighbours": (EditedNearestNeighbours, imb.EditedNearestNeighbours),
    "RepeatedEditedNearestNeighbours": (
        RepeatedEditedNearestNeighbours,
        imb.RepeatedEditedNearestNeighbours,
    ),
    "AllKNN": (AllKNN, imb.AllKNN),
}


@st.composite
def continuous_data(draw, copies=True):
    """Continuous rows (no distance ties), optionally with copied rows.

    A copy keeps its row's label, so the only distance ties are between copies
    of a row, and exchanging two copies changes no label in any neighbourhood:
    every ``kind_sel="all"`` decision of imbalanced-learn is then free of tie
    effects. A ``"mode"`` vote is not: copies tied at the k-th distance all
    vote here (the tie-inclusive rule), only those its search returns first
    vote in imbalanced-learn, so ``"mode"`` is compared without copies.
    """
    n_classes = draw(st.integers(2, 3))
    sizes = [draw(st.integers(8, 30))] + [
        draw(st.integers(31, 90)) for _ in range(n_classes - 1)
    ]
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    n_features = draw(st.integers(2, 5))
    y = rng.permutation(np.repeat(np.arange(n_classes), sizes))
    centres = rng.normal(scale=1.5, size=(n_classes, n_features))
    X = centres[y] + rng.normal(size=(len(y), n_features))
    if copies and draw(st.booleans()):
        source = rng.integers(0, len(y), size=len(y) // 4)
        target = rng.integers(0, len(y), size=len(y) // 4)
        X[target], y[target] = X[source], y[source]
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return X.astype(dtype), y


def stable_strategies(y):
    """Strategies whose resolution cannot change from one repetition to the next.

    Imbalanced-learn re-reads ``sampling_strategy`` at every repetition;
    ``"all"``, lists and ``"not minority"`` give the same classes as long as
    the minority class stays the smallest (checked on the output), and
    ``"majority"``/``"not majority"`` too when there are two classes.
    """
    forms = ["all", "auto", "not minority", [int(np.unique(y)[-1])]]
    if len(np.unique(y)) == 2:
        forms += ["majority", "not majority"]
    return st.sampled_from(forms)


@pytest.mark.parametrize("name", sorted(EDITORS))
@given(
    k=st.integers(1, 4),
    kind_sel=st.sampled_from(["all", "mode"]),
    choice=st.data(),
)
def test_same_rows_as_imbalanced_learn(name, k, kind_sel, choice):
    """Check exact agreement with imbalanced-learn (indices, order, n_iter_)."""
    X, y = choice.draw(continuous_data(copies=kind_sel == "all"))
    strategy = choice.draw(stable_strategies(y))
    ours, theirs = EDITORS[name]
    params = {"n_neighbors": k, "kind_sel": kind_sel, "sampling_strategy": strategy}
    reference = theirs(**params)
    reference.fit_resample(X, y)
    counts = Counter(y[reference.sample_indices_].tolist())
    minority = min(Counter(y.tolist()).values())
    # the minority class stayed strictly the smallest: no re-resolution effect
    assume(len(counts) == len(np.unique(y)))
    assume(sorted(counts.values())[1] > minority)
    sampler = ours(**params)
    X_res, _ = sampler.fit_resample(X, y)
    expected = reference.sample_indices_
    if name == "RepeatedEditedNearestNeighbours":
        assert sampler.n_iter_ == reference.n_iter_
        if len(expected) == len(y):
            # nothing removed: imbalanced-learn applies its class grouping to
            # sample_indices_ twice (same rows, scrambled order); ours is grouped
            expected = EditedNearestNeighbours(**params).fit(X, y)
            expected.fit_resample(X, y)
            assert len(expected.sample_indices_) == len(y)
            expected = expected.sample_indices_
            np.testing.assert_array_equal(
                np.sort(expected), np.sort(reference.sample_indices_)
            )
    np.testing.assert_array_equal(sampler.sample_indices_, expected)
    np.testing.assert_array_equal(X_res, X[expected])


@pytest.mark.parametrize("name", sorted(EDITORS))
@pytest.mark.parametrize("seed", [0, 1])
def test_same_rows_as_imbalanced_learn_on_large_classes(name, seed):
    """Check agreement where pivot cells and bounds are used (classes >= 2048)."""
    X, y = make_classification(
        n_samples=5000,
        n_features=8,
        n_informative=4,
        weights=[0.55, 0.45],
        flip_y=0.05,
        random_state=seed,
    )
    X = X.astype(np.float32)
    ours, theirs = EDITORS[name]
    for kind_sel in ("all", "mode"):
        params = {"kind_sel": kind_sel, "sampling_strategy": "all"}
        reference = theirs(**params)
        reference.fit_resample(X, y)
        sampler = ours(**params)
        sampler.fit_resample(X, y)
        np.testing.assert_array_equal(
            sampler.sample_indices_, reference.sample_indices_
        )


def test_enn_all_removes_more_than_mode():
    """Check that kind_sel='all' removes every row that 'mode' removes."""
    X, y = make_classification(
        n_samples=600, weights=[0.2, 0.8], flip_y=0.1, random_state=0
    )
    enn_all = EditedNearestNeighbours(kind_sel="all")
    enn_mode = EditedNearestNeighbours(kind_sel="mode")
    enn_all.fit_resample(X, y)
    enn_mode.fit_resample(X, y)
    assert set(enn_all.sample_indices_) <= set(enn_mode.sample_indices_)
    assert len(enn_all.sample_indices_) < len(enn_mode.sample_indices_)


@pytest.mark.parametrize("name", sorted(EDITORS))
def test_estimator_counts_the_sample_itself(name):
    """Check that NearestNeighbors(n_neighbors=k + 1) gives the same rows as k."""
    X, y = make_classification(n_samples=300, weights=[0.3, 0.7], random_state=1)
    cls = EDITORS[name][0]
    with_int = cls(n_neighbors=3)
    with_estimator = cls(n_neighbors=NearestNeighbors(n_neighbors=4))
    with_int.fit_resample(X, y)
    with_estimator.fit_resample(X, y)
    np.testing.assert_array_equal(
        with_int.sample_indices_, with_estimator.sample_indices_
    )


def test_estimator_metric_is_used():
    """Check that a neighbours estimator's metric decides the neighbourhoods."""
    X, y = make_classification(n_samples=300, weights=[0.3, 0.7], random_state=2)
    manhattan = EditedNearestNeighbours(
        n_neighbors=NearestNeighbors(n_neighbors=4, metric="manhattan")
    )
    manhattan.fit_resample(X, y)
    reference = imb.EditedNearestNeighbours(
        n_neighbors=NearestNeighbors(n_neighbors=4, metric="manhattan")
    )
    reference.fit_resample(X, y)
    np.testing.assert_array_equal(manhattan.sample_indices_, reference.sample_indices_)


@pytest.mark.parametrize("name", sorted(EDITORS))
def test_sparse_input_gives_dense_rows(name):
    """Check that sparse input keeps the same rows as dense input."""
    X, y = make_classification(n_samples=300, weights=[0.3, 0.7], random_state=3)
    X[np.abs(X) < 0.5] = 0
    cls = EDITORS[name][0]
    dense, sparse_sampler = cls(), cls()
    dense.fit_resample(X, y)
    X_res, _ = sparse_sampler.fit_resample(sparse.csr_matrix(X), y)
    assert sparse.issparse(X_res)
    np.testing.assert_array_equal(dense.sample_indices_, sparse_sampler.sample_indices_)


def test_repeated_enn_cleans_only_the_classes_it_names():
    """Check RENN/AllKNN with a relative strategy on three equal classes.

    After the first round the class with most rows changes; imbalanced-learn
    then cleans another class than ``sampling_strategy_`` names, we do not.
    """
    X = np.array(
        [[-1.1, 0.7], [-4.7, -0.4], [2.6, 1.9], [-1.2, 0.1], [-2.5, -1.5],
         [-1.4, -2.5], [1.3, 0.2], [0.3, -0.3], [-1.1, -0.6]]
    )  # fmt: skip
    y = np.array([0, 2, 1, 1, 2, 1, 0, 0, 2])
    for cls in (AllKNN, RepeatedEditedNearestNeighbours):
        sampler = cls(n_neighbors=2, sampling_strategy="majority")
        _, y_res = sampler.fit_resample(X, y)
        assert list(sampler.sampling_strategy_) == [0]
        assert Counter(y_res.tolist())[1] == 3
        assert Counter(y_res.tolist())[2] == 3
    reference = imb.AllKNN(n_neighbors=2, sampling_strategy="majority")
    _, y_ref = reference.fit_resample(X, y)
    assert Counter(y_ref.tolist())[1] == 0  # imbalanced-learn cleaned class 1


def test_renn_counts_iterations_and_stops_at_max_iter():
    """Check n_iter_ and that max_iter bounds the repetitions."""
    X, y = make_classification(
        n_samples=800, weights=[0.3, 0.7], flip_y=0.2, random_state=4
    )
    free = RepeatedEditedNearestNeighbours().fit(X, y)
    free.fit_resample(X, y)
    bounded = RepeatedEditedNearestNeighbours(max_iter=1)
    bounded.fit_resample(X, y)
    single = EditedNearestNeighbours()
    single.fit_resample(X, y)
    assert free.n_iter_ > 1
    assert bounded.n_iter_ == 1
    np.testing.assert_array_equal(bounded.sample_indices_, single.sample_indices_)
    assert len(free.sample_indices_) < len(single.sample_indices_)


def test_allknn_allow_minority_keeps_going():
    """Check that allow_minority=True lets a class shrink below the minority."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    y = np.array([0] * 50 + [1] * 70)
    stopped = AllKNN(n_neighbors=5, sampling_strategy="all")
    free = AllKNN(n_neighbors=5, sampling_strategy="all", allow_minority=True)
    _, y_stopped = stopped.fit_resample(X, y)
    _, y_free = free.fit_resample(X, y)
    assert len(y_free) <= len(y_stopped)
    reference = imb.AllKNN(n_neighbors=5, sampling_strategy="all", allow_minority=True)
    reference.fit_resample(X, y)
    np.testing.assert_array_equal(free.sample_indices_, reference.sample_indices_)


@pytest.mark.parametrize("name", sorted(EDITORS))
def test_too_many_neighbours_is_refused_early(name):
    """Check the message when n_neighbors + 1 exceeds the number of samples."""
    X = np.arange(8, dtype=float).reshape(4, 2)
    y = np.array([0, 0, 1, 1])
    with pytest.raises(
        ValueError,
        match=rf"{name}: n_neighbors=4 needs at least 5 samples in X .*which has "
        r"4\. Lower n_neighbors\.",
    ):
        EDITORS[name][0](n_neighbors=4).fit_resample(X, y)


# -- distance ties: the tie-inclusive rule -----------------------------------------
def brute_force_enn(X, y, k, kind_sel):
    """One ENN pass on every class, with tie-inclusive neighbourhoods."""
    sq = ((X[:, None, :].astype(float) - X[None, :, :]) ** 2).sum(axis=-1)
    np.fill_diagonal(sq, np.inf)
    kth = np.sort(sq, axis=1)[:, k - 1 : k]
    keep = []
    for i, inside in enumerate(sq <= kth):
        labels = y[inside]
        if kind_sel == "all":
            keep.append(bool(np.all(labels == y[i])))
        else:
            keep.append(np.argmax(np.bincount(labels, minlength=3)) == y[i])
    return np.flatnonzero(keep)


@given(
    data=tied_datasets(), k=st.integers(1, 4), kind_sel=st.sampled_from(["all", "mode"])
)
def test_enn_keeps_rows_by_tie_inclusive_neighbourhoods(data, k, kind_sel):
    """Check ENN against a brute force where every row tied with the k-th
    neighbour takes part (the lower-index rule disagreed on such data)."""
    X, y = data
    sampler = EditedNearestNeighbours(n_neighbors=k, kind_sel=kind_sel,
                                      sampling_strategy="all")  # fmt: skip
    sampler.fit_resample(X, y)
    expected = brute_force_enn(X, y, k, kind_sel)
    np.testing.assert_array_equal(np.sort(sampler.sample_indices_), expected)


@pytest.mark.parametrize("name", sorted(EDITORS))
@given(
    data=tied_datasets(),
    k=st.integers(1, 4),
    kind_sel=st.sampled_from(["all", "mode"]),
    seed=st.integers(0, 2**16),
)
def test_kept_rows_do_not_depend_on_row_order(name, data, k, kind_sel, seed):
    """Check that permuting the rows keeps the same rows (values and labels),
    on data full of distance ties, with the engine and with an estimator."""
    X, y = data
    for n_neighbors in (k, NearestNeighbors(n_neighbors=k + 1)):
        sampler = EDITORS[name][0](
            n_neighbors=n_neighbors, kind_sel=kind_sel, sampling_strategy="all"
        )
        check_sampler_row_order_invariance(sampler, X, y, random_state=seed)


def test_a_tie_at_the_kth_neighbour_takes_part():
    """Check the rule on a row with two equally near neighbours of other labels.

    Row 0 has rows 1 (class 0) and 2 (class 1) at distance 1: with one
    neighbour, both are its neighbourhood, so "all" removes it and "mode"
    (a tie of classes, to the smallest label) keeps it, whatever the order.
    """
    X = np.array([[0.0], [1.0], [-1.0], [1.0], [-1.0], [9.0], [9.0]])
    y = np.array([0, 0, 1, 0, 1, 1, 1])
    for order in (np.arange(7), np.array([0, 2, 1, 4, 3, 6, 5])):
        enn_all = EditedNearestNeighbours(n_neighbors=1, sampling_strategy=[0])
        enn_all.fit_resample(X[order], y[order])
        assert 0 not in order[enn_all.sample_indices_]
        enn_mode = EditedNearestNeighbours(
            n_neighbors=1, kind_sel="mode", sampling_strategy=[0]
        )
        enn_mode.fit_resample(X[order], y[order])
        assert 0 in order[enn_mode.sample_indices_]
