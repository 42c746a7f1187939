"""Tests of BalancedBaggingClassifier."""

import inspect
import pickle

import numpy as np
import pytest
from imblearn.ensemble import BalancedBaggingClassifier as ImbBalancedBagging
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.under_sampling import EditedNearestNeighbours as ImbENN
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

from imbestimators import FunctionSampler
from imbestimators.ensemble import BalancedBaggingClassifier
from imbestimators.over_sampling import SMOTE, RandomOverSampler
from imbestimators.pipeline import Pipeline
from imbestimators.under_sampling import EditedNearestNeighbours, RandomUnderSampler


def _data(n=300, n_classes=2, seed=0, flip_y=0.0):
    weights = [0.85, 0.15] if n_classes == 2 else [0.7, 0.2, 0.1]
    return make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=2 if n_classes == 2 else 1,
        weights=weights,
        flip_y=flip_y,
        random_state=seed,
    )


class RecordingTree(DecisionTreeClassifier):
    """A tree that keeps the data it was fitted on."""

    def fit(self, X, y, sample_weight=None):
        self.X_fit_, self.y_fit_ = np.array(X), np.array(y)
        return super().fit(X, y, sample_weight=sample_weight)


def test_parameters_are_imbalanced_learns():
    """Check that the parameters, their order and defaults are imbalanced-learn's."""
    ours = inspect.signature(BalancedBaggingClassifier).parameters
    theirs = inspect.signature(ImbBalancedBagging).parameters
    assert [(p.name, p.default, p.kind) for p in ours.values()] == [
        (p.name, p.default, p.kind) for p in theirs.values()
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"bootstrap": False},
        {"max_samples": 0.5, "max_features": 0.5, "bootstrap_features": True},
        {"replacement": True, "n_estimators": 4},
        {"sampling_strategy": "all"},
    ],
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_same_members_as_imbalanced_learn(params, n_classes):
    """Check that with the default sampler the same seed gives imblearn's ensemble."""
    X, y = _data(n_classes=n_classes)
    ours = BalancedBaggingClassifier(random_state=0, **params).fit(X, y)
    theirs = ImbBalancedBagging(random_state=0, **params).fit(X, y)
    np.testing.assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    for mine, ref in zip(ours.estimators_samples_, theirs.estimators_samples_):
        np.testing.assert_array_equal(mine, ref)
    for mine, ref in zip(ours.estimators_features_, theirs.estimators_features_):
        np.testing.assert_array_equal(mine, ref)
    for mine, ref in zip(ours.estimators_, theirs.estimators_):
        np.testing.assert_array_equal(mine[0].sample_indices_, ref[0].sample_indices_)


def test_same_members_with_a_dict_strategy():
    """Check that a dict sampling_strategy (original labels) is imblearn's."""
    X, y = _data(n_classes=3)
    labels = np.array(["a", "b", "c"])[y]
    strategy = {"a": 25, "b": 20}
    ours = BalancedBaggingClassifier(sampling_strategy=strategy, random_state=1)
    theirs = ImbBalancedBagging(sampling_strategy=strategy, random_state=1)
    ours.fit(X, labels)
    theirs.fit(X, labels)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.sampler_.sampling_strategy == {0: 25, 1: 20}


def test_cleaning_rule_members_see_imbalanced_learns_rows():
    """Check that a deterministic cleaning rule keeps imblearn's rows in each member.

    Without a bootstrap every member draws all the rows (in its own order),
    so ENN, which involves no randomness, keeps the same set of rows.
    """
    X, y = _data(flip_y=0.05)
    params = {"bootstrap": False, "max_samples": 1.0, "random_state": 0}
    ours = BalancedBaggingClassifier(sampler=EditedNearestNeighbours(), **params)
    theirs = ImbBalancedBagging(sampler=ImbENN(), **params)
    ours.fit(X, y)
    theirs.fit(X, y)
    pairs = zip(
        ours.estimators_samples_,
        ours.estimators_,
        theirs.estimators_samples_,
        theirs.estimators_,
    )
    for rows, member, ref_rows, ref_member in pairs:
        kept = np.sort(rows[member[0].sample_indices_])
        ref_kept = np.sort(ref_rows[ref_member[0].sample_indices_])
        assert len(kept) < len(y)
        np.testing.assert_array_equal(kept, ref_kept)


