"""Helpers of the under-samplers, and properties shared by all of them."""

import re
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from imbestimators.exceptions import EmptyClassWarning
from imbestimators.under_sampling import (
    AllKNN,
    ClusterCentroids,
    CondensedNearestNeighbour,
    EditedNearestNeighbours,
    InstanceHardnessThreshold,
    NearMiss,
    NeighbourhoodCleaningRule,
    OneSidedSelection,
    RandomUnderSampler,
    RepeatedEditedNearestNeighbours,
    TomekLinks,
)
from imbestimators.under_sampling._base import (
    check_n_samples,
    class_codes,
    classifier_param,
    grouped_by_class,
    minority_code,
    neighbors_param,
    vote,
)

#: samplers that keep a subset of the rows, with parameters fit for small classes
SELECTORS = {
    "RandomUnderSampler": lambda **kw: RandomUnderSampler(random_state=0, **kw),
    "RandomUnderSampler-replacement": lambda **kw: RandomUnderSampler(
        random_state=0, replacement=True, **kw
    ),
    "NearMiss-1": lambda **kw: NearMiss(version=1, n_neighbors=2, **kw),
    "NearMiss-2": lambda **kw: NearMiss(version=2, n_neighbors=2, **kw),
    "NearMiss-3": lambda **kw: NearMiss(
        version=3, n_neighbors=2, n_neighbors_ver3=2, **kw
    ),
    "InstanceHardnessThreshold": lambda **kw: InstanceHardnessThreshold(
        estimator=LogisticRegression(), cv=2, random_state=0, **kw
    ),
    "TomekLinks": lambda **kw: TomekLinks(**kw),
    "EditedNearestNeighbours": lambda **kw: EditedNearestNeighbours(
        n_neighbors=2, **kw
    ),
    "EditedNearestNeighbours-mode": lambda **kw: EditedNearestNeighbours(
        n_neighbors=2, kind_sel="mode", **kw
    ),
    "RepeatedEditedNearestNeighbours": lambda **kw: RepeatedEditedNearestNeighbours(
        n_neighbors=2, **kw
    ),
    "AllKNN": lambda **kw: AllKNN(n_neighbors=2, **kw),
    "CondensedNearestNeighbour": lambda **kw: CondensedNearestNeighbour(
        random_state=0, **kw
    ),
    "OneSidedSelection": lambda **kw: OneSidedSelection(random_state=0, **kw),
    "NeighbourhoodCleaningRule": lambda **kw: NeighbourhoodCleaningRule(
        n_neighbors=2, **kw
    ),
}
#: samplers whose output counts are exactly the strategy's
COUNTING = {
    "RandomUnderSampler",
    "RandomUnderSampler-replacement",
    "NearMiss-1",
    "NearMiss-2",
    "InstanceHardnessThreshold",
}
CLEANING = set(SELECTORS) - COUNTING - {"NearMiss-3"}


@st.composite
def datasets(draw):
    """Overlapping classes of 3 to 40 rows, float32 or float64, with duplicates."""
    n_classes = draw(st.integers(2, 4))
    sizes = draw(st.lists(st.integers(3, 40), min_size=n_classes, max_size=n_classes))
    n_features = draw(st.integers(2, 5))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=2, size=(sum(sizes), n_features)).round(1).astype(dtype)
    y = np.repeat(np.arange(n_classes), sizes)
    order = rng.permutation(len(y))
    return X[order], y[order]


@st.composite
def strategies(draw, y, cleaning):
    """Every form of ``sampling_strategy`` imbalanced-learn accepts, valid for y."""
    counts = Counter(y.tolist())
    forms = ["auto", "majority", "not minority", "not majority", "all"]
    # imbalanced-learn refuses the dict a callable returns for cleaning methods
    forms += ["list"] if cleaning else ["dict", "callable"]
    if not cleaning and len(counts) == 2:
        forms.append("float")
    form = draw(st.sampled_from(forms))
    if form == "float":
        minority, majority = min(counts.values()), max(counts.values())
        return draw(st.floats(minority / majority, 1.0))
    chosen = [klass for klass in sorted(counts) if draw(st.booleans())]
    if form == "list":
        return chosen
    if form == "dict":
        return {klass: draw(st.integers(1, counts[klass])) for klass in chosen}
    if form == "callable":
        target = {klass: min(counts.values()) for klass in chosen}
        return lambda y: target
    return form


