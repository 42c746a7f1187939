"""Tests of EasyEnsembleClassifier."""

import inspect
import pickle

import numpy as np
import pytest
from imblearn.ensemble import EasyEnsembleClassifier as ImbEasyEnsemble
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import AdaBoostClassifier
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

from imbestimators.ensemble import EasyEnsembleClassifier
from imbestimators.pipeline import Pipeline
from imbestimators.under_sampling import RandomUnderSampler


def _data(n=300, n_classes=2, seed=0, flip_y=0.0):
    weights = [0.85, 0.15] if n_classes == 2 else [0.7, 0.2, 0.1]
    return make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=weights,
        flip_y=flip_y,
        random_state=seed,
    )


def _small(**params):
    """Few, small members: the tests stay fast."""
    estimator = AdaBoostClassifier(n_estimators=5)
    return EasyEnsembleClassifier(n_estimators=4, estimator=estimator, **params)


def test_parameters_are_imbalanced_learns():
    """Check that the parameters, their order and defaults are imbalanced-learn's."""
    ours = inspect.signature(EasyEnsembleClassifier).parameters
    theirs = inspect.signature(ImbEasyEnsemble).parameters
    assert [(p.name, p.default, p.kind) for p in ours.values()] == [
        (p.name, p.default, p.kind) for p in theirs.values()
    ]
    assert EasyEnsembleClassifier().get_params() == ImbEasyEnsemble().get_params()


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("replacement", [False, True])
def test_same_members_as_imbalanced_learn(n_classes, replacement):
    """Check that the same seed gives imbalanced-learn's ensemble exactly."""
    X, y = _data(n_classes=n_classes)
    ours = _small(replacement=replacement, random_state=0).fit(X, y)
    theirs = ImbEasyEnsemble(
        n_estimators=4,
        estimator=AdaBoostClassifier(n_estimators=5),
        replacement=replacement,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    np.testing.assert_array_equal(
        ours.decision_function(X), theirs.decision_function(X)
    )
    for mine, ref in zip(ours.estimators_samples_, theirs.estimators_samples_):
        np.testing.assert_array_equal(mine, ref)


@pytest.mark.parametrize("seed", [0, 1])
def test_roc_auc_agrees_with_imbalanced_learn(seed):
    """Check that mean ROC-AUC over repeated stratified CV is imblearn's, closely."""
    X, y = _data(n=400, seed=seed, flip_y=0.02)
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=seed)
    estimator = AdaBoostClassifier(n_estimators=10)
    scores = [
        cross_val_score(
            cls(n_estimators=5, estimator=estimator, random_state=seed),
            X,
            y,
            cv=cv,
            scoring="roc_auc",
        ).mean()
        for cls in (EasyEnsembleClassifier, ImbEasyEnsemble)
    ]
    assert scores[0] == pytest.approx(scores[1], abs=0.02)


def test_every_member_balances_all_the_rows():
    """Check that each member draws every row once and balances them.

    estimators_samples_ keeps imbalanced-learn's meaning (the rows before the
    under-sampler): all of them, in the member's order.
    """
    X, y = _data(n_classes=3)
    model = _small(random_state=0).fit(X, y)
    minority = np.bincount(y).min()
    for rows, member in zip(model.estimators_samples_, model.estimators_):
        np.testing.assert_array_equal(np.sort(rows), np.arange(len(y)))
        kept = rows[member[0].sample_indices_]
        np.testing.assert_array_equal(np.bincount(y[kept]), [minority] * 3)
        assert isinstance(member, Pipeline)
        assert isinstance(member[0], RandomUnderSampler)


def test_default_estimator_is_adaboost():
    """Check the default member classifier, and a given one."""
    X, y = _data()
    model = EasyEnsembleClassifier(n_estimators=2, random_state=0).fit(X, y)
    assert isinstance(model.estimator_[-1], AdaBoostClassifier)
    assert len(model.estimators_[0][-1].estimators_) == 50
    tree = DecisionTreeClassifier(max_depth=2)
    model = EasyEnsembleClassifier(n_estimators=2, estimator=tree).fit(X, y)
    assert isinstance(model.estimators_[1][-1], DecisionTreeClassifier)


def test_nan_is_accepted_when_the_estimator_accepts_it():
    """Check that the allow_nan tag follows the classifier (imblearn's rule)."""
    assert not EasyEnsembleClassifier().__sklearn_tags__().input_tags.allow_nan
    model = EasyEnsembleClassifier(n_estimators=2, estimator=DecisionTreeClassifier())
    assert model.__sklearn_tags__().input_tags.allow_nan
    X, y = _data()
    X[::7, 0] = np.nan
    assert model.fit(X, y).predict(X).shape == y.shape


def test_same_ensemble_for_any_n_jobs():
    """Check that n_jobs does not change the members.

    The average of their probabilities is summed job by job (scikit-learn's
    predict_proba), so it may differ in the last bit.
    """
    X, y = _data()
    fits = [_small(n_jobs=n_jobs, random_state=5).fit(X, y) for n_jobs in (1, 2)]
    for one, two in zip(fits[0].estimators_, fits[1].estimators_):
        np.testing.assert_array_equal(one.predict_proba(X), two.predict_proba(X))
    np.testing.assert_allclose(
        fits[0].predict_proba(X), fits[1].predict_proba(X), rtol=1e-12
    )


def test_warm_start_adds_members_and_keeps_the_old():
    """Check that 2 + 2 warm-started members are the 4 of one fit."""
    X, y = _data()
    model = _small(warm_start=True, random_state=2).set_params(n_estimators=2)
    model.fit(X, y)
    first = list(model.estimators_)
    model.set_params(n_estimators=4).fit(X, y)
    assert all(a is b for a, b in zip(model.estimators_[:2], first))
    cold = _small(random_state=2).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), cold.predict_proba(X))
    with pytest.raises(ValueError, match="must be larger or equal"):
        model.set_params(n_estimators=1).fit(X, y)


def test_fit_takes_no_sample_weight():
    """Check that fit, as imbalanced-learn's, has no sample_weight."""
    X, y = _data()
    with pytest.raises(TypeError, match="sample_weight"):
        _small().fit(X, y, sample_weight=np.ones(len(y)))


def test_bagging_parameters_are_fixed():
    """Check that the bagging settings EasyEnsemble fixes are not parameters."""
    model = EasyEnsembleClassifier()
    assert "bootstrap" not in model.get_params()
    assert (model.bootstrap, model.max_samples, model.oob_score) == (False, 1.0, False)
    with pytest.raises(ValueError, match="Invalid parameter 'bootstrap'"):
        model.set_params(bootstrap=True)


def test_pickle_and_clone():
    """Check that a fitted ensemble pickles, and that clone gives it unfitted."""
    X, y = _data()
    model = _small(random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    fresh = clone(model)
    assert not hasattr(fresh, "estimators_")
    assert fresh.get_params()["n_estimators"] == 4