@pytest.mark.parametrize(
    ("make_ours", "make_theirs"),
    [
        (lambda: None, lambda: None),
        (lambda: SMOTE(random_state=0), lambda: ImbSMOTE(random_state=0)),
    ],
    ids=["RandomUnderSampler", "SMOTE"],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_roc_auc_agrees_with_imbalanced_learn(make_ours, make_theirs, seed):
    """Check that mean ROC-AUC over repeated stratified CV is imblearn's, closely."""
    X, y = _data(n=400, seed=seed, flip_y=0.02)
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=seed)
    scores = {}
    for name, cls, sampler in (
        ("ours", BalancedBaggingClassifier, make_ours()),
        ("theirs", ImbBalancedBagging, make_theirs()),
    ):
        model = cls(n_estimators=10, sampler=sampler, random_state=seed)
        scores[name] = cross_val_score(model, X, y, cv=cv, scoring="roc_auc").mean()
    assert scores["ours"] == pytest.approx(scores["theirs"], abs=0.02)


@pytest.mark.parametrize(
    "sampler",
    [None, RandomOverSampler(), SMOTE(k_neighbors=3)],
    ids=["default", "RandomOverSampler", "SMOTE"],
)
def test_estimators_samples_are_the_rows_each_member_was_fitted_on(sampler):
    """Check that member i, refitted on X[estimators_samples_[i]], is member i.

    estimators_samples_ has imbalanced-learn's meaning: the rows drawn before
    the sampler. The classifier sees the rows its sampler kept among them.
    """
    X, y = _data()
    model = BalancedBaggingClassifier(
        RecordingTree(random_state=0),
        n_estimators=4,
        max_features=0.5,
        sampler=sampler,
        random_state=0,
    ).fit(X, y)
    for rows, features, member in zip(
        model.estimators_samples_, model.estimators_features_, model.estimators_
    ):
        X_member = X[rows][:, features]
        refitted = clone(member).fit(X_member, y[rows])
        np.testing.assert_array_equal(refitted[-1].X_fit_, member[-1].X_fit_)
        np.testing.assert_array_equal(
            refitted[-1].predict(X_member), member.predict(X_member)
        )
        if sampler is None:
            kept = rows[member[0].sample_indices_]
            np.testing.assert_array_equal(member[-1].X_fit_, X[kept][:, features])


def test_fast_member_sampler_state_is_a_pipeline_fit():
    """Check that the default sampler ends as a Pipeline.fit would leave it."""
    X, y = _data()
    model = BalancedBaggingClassifier(n_estimators=3, random_state=0).fit(X, y)
    for rows, member in zip(model.estimators_samples_, model.estimators_):
        reference = clone(member).fit(X[rows], model._validate_y(y)[rows])
        fitted, expected = member[0], reference[0]
        assert sorted(vars(fitted)) == sorted(vars(expected))
        np.testing.assert_array_equal(fitted.sample_indices_, expected.sample_indices_)
        assert fitted.sampling_strategy_ == expected.sampling_strategy_
        assert fitted.n_features_in_ == expected.n_features_in_


def test_members_are_pipelines_of_our_steps():
    """Check that members are our Pipeline of our sampler and a clone of estimator."""
    X, y = _data()
    estimator = LogisticRegression()
    model = BalancedBaggingClassifier(estimator, n_estimators=2, random_state=0)
    model.fit(X, y)
    for member in [model.estimator_, *model.estimators_]:
        assert isinstance(member, Pipeline)
        assert [name for name, _ in member.steps] == ["sampler", "classifier"]
        assert isinstance(member[0], RandomUnderSampler)
        assert isinstance(member[-1], LogisticRegression)
        assert member[-1] is not estimator
    assert model.sampler_ is model.estimator_[0]
    assert model.decision_function(X).shape == (len(y),)


