"""Tests of the discovery and selection of strategies."""

import pytest
from sklearn.preprocessing import StandardScaler

from imbestimators._compare._errors import CompareError
from imbestimators._compare._strategies import (
    Strategy,
    available_strategies,
    select_strategies,
)


def test_available_strategies_cover_the_installed_library():
    """Check that baseline, class weights and every sampler family are found."""
    strategies = available_strategies(StandardScaler(), random_state=3)
    names = [s.name for s in strategies]
    assert names[0] == "none"
    assert len(set(names)) == len(names)
    assert {"class_weight=balanced", "RandomOverSampler", "SMOTE", "ADASYN"} <= set(
        names
    )
    families = {s.family for s in strategies}
    assert {"baseline", "class weights", "over-sampling"} <= families
    # simplest first, and every randomised sampler seeded
    assert [s.simplicity for s in strategies] == sorted(
        s.simplicity for s in strategies
    )
    smote = next(s for s in strategies if s.name == "SMOTE")
    assert smote.estimator.named_steps["sampler"].random_state == 3


def test_strategies_share_preprocessing_and_classifier():
    """Check that only the imbalance handling differs between strategies."""
    for strategy in available_strategies(StandardScaler()):
        pipeline = strategy.estimator
        # meta-estimators (threshold tuning ...) wrap the same pipeline
        pipeline = getattr(pipeline, "estimator", pipeline)
        steps = pipeline.named_steps
        assert type(steps["preprocess"]).__name__ == "StandardScaler"
        expected = "LogisticRegression"
        if strategy.family == "neural network":
            expected = "FocalLossMLPClassifier"
        if strategy.family == "ensemble":
            # the ensemble replaces the classifier (the bagging of the shared
            # classifier keeps it as its member)
            expected = strategy.name
        assert type(steps["classifier"]).__name__ == expected


def test_ensembles_and_new_over_samplers_are_strategies():
    """Check that the balanced ensembles form a family, seeded, EasyEnsemble
    heavy, and that SVMSMOTE (heavy: an SVC fit) and KMeansSMOTE are offered."""
    strategies = {
        s.name: s for s in available_strategies(StandardScaler(), random_state=3)
    }
    ensembles = {n for n, s in strategies.items() if s.family == "ensemble"}
    assert ensembles == {
        "BalancedBaggingClassifier",
        "BalancedRandomForestClassifier",
        "EasyEnsembleClassifier",
        "RUSBoostClassifier",
    }
    for name in ensembles:
        assert strategies[name].estimator.named_steps["classifier"].random_state == 3
    bagging = strategies["BalancedBaggingClassifier"].estimator
    assert type(bagging.named_steps["classifier"].estimator).__name__ == (
        "LogisticRegression"
    )
    assert strategies["EasyEnsembleClassifier"].heavy
    assert not strategies["BalancedRandomForestClassifier"].heavy
    assert strategies["SVMSMOTE"].heavy
    assert not strategies["KMeansSMOTE"].heavy
    assert strategies["KMeansSMOTE"].family == "over-sampling"


def _fake(name, family="f", **kwargs):
    return Strategy(name, family, None, 0, **kwargs)


def test_select_by_name_and_family_case_insensitive():
    """Check that --strategies takes names and families in any case."""
    strategies = [_fake("none", "baseline"), _fake("SMOTE", "over"), _fake("B", "over")]
    selected, notes = select_strategies(strategies, ["smote", "BASELINE"])
    assert [s.name for s in selected] == ["none", "SMOTE"]
    assert notes == []


def test_select_drops_binary_only_and_heavy_with_notes():
    """Check that unsuitable strategies are dropped with a note that says why."""
    strategies = [_fake("a"), _fake("tt", binary_only=True), _fake("h", heavy=True)]
    selected, notes = select_strategies(strategies, binary=False, large=True)
    assert [s.name for s in selected] == ["a"]
    assert notes[0] == "tt skipped: it needs a binary target"
    assert notes[1].startswith("h skipped: slow on data this large")
    # named explicitly, a heavy strategy runs on large data
    selected, _ = select_strategies(strategies, ["h"], large=True)
    assert [s.name for s in selected] == ["h"]


def test_select_unknown_name_lists_the_available_ones():
    """Check that an unknown name is refused with the choices."""
    with pytest.raises(CompareError, match=r"unknown 'x'; available strategies: a;"):
        select_strategies([_fake("a")], ["a", "x"])


def test_threshold_tuning_strategies_tune_for_the_positive_class():
    """Check that threshold tuning wraps the whole pipeline with the minority label."""
    pytest.importorskip("imbestimators.model_selection")
    strategies = available_strategies(StandardScaler(), pos_label="fraud")
    tuned = {s.name: s for s in strategies if s.family == "threshold tuning"}
    assert set(tuned) == {"threshold=f1", "threshold=balanced_accuracy"}
    estimator = tuned["threshold=f1"].estimator
    assert estimator.pos_label == "fraud"
    assert estimator.objective == "f1"
    assert list(estimator.estimator.named_steps) == ["preprocess", "classifier"]


def test_prior_correction_wraps_the_resampled_strategies():
    """Check that prior correction wraps a copy of the weighted or resampled model."""
    pytest.importorskip("imbestimators.model_selection")
    strategies = {s.name: s for s in available_strategies(StandardScaler())}
    corrected = strategies["RandomUnderSampler+prior_correction"].estimator
    assert type(corrected).__name__ == "PriorCorrectedClassifier"
    inner = corrected.estimator.named_steps
    assert type(inner["sampler"]).__name__ == "RandomUnderSampler"
    assert (
        inner["sampler"]
        is not (strategies["RandomUnderSampler"].estimator.named_steps["sampler"])
    )
    balanced = strategies["class_weight=balanced+prior_correction"].estimator
    assert balanced.estimator.named_steps["classifier"].class_weight == "balanced"


def test_neural_strategies_with_a_cross_entropy_baseline():
    """Check the MLP variants: plain cross-entropy first, focal ones heavier."""
    pytest.importorskip("torch")
    strategies = [
        s
        for s in available_strategies(StandardScaler(), random_state=1)
        if s.family == "neural network"
    ]
    assert [s.name for s in strategies] == [
        "MLP",
        "FocalLossMLP",
        "FocalLossMLP+class_weight=effective_number",
    ]
    mlps = [s.estimator.named_steps["classifier"] for s in strategies]
    assert [m.gamma for m in mlps] == [0.0, 2.0, 2.0]
    assert mlps[2].class_weight == "effective_number"
    assert all(m.random_state == 1 for m in mlps)
    assert strategies[0].simplicity < strategies[1].simplicity
    assert all(s.heavy for s in strategies)