@pytest.mark.parametrize("name", sorted(SELECTORS))
@given(data=datasets(), choice=st.data())
def test_selectors_return_input_rows(name, data, choice):
    """Check output == X[sample_indices_], untouched classes, counts, inputs intact."""
    X, y = data
    strategy = choice.draw(strategies(y, cleaning=name in CLEANING))
    X_before, y_before = X.copy(), y.copy()
    sampler = SELECTORS[name](sampling_strategy=strategy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    indices = sampler.sample_indices_
    np.testing.assert_array_equal(X_res, X[indices])
    np.testing.assert_array_equal(y_res, y[indices])
    assert X_res.dtype == X.dtype
    for klass in np.unique(y):
        rows = np.flatnonzero(y == klass)
        kept = indices[np.isin(indices, rows)]
        if klass not in sampler.sampling_strategy_:
            # untouched: every row of the class, once
            np.testing.assert_array_equal(np.sort(kept), rows)
        elif name in COUNTING:
            assert len(kept) == sampler.sampling_strategy_[klass]
        else:
            assert len(kept) <= len(rows)
    if "replacement" not in name and name != "OneSidedSelection":
        assert len(np.unique(indices)) == len(indices)


@given(data=datasets(), choice=st.data())
def test_cluster_centroids_counts_and_untouched_classes(data, choice):
    """Check ClusterCentroids: counts of the strategy, other classes unchanged."""
    X, y = data
    strategy = choice.draw(strategies(y, cleaning=False))
    sampler = ClusterCentroids(random_state=0, sampling_strategy=strategy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # k-means: fewer distinct points
        X_res, y_res = sampler.fit_resample(X, y)
    for klass in np.unique(y):
        out = X_res[y_res == klass]
        if klass in sampler.sampling_strategy_:
            assert len(out) == sampler.sampling_strategy_[klass]
        else:
            np.testing.assert_array_equal(out, X[y == klass])
    assert not hasattr(sampler, "sample_indices_")


# three classes drawn from one distribution: the editing rules may remove one whole
@pytest.mark.filterwarnings("ignore::imbestimators.exceptions.EmptyClassWarning")
@pytest.mark.parametrize("name", sorted(SELECTORS))
def test_selectors_keep_pandas_and_sparse(name):
    """Check that a DataFrame comes back as the input's rows and sparse as sparse."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.repeat([0, 1, 2], [30, 20, 10])
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(100, 160))
    frame["b"] = frame["b"].astype(np.float32)
    sampler = SELECTORS[name]()
    X_res, y_res = sampler.fit_resample(frame, pd.Series(y, name="target"))
    assert list(X_res.columns) == ["a", "b", "c"]
    assert X_res["b"].dtype == np.float32
    pd.testing.assert_frame_equal(
        X_res, frame.iloc[sampler.sample_indices_].reset_index(drop=True)
    )
    assert y_res.name == "target"
    X_sparse, _ = SELECTORS[name]().fit_resample(sparse.csr_matrix(X), y)
    assert sparse.issparse(X_sparse)
    np.testing.assert_allclose(X_sparse.toarray(), X[sampler.sample_indices_])


def test_minority_code_is_first_in_y_among_smallest():
    """Check imbalanced-learn's minority: among equal smallest, first in y."""
    y = np.array(["b", "c", "a", "c", "b", "a", "a"])
    classes, codes = class_codes(y)
    assert classes[minority_code(classes, codes)] == "b"


def test_grouped_by_class_orders_classes_then_rows():
    """Check that kept rows come class after class, increasing within a class."""
    codes = np.array([1, 0, 1, 0, 2, 0])
    keep = np.array([True, True, True, False, True, True])
    np.testing.assert_array_equal(grouped_by_class(codes, keep), [1, 5, 0, 2, 4])


def test_vote_breaks_ties_towards_the_smallest_code():
    """Check KNeighborsClassifier's uniform vote, ties to the smallest class."""
    labels = np.array([[1, 0], [2, 2], [2, 1]])
    np.testing.assert_array_equal(vote(labels, 3), [0, 2, 1])


def test_neighbors_param_counts_self_as_imbalanced_learn():
    """Check that an estimator's n_neighbors counts the sample itself when asked."""
    assert neighbors_param(3, "n_neighbors", "X", counts_self=True) == (3, None)
    k, est = neighbors_param(
        NearestNeighbors(n_neighbors=4), "n_neighbors", "X", counts_self=True, n_jobs=2
    )
    assert k == 3
    assert est.n_jobs == 2
    k, _ = neighbors_param(
        NearestNeighbors(n_neighbors=4), "n_neighbors", "X", counts_self=False
    )
    assert k == 4


def test_neighbors_param_rejects_estimator_without_enough_neighbours():
    """Check the message for an estimator whose n_neighbors is too small."""
    with pytest.raises(ValueError, match=r"ENN: n_neighbors must be .*>= 2 \(it"):
        neighbors_param(
            NearestNeighbors(n_neighbors=1), "n_neighbors", "ENN", counts_self=True
        )


def test_classifier_param_accepts_none_int_and_classifier():
    """Check None -> 1 neighbour, ints, and k-NN classifiers; refuse the rest."""
    assert classifier_param(None, "n_neighbors", "CNN") == (1, None)
    assert classifier_param(4, "n_neighbors", "CNN") == (4, None)
    k, est = classifier_param(KNeighborsClassifier(2), "n_neighbors", "CNN")
    assert (k, type(est)) == (2, KNeighborsClassifier)
    with pytest.raises(ValueError, match="CNN: n_neighbors must be None, an int"):
        classifier_param(NearestNeighbors(), "n_neighbors", "CNN")


def test_check_n_samples_names_parameter_and_place():
    """Check the too-few-samples message."""
    with pytest.raises(
        ValueError,
        match=r"NearMiss: n_neighbors=5 needs at least 5 samples in the minority "
        r"class 1, which has 3\. Lower n_neighbors\.",
    ):
        check_n_samples(
            3,
            5,
            parameter="n_neighbors",
            value=5,
            estimator="NearMiss",
            where="the minority class 1",
        )


# -- a class removed whole is reported ---------------------------------------------
#: every row the same point: every row is in every tie-inclusive neighbourhood
X_SAME = np.ones((26, 3))
y_SAME = np.repeat([0, 1], [6, 20])
#: the classes each cleaning sampler (sampling_strategy="all") removes on it
EMPTIED_ON_SAME = {
    **dict.fromkeys(sorted(CLEANING), "class 0 (6 rows) and class 1 (20 rows)"),
    "EditedNearestNeighbours-mode": "class 0 (6 rows)",
}
# Hart's condensing keeps its seed of each class
del EMPTIED_ON_SAME["CondensedNearestNeighbour"]


def emptied_class_warnings(sampler, X, y):
    """``fit_resample``; the output labels and every EmptyClassWarning raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, y_res = sampler.fit_resample(X, y)
    return y_res, [w for w in caught if issubclass(w.category, EmptyClassWarning)]


@pytest.mark.parametrize("name", sorted(EMPTIED_ON_SAME))
def test_a_cleaning_sampler_that_empties_a_class_says_so(name):
    """Check one EmptyClassWarning naming the sampler, each class it removed
    whole and what to do, where all rows coincide (silent before; the inner
    editing step of NeighbourhoodCleaningRule adds no second warning)."""
    sampler = SELECTORS[name](sampling_strategy="all")
    y_res, caught = emptied_class_warnings(sampler, X_SAME, y_SAME)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith(
        f"{type(sampler).__name__}(sampling_strategy='all') removed every row of "
        f"{EMPTIED_ON_SAME[name]}: the resampled data have no row of "
    )
    assert "tie-inclusive" in message
    assert "leave it out of sampling_strategy" in message
    assert set(y_res.tolist()) == {0, 1} - {
        int(c) for c in re.findall(r"class (\d) \(", message)
    }


def test_one_sided_selection_of_a_single_tomek_link_says_so():
    """Check two well-separated pairs: condensing keeps one row of each, a
    Tomek link, which then goes too (silent before)."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]])
    y = np.array([0, 0, 1, 1])
    sampler = OneSidedSelection(sampling_strategy=[0, 1], random_state=0)
    y_res, caught = emptied_class_warnings(sampler, X, y)
    assert len(y_res) == 0
    assert len(caught) == 1
    assert str(caught[0].message).startswith(
        "OneSidedSelection(sampling_strategy=[0, 1]) removed every row of class 0 "
        "(2 rows) and class 1 (2 rows)"
    )


@pytest.mark.parametrize("name", sorted(CLEANING))
def test_a_cleaning_sampler_that_keeps_every_class_is_silent(name):
    """Check that no EmptyClassWarning is raised while every class keeps a row."""
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(size=(20, 2)), rng.normal(size=(10, 2)) + 4]
    y = np.repeat([0, 1], [20, 10])
    y_res, caught = emptied_class_warnings(SELECTORS[name](), X, y)
    assert set(y_res.tolist()) == {0, 1}
    assert caught == []


def test_an_error_inside_a_cleaning_sampler_leaves_the_next_one_warning():
    """Check that an error in a nested cleaning step (the editing of
    NeighbourhoodCleaningRule) does not leave the next sampler nested."""
    too_many = EditedNearestNeighbours(n_neighbors=30)
    with pytest.raises(ValueError, match="n_neighbors=30 needs at least 31 samples"):
        NeighbourhoodCleaningRule(edited_nearest_neighbours=too_many).fit_resample(
            X_SAME, y_SAME
        )
    _, caught = emptied_class_warnings(
        EditedNearestNeighbours(sampling_strategy="all"), X_SAME, y_SAME
    )
    assert len(caught) == 1