@pytest.mark.parametrize("sampler", [None, SMOTE()], ids=["default", "SMOTE"])
def test_same_ensemble_for_any_n_jobs(sampler):
    """Check that n_jobs does not change the members."""
    X, y = _data()
    fits = [
        BalancedBaggingClassifier(
            n_estimators=5, sampler=sampler, n_jobs=n_jobs, random_state=3
        ).fit(X, y)
        for n_jobs in (1, 2)
    ]
    for one, two in zip(fits[0].estimators_samples_, fits[1].estimators_samples_):
        np.testing.assert_array_equal(one, two)
    for one, two in zip(fits[0].estimators_, fits[1].estimators_):
        np.testing.assert_array_equal(one.predict_proba(X), two.predict_proba(X))
    # averaged job by job (scikit-learn's predict_proba): equal to the last bit
    np.testing.assert_allclose(
        fits[0].predict_proba(X), fits[1].predict_proba(X), rtol=1e-12
    )


def test_warm_start_adds_members_and_keeps_the_old():
    """Check that warm_start keeps the fitted members and adds the missing ones.

    5 + 5 warm-started members are the 10 members of one fit, and
    estimators_samples_ then has one entry per member (scikit-learn's keeps
    only the last fit's).
    """
    X, y = _data()
    model = BalancedBaggingClassifier(n_estimators=5, warm_start=True, random_state=7)
    model.fit(X, y)
    first = list(model.estimators_)
    model.set_params(n_estimators=10).fit(X, y)
    assert len(model.estimators_) == 10
    assert all(a is b for a, b in zip(model.estimators_[:5], first))
    cold = BalancedBaggingClassifier(n_estimators=10, random_state=7).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), cold.predict_proba(X))
    assert len(model.estimators_samples_) == 10
    for warm, once in zip(model.estimators_samples_, cold.estimators_samples_):
        np.testing.assert_array_equal(warm, once)


def test_warm_start_errors_and_warning():
    """Check fewer members, and the same number, under warm_start."""
    X, y = _data()
    model = BalancedBaggingClassifier(n_estimators=3, warm_start=True, random_state=0)
    model.fit(X, y)
    with pytest.warns(UserWarning, match="without increasing n_estimators"):
        model.fit(X, y)
    with pytest.raises(ValueError, match="n_estimators=2 must be larger or equal"):
        model.set_params(n_estimators=2).fit(X, y)
    model.set_params(oob_score=True, n_estimators=5)
    with pytest.raises(ValueError, match="only available if warm_start=False"):
        model.fit(X, y)


def test_oob_score():
    """Check the out-of-bag estimate, and that it needs a bootstrap."""
    X, y = _data(n=400)
    model = BalancedBaggingClassifier(n_estimators=30, oob_score=True, random_state=0)
    model.fit(X, y)
    assert 0.5 < model.oob_score_ <= 1
    assert model.oob_decision_function_.shape == (len(y), 2)
    with pytest.raises(ValueError, match="only available if bootstrap=True"):
        model.set_params(bootstrap=False).fit(X, y)


def test_sample_weight_draws_rows():
    """Check that sample_weight gives the draw probabilities (scikit-learn's rule).

    A row of zero weight is never drawn, so no member ever sees it.
    """
    X, y = _data()
    weight = np.ones(len(y))
    weight[::3] = 0
    model = BalancedBaggingClassifier(n_estimators=5, random_state=0)
    model.fit(X, y, sample_weight=weight)
    for rows in model.estimators_samples_:
        assert np.all(weight[rows] > 0)
        assert len(rows) == int(weight.sum())
    again = clone(model).fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(model.predict_proba(X), again.predict_proba(X))


def test_sample_weight_of_the_wrong_length():
    """Check that weights of another length are refused before any work."""
    X, y = _data()
    with pytest.raises(ValueError, match="sample_weight"):
        BalancedBaggingClassifier().fit(X, y, sample_weight=np.ones(3))


