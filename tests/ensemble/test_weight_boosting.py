"""Tests of RUSBoostClassifier."""

import pickle
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.ensemble import RUSBoostClassifier as ImbRUSBoostClassifier
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier, ExtraTreeClassifier

from imbestimators.ensemble import RUSBoostClassifier
from imbestimators.pipeline import Pipeline
from imbestimators.testing import imbalanced_datasets
from imbestimators.under_sampling import RandomUnderSampler


def _data(n_classes=2, n_samples=600, seed=0, **params):
    weights = {2: [0.7], 3: [0.1, 0.3, 0.6]}[n_classes]
    params = {"n_informative": 4, "flip_y": 0.05, **params}
    return make_classification(
        n_samples=n_samples,
        n_classes=n_classes,
        weights=weights,
        random_state=seed,
        **params,
    )


def _fit_quietly(estimator, X, y, **fit_params):
    """Fit, silencing imbalanced-learn's FutureWarning for a set ``algorithm``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return estimator.fit(X, y, **fit_params)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"replacement": True},
        {"learning_rate": 0.3, "n_estimators": 20},
        {"estimator": DecisionTreeClassifier(max_depth=3), "n_estimators": 10},
        {"sampling_strategy": "all"},
        # members other than scikit-learn's trees get X unconverted
        {"estimator": LogisticRegression(C=1e4), "n_estimators": 10},
        {"estimator": ExtraTreeClassifier(), "n_estimators": 10},
    ],
)
@pytest.mark.parametrize("sparse_container", [None, sparse.csr_matrix])
def test_same_model_as_imbalanced_learn(n_classes, params, sparse_container):
    """Check that the same random_state gives imbalanced-learn's model exactly.

    Both libraries draw the same seeds, the same under-samples (our
    RandomUnderSampler draws imbalanced-learn's rows) and apply the same
    SAMME update, so every fitted number is equal, not just close.
    """
    X, y = _data(n_classes, flip_y=0.2)
    if sparse_container is not None:
        X = sparse_container(X)
    sample_weight = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    ours = RUSBoostClassifier(random_state=1, **params)
    theirs = ImbRUSBoostClassifier(random_state=1, **params)
    ours.fit(X, y, sample_weight=sample_weight)
    theirs.fit(X, y, sample_weight=sample_weight)

    assert len(ours.estimators_) == len(theirs.estimators_) > 1
    np.testing.assert_array_equal(ours.estimator_weights_, theirs.estimator_weights_)
    np.testing.assert_array_equal(ours.estimator_errors_, theirs.estimator_errors_)
    for mine, other in zip(ours.samplers_, theirs.samplers_):
        np.testing.assert_array_equal(mine.sample_indices_, other.sample_indices_)
    np.testing.assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    np.testing.assert_array_equal(
        ours.decision_function(X), theirs.decision_function(X)
    )
    if hasattr(ours.estimators_[0], "feature_importances_"):
        np.testing.assert_array_equal(
            ours.feature_importances_, theirs.feature_importances_
        )


@pytest.mark.parametrize("n_classes", [2, 3])
def test_mean_roc_auc_agrees_with_imbalanced_learn(n_classes):
    """Check the mean ROC-AUC over repeated stratified CV against imbalanced-learn.

    Same folds for both libraries, a few generated sets; tolerance 0.005.
    """
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    for seed in range(3):
        X, y = _data(n_classes, n_samples=400, seed=seed, flip_y=0.1)
        scores = {"ours": [], "theirs": []}
        for fold, (train, test) in enumerate(cv.split(X, y)):
            for name, Model in [
                ("ours", RUSBoostClassifier),
                ("theirs", ImbRUSBoostClassifier),
            ]:
                model = Model(
                    estimator=DecisionTreeClassifier(max_depth=3),
                    n_estimators=20,
                    random_state=fold,
                )
                proba = model.fit(X[train], y[train]).predict_proba(X[test])
                if n_classes == 2:
                    proba = proba[:, 1]
                scores[name].append(roc_auc_score(y[test], proba, multi_class="ovr"))
        assert abs(np.mean(scores["ours"]) - np.mean(scores["theirs"])) <= 0.005


@pytest.mark.parametrize(
    ("sampling_strategy", "expected"),
    [
        ("auto", {0: 60, 1: 60, 2: 60}),
        ("not majority", {0: 60, 1: 60, 2: 360}),
        ({2: 100, 1: 90}, {0: 60, 1: 90, 2: 100}),
    ],
)
def test_every_round_learns_on_the_promised_counts(sampling_strategy, expected):
    """Check each round's under-sample counts, and that its member saw those rows."""
    X, y = _data(3, flip_y=0)
    assert Counter(y.tolist()) == {0: 60, 1: 180, 2: 360}
    clf = RUSBoostClassifier(
        estimator=DecisionTreeClassifier(max_depth=2),
        n_estimators=8,
        sampling_strategy=sampling_strategy,
        random_state=0,
    ).fit(X, y)
    assert len(clf.samplers_) == len(clf.estimators_) > 1
    for sampler, member in zip(clf.samplers_, clf.estimators_):
        assert Counter(y[sampler.sample_indices_].tolist()) == expected
        assert member.tree_.n_node_samples[0] == sum(expected.values())


def test_samplers_are_fitted_as_by_fit_resample():
    """Check that every round's sampler is the one fit_resample would give.

    Only the first round validates through fit_resample; later rounds reuse its
    state and draw, which must not change the rows or the fitted attributes.
    """
    X, y = _data(3, flip_y=0.2)
    clf = RUSBoostClassifier(n_estimators=6, random_state=0).fit(X, y)
    assert len(clf.samplers_) > 2
    for sampler in clf.samplers_:
        fresh = clone(sampler)
        fresh.fit_resample(X, y)
        np.testing.assert_array_equal(sampler.sample_indices_, fresh.sample_indices_)
        assert sampler.sampling_strategy_ == fresh.sampling_strategy_
        assert sampler.n_features_in_ == fresh.n_features_in_ == X.shape[1]
    strategies = [sampler.sampling_strategy_ for sampler in clf.samplers_]
    assert strategies[0] is not strategies[1]  # no fitted state shared


def _reference_rusboost(clf, X, y, sample_weight):
    """Replay ``clf``'s rounds by the rule of Seiffert et al. with SAMME weights.

    Each member is refitted from scratch on its round's rows with those rows'
    current weights; the error is the weighted error over all rows, and all
    rows' weights are updated. Returns the errors and member weights.
    """
    w = sample_weight / sample_weight.sum()
    k = len(np.unique(y))
    errors, alphas = [], []
    for sampler, member in zip(clf.samplers_, clf.estimators_):
        w = np.where(w > 0, np.maximum(w, np.finfo(float).eps), 0.0)
        rows = sampler.sample_indices_
        refit = clone(member).fit(X[rows], y[rows], sample_weight=w[rows])
        incorrect = refit.predict(X) != y
        error = np.sum(w * incorrect) / np.sum(w)
        alpha = clf.learning_rate * (np.log((1 - error) / error) + np.log(k - 1))
        errors.append(error)
        alphas.append(alpha)
        w = w * np.exp(alpha * incorrect)
        w /= w.sum()
    return np.array(errors), np.array(alphas)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_boosting_weights_follow_the_drawn_rows(n_classes):
    """Check the weights given to each member and the update of all rows.

    The member of a round is fitted on the under-sample with the current
    boosting weights of exactly those rows; its error and the update are
    computed over every row, drawn or not.
    """
    X, y = _data(n_classes, flip_y=0.2)
    sample_weight = np.random.default_rng(1).uniform(0.1, 3.0, len(y))
    clf = RUSBoostClassifier(
        estimator=DecisionTreeClassifier(max_depth=2),
        n_estimators=10,
        learning_rate=0.5,
        random_state=0,
    ).fit(X, y, sample_weight=sample_weight)
    n = len(clf.estimators_)
    assert n > 2
    errors, alphas = _reference_rusboost(clf, X, y, sample_weight)
    np.testing.assert_allclose(clf.estimator_errors_[:n], errors, rtol=1e-10)
    np.testing.assert_allclose(clf.estimator_weights_[:n], alphas, rtol=1e-10)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_zero_weight_equals_dropping_the_row(n_classes):
    """Check that rows of weight 0 fit the same model as rows removed.

    imbalanced-learn draws zero-weight rows into the under-samples, where they
    take the place of rows that count and shift the class counts, so there
    the two fits differ.
    """
    X, y = _data(n_classes)
    rng = np.random.default_rng(0)
    sample_weight = rng.uniform(0.5, 2.0, len(y))
    sample_weight[rng.choice(len(y), 150, replace=False)] = 0
    kept = sample_weight > 0
    assert set(y[kept]) == set(y)  # every class keeps rows of positive weight
    params = {"n_estimators": 15, "learning_rate": 0.5, "random_state": 3}

    weighted = RUSBoostClassifier(**params).fit(X, y, sample_weight=sample_weight)
    dropped = RUSBoostClassifier(**params).fit(
        X[kept], y[kept], sample_weight=sample_weight[kept]
    )
    assert len(weighted.estimators_) == len(dropped.estimators_) > 1
    np.testing.assert_allclose(weighted.estimator_weights_, dropped.estimator_weights_)
    np.testing.assert_allclose(weighted.predict_proba(X), dropped.predict_proba(X))
    for mine, other in zip(weighted.samplers_, dropped.samplers_):
        # positions in the X given to fit: the same rows, by their full index
        assert kept[mine.sample_indices_].all()
        np.testing.assert_array_equal(
            mine.sample_indices_, np.flatnonzero(kept)[other.sample_indices_]
        )


def test_class_of_zero_weight_is_never_learnt():
    """Check a class whose rows all weigh 0: kept in classes_, never drawn.

    With two classes left nothing can be learnt, and the error says why.
    """
    X, y = _data(3, flip_y=0.2)
    sample_weight = np.where(y == 1, 0.0, 1.0)
    clf = RUSBoostClassifier(n_estimators=5, random_state=0)
    clf.fit(X, y, sample_weight=sample_weight)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (len(y), 3)
    assert 1 not in clf.predict(X)
    for sampler in clf.samplers_:
        assert 1 not in y[sampler.sample_indices_]

    X, y = _data(2)
    with pytest.raises(ValueError, match=r"sample_weight is 0 on every row of class"):
        clf.fit(X, y, sample_weight=np.where(y == 1, 0.0, 1.0))


def test_same_random_state_same_model():
    """Check that the same random_state refits the same model and another does not."""
    X, y = _data(3, flip_y=0.2)
    first = RUSBoostClassifier(n_estimators=10, random_state=7).fit(X, y)
    again = RUSBoostClassifier(n_estimators=10, random_state=7).fit(X, y)
    other = RUSBoostClassifier(n_estimators=10, random_state=8).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    np.testing.assert_array_equal(
        first.samplers_[0].sample_indices_, again.samplers_[0].sample_indices_
    )
    assert not np.array_equal(
        first.samplers_[0].sample_indices_, other.samplers_[0].sample_indices_
    )
    seeds = [sampler.random_state for sampler in first.samplers_]
    assert len(set(seeds)) == len(seeds)


def test_pipelines_are_the_fitted_rounds():
    """Check that pipelines_[i] is samplers_[i] then estimators_[i], fitted.

    imbalanced-learn stores unfitted copies, whose predict raises NotFittedError.
    """
    X, y = _data(3, flip_y=0.2)
    clf = RUSBoostClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert len(clf.pipelines_) == len(clf.estimators_)
    for pipeline, sampler, member in zip(
        clf.pipelines_, clf.samplers_, clf.estimators_
    ):
        assert isinstance(pipeline, Pipeline)
        assert pipeline[0] is sampler
        assert pipeline[-1] is member
        np.testing.assert_array_equal(pipeline.predict(X), member.predict(X))
    assert clf.base_sampler_.random_state is None
    assert isinstance(clf.base_sampler_, RandomUnderSampler)


def test_pickle_round_trip():
    """Check that a pickled model predicts the same and keeps its pipelines' links."""
    X, y = _data(3, flip_y=0.2)
    clf = RUSBoostClassifier(n_estimators=5, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.pipelines_[0][-1] is restored.estimators_[0]
    assert not hasattr(restored, "_candidates")


def test_staged_outputs_end_at_the_final_model():
    """Check the staged methods: one stage per member, the last one the model's."""
    X, y = _data(3, flip_y=0.2)
    clf = RUSBoostClassifier(n_estimators=6, random_state=0).fit(X, y)
    stages = list(clf.staged_predict_proba(X))
    assert len(stages) == len(clf.estimators_)
    np.testing.assert_allclose(stages[-1], clf.predict_proba(X))
    decisions = list(clf.staged_decision_function(X))
    np.testing.assert_allclose(decisions[-1], clf.decision_function(X))
    np.testing.assert_array_equal(list(clf.staged_predict(X))[-1], clf.predict(X))
    assert len(list(clf.staged_score(X, y))) == len(stages)


def test_string_labels_and_dataframe():
    """Check string class labels and a dataframe's feature names."""
    pd = pytest.importorskip("pandas")
    X, y = _data(3, flip_y=0.2)
    labels = np.array(["ant", "bee", "cat"])[y]
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = RUSBoostClassifier(n_estimators=5, random_state=0).fit(frame, labels)
    np.testing.assert_array_equal(clf.classes_, ["ant", "bee", "cat"])
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)
    assert set(clf.predict(frame)) <= set(labels)
    assert clf.predict_proba(frame).shape == (len(y), 3)
    assert clf.feature_importances_.shape == (X.shape[1],)


def test_algorithm_is_deprecated_and_runs_samme():
    """Check imbalanced-learn's FutureWarning, once per fit, and the SAMME model.

    imbalanced-learn 0.14.2 warns at every round, and with 'SAMME.R' weights
    rows by that rule while voting with every member weighted 1.
    """
    X, y = _data(3, flip_y=0.2)
    default = RUSBoostClassifier(n_estimators=5, random_state=0).fit(X, y)
    for algorithm in ["SAMME", "SAMME.R"]:
        clf = RUSBoostClassifier(n_estimators=5, algorithm=algorithm, random_state=0)
        with pytest.warns(FutureWarning) as record:
            clf.fit(X, y)
        assert len(record) == 1
        assert "`algorithm` parameter is deprecated in 0.12" in str(record[0].message)
        np.testing.assert_array_equal(clf.predict_proba(X), default.predict_proba(X))


# scikit-learn's own finite check of the overflowing cast warns before raising
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_values_beyond_float32_are_reported_by_the_tree():
    """Check that the float32 cast made once for tree members hides no error.

    The trees cast X to float32 themselves and refuse what overflows; so must
    the ensemble that casts for them, in fit and in predict.
    """
    X, y = _data(2)
    too_large = X.copy()
    too_large[:, 0] *= 1e39
    message = "too large for dtype\\('float32'\\)"
    with pytest.raises(ValueError, match=message):
        RUSBoostClassifier(random_state=0).fit(too_large, y)
    clf = RUSBoostClassifier(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=message):
        clf.predict(too_large)
    # one overflowing row of weight 0 is never drawn, only predicted each round
    one_row = X.copy()
    one_row[0, 0] = 1e39
    sample_weight = np.ones(len(y))
    sample_weight[0] = 0
    with pytest.raises(ValueError, match=message):
        RUSBoostClassifier(random_state=0).fit(one_row, y, sample_weight=sample_weight)


def test_first_member_worse_than_chance_is_an_error():
    """Check the message when no member beats chance."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = np.repeat([0, 1, 2], 30)
    # a stump fitted on 2 rows per class of pure noise tells at most two
    # classes apart and errs on most rows
    clf = RUSBoostClassifier(
        estimator=DecisionTreeClassifier(max_depth=1),
        sampling_strategy={0: 2, 1: 2, 2: 2},
        random_state=0,
    )
    with pytest.raises(ValueError, match="RUSBoostClassifier: the first member"):
        clf.fit(X, y)


def test_estimator_without_sample_weight_is_refused():
    """Check that a member that cannot take sample_weight is refused before fitting."""
    X, y = _data(2)
    clf = RUSBoostClassifier(estimator=KNeighborsClassifier())
    with pytest.raises(ValueError, match="KNeighborsClassifier doesn't support"):
        clf.fit(X, y)
    assert not hasattr(clf, "estimators_")


@settings(max_examples=15)
@given(
    data=imbalanced_datasets(n_classes=(2, 3), class_size=(3, 40)),
    seed=st.integers(0, 2**16),
    n_zero=st.integers(0, 5),
)
def test_rounds_are_balanced_and_skip_zero_weights(data, seed, n_zero):
    """Check, on any imbalanced data, each round's counts and its drawable rows."""
    X, y = data
    rng = np.random.default_rng(seed)
    sample_weight = rng.uniform(0.5, 2.0, len(y))
    zero = rng.choice(len(y), min(n_zero, len(y)), replace=False)
    sample_weight[zero] = 0
    positive = sample_weight > 0
    counts = Counter(y[positive].tolist())
    clf = RUSBoostClassifier(
        DecisionTreeClassifier(max_depth=3), n_estimators=5, random_state=seed
    )
    try:
        clf.fit(X, y, sample_weight=sample_weight)
    except ValueError as error:
        refused = str(error)
    else:
        refused = ""
    if refused:  # noise data can defeat the first member: the documented error
        assert "no better than chance" in refused
        return
    smallest = min(counts.values())
    for sampler in clf.samplers_:
        drawn = sampler.sample_indices_
        assert positive[drawn].all()
        assert Counter(y[drawn].tolist()) == dict.fromkeys(counts, smallest)