def test_bypass_sampler_keeps_its_own_rule():
    """Check that a FunctionSampler gets no sampling_strategy and runs as given."""
    X, y = _data()

    def first_half(X, y):
        return X[: len(y) // 2], y[: len(y) // 2]

    model = BalancedBaggingClassifier(
        RecordingTree(),
        n_estimators=2,
        bootstrap=False,
        sampler=FunctionSampler(func=first_half),
        random_state=0,
    ).fit(X, y)
    for member in model.estimators_:
        assert len(member[-1].y_fit_) == len(y) // 2


def test_sampling_strategy_is_set_on_a_given_sampler():
    """Check imblearn's rule: the ensemble's sampling_strategy is the sampler's."""
    X, y = _data()
    model = BalancedBaggingClassifier(
        n_estimators=2,
        sampler=RandomUnderSampler(sampling_strategy=0.5),
        random_state=0,
    ).fit(X, y)
    assert model.sampler_.sampling_strategy == "auto"
    member = model.estimators_[0]
    kept = model.estimators_samples_[0][member[0].sample_indices_]
    # balanced ('auto'), not 1 minority row for 2 majority ones (0.5)
    assert len(set(np.bincount(y[kept]))) == 1


def test_pickle_and_clone():
    """Check that a fitted ensemble pickles, and that clone gives it unfitted."""
    X, y = _data()
    model = BalancedBaggingClassifier(n_estimators=3, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(
        restored.estimators_samples_[2], model.estimators_samples_[2]
    )
    fresh = clone(model)
    assert fresh.get_params() == model.get_params()
    assert not hasattr(fresh, "estimators_")


def test_sparse_and_dataframe_input():
    """Check sparse X, and that a DataFrame's column names are kept."""
    pd = pytest.importorskip("pandas")
    X, y = _data()
    dense = BalancedBaggingClassifier(n_estimators=3, random_state=0).fit(X, y)
    model = BalancedBaggingClassifier(n_estimators=3, random_state=0)
    model.fit(sparse.csr_matrix(X), y)
    np.testing.assert_array_equal(
        model.predict_proba(sparse.csr_matrix(X)), dense.predict_proba(X)
    )
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    model.fit(frame, y)
    assert list(model.feature_names_in_) == list(frame.columns)


def test_multilabel_target_is_refused():
    """Check imbalanced-learn's message for a multilabel target."""
    X, _ = _data(n=30)
    y = np.random.default_rng(0).integers(0, 2, size=(30, 3))
    with pytest.raises(ValueError, match="Multilabel and multioutput targets"):
        BalancedBaggingClassifier().fit(X, y)


def test_tags_follow_the_sampler_and_the_classifier():
    """Check that NaN is announced only when the sampler and classifier take it.

    imbalanced-learn takes the tag from the classifier alone, so with SMOTE
    (which refuses NaN) it announces NaN support that fit then refuses.
    """
    assert BalancedBaggingClassifier().__sklearn_tags__().input_tags.allow_nan
    model = BalancedBaggingClassifier(sampler=SMOTE())
    assert not model.__sklearn_tags__().input_tags.allow_nan
    X, y = _data()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.fit(X, y)
    assert (
        BalancedBaggingClassifier(n_estimators=2).fit(X, y).predict(X).shape == y.shape
    )


def test_sample_weight_without_bootstrap_warns():
    """Check scikit-learn's warning: weights as draw probabilities need a bootstrap."""
    X, y = _data()
    model = BalancedBaggingClassifier(n_estimators=2, bootstrap=False)
    with pytest.warns(UserWarning, match="recommended to use bootstrap=True"):
        model.fit(X, y, sample_weight=np.full(len(y), 0.5))


def _keep_all_on_auto_device(X, y):
    """A sampler function that fails unless the configured device reached it."""
    from imbestimators import get_config

    if get_config()["device"] != "auto":
        raise RuntimeError(f"device {get_config()['device']!r} in the worker")
    return X, y


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_members_see_the_configured_device(n_jobs):
    """The members' samplers run with the caller's imbestimators configuration
    (the k-NN engine's device) in every joblib worker, not the defaults."""
    from imbestimators import config_context

    X, y = make_classification(n_samples=200, weights=[0.8], random_state=0)
    sampler = FunctionSampler(func=_keep_all_on_auto_device)
    bagging = BalancedBaggingClassifier(sampler=sampler, n_estimators=4, n_jobs=n_jobs)
    with config_context(device="auto"):
        bagging.fit(X, y)
    assert len(bagging.estimators_) == 4
