"""Tests of ImbalanceStrategySearchCV: space, halving, selection, API contract."""

import pickle
import re
import sys
import types

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    LeaveOneGroupOut,
    RepeatedStratifiedKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
    cross_val_score,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from imbestimators.model_selection import (
    ImbalanceStrategySearchCV,
    PriorCorrectedClassifier,
    ThresholdTunedClassifier,
)
from imbestimators.model_selection._objective import resolve_objective
from imbestimators.model_selection._response import rule_scores
from imbestimators.model_selection._strategy_eval import (
    MIN_ROWS_PER_FOLD,
    DecisionScorer,
    class_floor,
    class_permutations,
    cross_fitted_scores,
    halving_schedule,
    nested_subsample,
    rungs_split_by_group,
)
from imbestimators.model_selection._strategy_space import (
    _WeightedPipeline,
    build_candidate,
    draw_candidates,
    resolve_strategies,
)
from imbestimators.over_sampling import SMOTE
from imbestimators.under_sampling import RandomUnderSampler

SMALL = ["none", "class_weight=balanced", "RandomUnderSampler"]


@pytest.fixture(scope="module")
def data():
    return make_classification(
        n_samples=1200, n_features=6, weights=[0.93], flip_y=0.01, random_state=0
    )


def _search(**params):
    params = {
        "strategies": SMALL,
        "n_candidates": 2,
        "cv": 3,
        "random_state": 0,
        **params,
    }
    return ImbalanceStrategySearchCV(LogisticRegression(), **params)


@pytest.fixture(scope="module")
def fitted(data):
    return _search().fit(*data)


def test_cv_results_layout(fitted, data):
    """Check that cv_results_ has one row per candidate and rung, consistently."""
    results = fitted.cv_results_
    n_rows = len(results["params"])
    for key in (
        "iter",
        "n_resources",
        "strategy",
        "param_ratio",
        "mean_test_score",
        "rank_test_score",
        "split2_test_score",
        "mean_fit_time",
    ):
        assert len(results[key]) == n_rows, key
    # 3 folds x n_repeats=2 on the last rung
    assert fitted.n_splits_ == 6
    splits = np.column_stack(
        [results[f"split{k}_test_score"] for k in range(fitted.n_splits_)]
    )
    np.testing.assert_allclose(results["mean_test_score"], np.nanmean(splits, axis=1))
    assert results["param_threshold"].mask.all()  # no decision rule
    # the ratio is searched for the under-sampler only
    ratio_given = ~np.ma.getmaskarray(results["param_ratio"])
    assert set(results["strategy"][ratio_given]) == {"RandomUnderSampler"}
    assert fitted.n_resources_[-1] == len(data[1])
    assert fitted.best_params_ == results["params"][fitted.best_index_]
    assert results["iter"][fitted.best_index_] == results["iter"].max()
    assert fitted.best_score_ == results["mean_test_score"][fitted.best_index_]


def test_ratios_are_drawn_between_the_data_ratio_and_one(fitted, data):
    """Check that the ratios are 1 (balanced) and draws in [1.25 * ratio, 1]."""
    y = data[1]
    low = 1.25 * np.sum(y == 1) / np.sum(y == 0)
    ratios = [c["ratio"] for c in fitted.candidates_ if c["ratio"] is not None]
    assert len(ratios) == 2
    assert low <= ratios[0] < 1
    assert ratios[1] == 1.0


def test_ratio_draws_spread_below_the_balanced_top():
    """Check that with top=True (the search's), n - 1 ratios are drawn below 1."""
    specs = resolve_strategies(["SMOTE"], LogisticRegression(), owner="t")
    ratios = [
        c["ratio"]
        for c in draw_candidates(
            specs,
            n_candidates=3,
            data_ratio=0.01 / 1.25,
            prior_options=[False],
            rng=np.random.RandomState(0),
            top=True,
        )
    ]
    # log range [0.01, 1] in two bins split at 0.1, then the top
    assert 0.01 <= ratios[0] < 0.1 <= ratios[1] < 1
    assert ratios[2] == 1.0


def test_simpler_strategy_wins_a_statistical_tie(data):
    """Check that 'none' is chosen when class weights cannot be told apart.

    For LogisticRegression the PR-AUC of class_weight='balanced' is close to
    the untreated model's; whichever scores higher, the simpler one wins.
    """
    search = _search(strategies=["none", "class_weight=balanced"]).fit(*data)
    scores = search.cv_results_["mean_test_score"]
    assert abs(scores[0] - scores[1]) < 0.02
    assert search.best_strategy_ == "none"
    if scores[1] > scores[0]:
        # chosen although not the best: rank 2, and the reason says why
        assert search.cv_results_["rank_test_score"][search.best_index_] == 2
        assert "cannot be told apart" in search.selection_reason_
    else:
        assert search.selection_reason_.startswith("highest mean")


def test_treatment_chosen_when_it_clearly_helps():
    """Check that a treatment wins when the untreated model is clearly worse.

    The recall of the positives at the 0.5 threshold is near 0 without
    treatment on 5 % hard-to-separate positives, and near 0.8 with balanced
    class weights: far beyond the noise of the folds.
    """
    X, y = make_classification(
        n_samples=4000, n_features=6, weights=[0.95], class_sep=0.7, random_state=0
    )
    search = _search(
        strategies=["none", "class_weight=balanced"],
        scoring="recall",
        prior_correction=False,
        cv=5,
    ).fit(X, y)
    scores = dict(
        zip(search.cv_results_["strategy"], search.cv_results_["mean_test_score"])
    )
    assert scores["class_weight=balanced"] > scores["none"] + 0.5
    assert search.best_strategy_ == "class_weight=balanced"
    assert search.selection_reason_.startswith("highest mean recall")


def test_halving_schedule_grows_by_factor_to_all_rows():
    """Check rung sizes: the last is every row, each ``factor`` times the one before."""
    counts = np.array([19_600, 400])
    # 'auto': the 2 % class needs 50 rows (10 per test fold of 5 folds), so
    # rung 0 has >= 2500 rows
    auto = halving_schedule(counts, 26, factor=3, min_resources="auto", floor=50)
    assert auto == [6667, 20_000]
    rungs = halving_schedule(counts, 26, factor=3, min_resources=2000, floor=50)
    assert rungs == [2223, 6667, 20_000]
    # no more rungs than it takes to bring 5 candidates to about one
    assert len(halving_schedule(counts, 5, factor=3, min_resources=100, floor=50)) == 2
    # too few rows for a smaller rung: one rung of all rows
    assert halving_schedule(
        np.array([950, 50]), 26, factor=3, min_resources="auto", floor=50
    ) == [1000]


@pytest.mark.parametrize(
    ("cv", "floor"),
    [
        (StratifiedKFold(5), 5 * MIN_ROWS_PER_FOLD),
        (RepeatedStratifiedKFold(n_splits=5, n_repeats=2), 5 * MIN_ROWS_PER_FOLD),
        (StratifiedKFold(2), 2 * MIN_ROWS_PER_FOLD),
    ],
)
def test_class_floor_follows_the_test_fraction(cv, floor):
    """Check the floor: MIN_ROWS_PER_FOLD rows per test fold, repeated or not."""
    y = np.r_[np.zeros(900, int), np.ones(100, int)]
    assert class_floor(cv, y) == floor


def test_nested_subsample_keeps_prior_and_nests():
    """Check that subsamples keep class shares, the floor, and contain each other."""
    y = np.r_[np.zeros(9800, int), np.ones(200, int)]
    perms = class_permutations(y, np.random.RandomState(0))
    small = nested_subsample(perms, 2000, floor=50)
    large = nested_subsample(perms, 5000, floor=50)
    assert np.sum(y[small] == 1) == 50  # the floor binds
    assert np.sum(y[large] == 1) == 100  # its share, 2 %
    assert np.sum(y[large] == 0) == 4900
    assert set(small) <= set(large)
    assert np.all(np.diff(large) > 0)


def test_halving_drops_candidates_and_keeps_the_baseline():
    """Check that rungs shrink the candidates and 'none' reaches the last rung."""
    X, y = make_classification(
        n_samples=3000, n_features=6, weights=[0.9], random_state=1
    )
    search = _search(
        strategies=["none", "RandomUnderSampler", "RandomOverSampler", "SMOTE"],
        n_candidates=3,
        factor=3,
    ).fit(X, y)
    assert search.n_resources_ == [334, 1000, 3000]
    assert search.n_candidates_[0] == 10
    assert search.n_candidates_[1] <= 5  # 4 best, and 'none'
    assert search.n_candidates_[2] <= 3
    last = search.cv_results_["iter"] == 2
    assert "none" in set(search.cv_results_["strategy"][last])


@pytest.mark.slow  # starting the loky workers dominates
@pytest.mark.parametrize("decision", [None, "f1"])
def test_same_results_whatever_n_jobs(data, decision):
    """Check that n_jobs=1 and n_jobs=2 give identical cv_results_ (with a
    cross-fitted rule, the workers send back score matrices)."""
    one = _search(n_jobs=1, decision=decision).fit(*data).cv_results_
    two = _search(n_jobs=2, decision=decision).fit(*data).cv_results_
    assert one["params"] == two["params"]
    for k in range(3):
        np.testing.assert_array_equal(
            one[f"split{k}_test_score"], two[f"split{k}_test_score"]
        )


def test_random_state_changes_the_draws(fitted, data):
    """Check that another seed draws other ratios, and the same seed the same."""
    again = _search().fit(*data)
    other = _search(random_state=1).fit(*data)
    assert again.candidates_ == fitted.candidates_
    assert other.candidates_ != fitted.candidates_


def test_clone_pickle_and_delegation(fitted, data):
    """Check that the search clones, pickles, and predicts as its winner."""
    X, _ = data
    assert clone(fitted).get_params()["strategies"] == SMALL
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
    np.testing.assert_array_equal(
        fitted.predict_proba(X), fitted.best_estimator_.predict_proba(X)
    )
    np.testing.assert_array_equal(
        fitted.decision_function(X), fitted.best_estimator_.decision_function(X)
    )
    np.testing.assert_array_equal(fitted.classes_, [0, 1])
    assert fitted.n_features_in_ == X.shape[1]


def test_nests_in_cross_val_score_and_grid_search(data):
    """Check that the search is an ordinary estimator for model selection."""
    X, y = data
    scores = cross_val_score(
        _search(strategies=["none", "class_weight=balanced"]),
        X,
        y,
        cv=2,
        scoring="average_precision",
    )
    assert scores.shape == (2,)
    assert np.all((scores > 0) & (scores <= 1))
    grid = GridSearchCV(
        _search(strategies=["none", "RandomUnderSampler"]),
        {"n_candidates": [1, 2]},
        cv=2,
        scoring="average_precision",
    ).fit(X, y)
    assert set(grid.cv_results_["param_n_candidates"]) == {1, 2}


def test_refit_false_has_no_estimator(data):
    """Check that refit=False keeps the results and makes predict unavailable."""
    search = _search(refit=False).fit(*data)
    assert search.best_strategy_ in SMALL
    assert not hasattr(search, "best_estimator_")
    assert not hasattr(search, "predict")


def _weight_sum(estimator, X, y, sample_weight=None):
    return float(np.sum(sample_weight))


def test_sample_weight_scores_the_test_folds(data):
    """Check that each split's score receives the test fold's weights."""
    X, y = data
    weight = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    search = _search(strategies=["none"], scoring=_weight_sum, search="exhaustive")
    search.fit(X, y, sample_weight=weight)
    splits = [search.cv_results_[f"split{k}_test_score"][0] for k in range(3)]
    np.testing.assert_allclose(sum(splits), weight.sum())


class _RecordingClassifier(DummyClassifier):
    """Records the sample weights each fit receives."""

    seen: list = []

    def fit(self, X, y, sample_weight=None):
        type(self).seen.append(None if sample_weight is None else sample_weight)
        return super().fit(X, y, sample_weight=sample_weight)


def test_sample_weight_follows_the_rows_a_sampler_keeps(data):
    """Check that under-sampled rows keep their weights (imblearn #457)."""
    X, y = data
    weight = np.arange(len(y), dtype=float)
    pipe = _WeightedPipeline(
        [
            ("sampler", RandomUnderSampler(random_state=0)),
            ("clf", _RecordingClassifier()),
        ]
    )
    _RecordingClassifier.seen = []
    pipe.fit(X, y, sample_weight=weight)
    kept = pipe.named_steps["sampler"].sample_indices_
    np.testing.assert_array_equal(_RecordingClassifier.seen[-1], weight[kept])


def test_sample_weight_of_synthetic_rows_is_their_class_mean(data):
    """Check that SMOTE's new rows get their class's mean weight."""
    X, y = data
    weight = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    pipe = _WeightedPipeline(
        [("sampler", SMOTE(random_state=0)), ("clf", _RecordingClassifier())]
    )
    _RecordingClassifier.seen = []
    pipe.fit(X, y, sample_weight=weight)
    seen = _RecordingClassifier.seen[-1]
    np.testing.assert_array_equal(seen[: len(y)], weight)
    np.testing.assert_allclose(seen[len(y) :], weight[y == 1].mean())


def test_sample_weight_reaches_every_candidate_fit(data):
    """Check that the search fits each candidate with its training rows' weights."""
    X, y = data
    weight = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    _RecordingClassifier.seen = []
    ImbalanceStrategySearchCV(
        _RecordingClassifier(strategy="prior"),
        strategies=["none", "RandomUnderSampler"],
        scoring="neg_log_loss",
        prior_correction=False,
        n_candidates=1,
        cv=3,
        search="exhaustive",
        random_state=0,
    ).fit(X, y, sample_weight=weight)
    # 2 candidates x 3 folds x 2 repeats + the refit, each with weights drawn
    # from `weight`
    assert len(_RecordingClassifier.seen) == 13
    assert all(np.isin(w, weight).all() for w in _RecordingClassifier.seen)


def test_sample_weight_warns_when_estimator_cannot_take_it(data):
    """Check the warning when the classifier's fit takes no sample_weight."""
    X, y = data
    search = ImbalanceStrategySearchCV(
        KNeighborsClassifier(), strategies=["none"], cv=3, random_state=0
    )
    with pytest.warns(UserWarning, match="does not take sample_weight"):
        search.fit(X, y, sample_weight=np.ones(len(y)))


def test_decision_wraps_candidates_and_scores_its_objective(data):
    """Check that decision='f1' tunes a threshold and ranks on F1."""
    X, y = data
    search = _search(strategies=["none"], decision="f1", search="exhaustive")
    search.fit(X, y)
    assert search.cv_results_["param_threshold"].tolist() == ["tuned"]
    assert isinstance(search.best_estimator_, ThresholdTunedClassifier)
    assert search.best_estimator_.objective == "f1"
    tuned = search.best_estimator_
    assert DecisionScorer()(tuned, X, y) == pytest.approx(f1_score(y, tuned.predict(X)))


def _out_of_fold(X, y, splits, coding):
    """Each split's test rows and the score matrix of a model fit on its train."""
    folds = []
    for train, test in splits:
        model = LogisticRegression().fit(X[train], y[train])
        folds.append((test, rule_scores(model, X[test], "predict_proba", coding)))
    return folds


@pytest.mark.parametrize("n_classes", [2, 3])
def test_cross_fitted_rule_is_tuned_on_the_other_splits(n_classes):
    """Check each split's score against a ThresholdTunedClassifier fit on the
    other splits alone: same models, same pooled scores, so the same rule."""
    X, y = make_classification(
        n_samples=600,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=[0.8, 0.15][: n_classes - 1],
        random_state=1,
    )
    splits = list(StratifiedKFold(4, shuffle=True, random_state=0).split(X, y))
    template = ThresholdTunedClassifier(LogisticRegression(), objective="f1")
    classes = np.unique(y)
    found = resolve_objective(template, classes, False)
    coding = found.coding
    values = cross_fitted_scores(_out_of_fold(X, y, splits, coding), found, y, None)
    for k, (_, test) in enumerate(splits):
        others = [s for j, s in enumerate(splits) if j != k]
        tuned = clone(template).set_params(cv=others).fit(X, y)
        # the tuner's own final model saw split k; the rule is what counts
        scores = rule_scores(
            LogisticRegression().fit(X[splits[k][0]], y[splits[k][0]]),
            X[test],
            "predict_proba",
            coding,
        )
        if n_classes == 2:
            predicted = coding.labels[(scores[:, 1] >= tuned.best_threshold_) * 1]
            expected = f1_score(y[test], predicted)
        else:
            predicted = coding.labels[np.argmax(scores + tuned.class_offsets_, axis=1)]
            expected = f1_score(y[test], predicted, average="macro")  # its "f1"
        assert values[k] == pytest.approx(expected)


def test_cross_fitted_rule_leaves_out_the_rows_it_scores():
    """Check that repeated splits never tune split k's rule on k's own rows: a
    split's value does not change when another repeat's scores of k's rows are
    replaced by perfect ones."""
    X, y = make_classification(n_samples=400, weights=[0.85], random_state=2)
    splits = list(
        RepeatedStratifiedKFold(n_splits=4, n_repeats=2, random_state=0).split(X, y)
    )
    template = ThresholdTunedClassifier(LogisticRegression(), objective="f1")
    found = resolve_objective(template, np.unique(y), False)
    folds = _out_of_fold(X, y, splits, found.coding)
    before = cross_fitted_scores(folds, found, y, None)
    test0 = splits[0][1]
    leaked = []
    for j, (rows, scores) in enumerate(folds):
        scores = scores.copy()
        if j >= 4:  # the other repeat: its scores of split 0's rows become labels
            mine = np.isin(rows, test0)
            scores[mine, 1] = 10.0 * y[rows[mine]]
        leaked.append((rows, scores))
    after = cross_fitted_scores(leaked, found, y, None)
    assert after[0] == before[0]
    assert after[1:4] != before[1:4]  # the change does reach other splits


def test_cross_fitted_rule_skips_failed_splits():
    """Check that a failed split is NaN and the others tune without it."""
    X, y = make_classification(n_samples=300, weights=[0.8], random_state=3)
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    template = ThresholdTunedClassifier(LogisticRegression(), objective="f1")
    found = resolve_objective(template, np.unique(y), False)
    folds = _out_of_fold(X, y, splits, found.coding)
    folds[1] = (folds[1][0], None)
    values = cross_fitted_scores(folds, found, y, None)
    assert np.isnan(values[1])
    assert np.isfinite([values[0], values[2]]).all()
    alone = cross_fitted_scores([folds[0], folds[2]], found, y, None)
    assert [values[0], values[2]] == alone


def test_decision_rule_is_cross_fitted_on_the_search_splits(data):
    """Check that decision='f1' fits each candidate once per split (no inner
    cv), and that the winner's rule is the one a ThresholdTunedClassifier
    fit on the last rung's splits finds."""
    X, y = data
    events = []
    search = _search(
        strategies=["none", "class_weight=balanced"],
        decision="f1",
        search="exhaustive",
        callback=events.append,
    ).fit(X, y)
    assert len(events) == 2 * search.n_splits_
    assert all(np.isnan(e["score"]) for e in events)
    best = search.best_estimator_
    assert isinstance(best.cv, RepeatedStratifiedKFold)
    again = clone(best).fit(X, y)
    assert again.best_threshold_ == best.best_threshold_
    np.testing.assert_array_equal(again.predict(X), best.predict(X))
    # split scores are those of the search's rule, not of each fold's own
    split = search.cv_results_["split0_test_score"][search.best_index_]
    assert 0 < split <= 1


class _FailsWithoutMarkedRow(LogisticRegression):
    """Fails to fit when the marked row (last feature 999) is not in training."""

    def fit(self, X, y, sample_weight=None):
        if not np.any(np.asarray(X)[:, -1] == 999):
            raise ValueError("the marked row is missing")
        return super().fit(X, y, sample_weight=sample_weight)


def test_cross_fitted_winner_with_a_failed_split_refits(data):
    """Check that a numeric error_score lets a candidate with a failed split
    win, and that its rule is then tuned on the splits that have scores."""
    X, y = data
    X = np.c_[X, np.zeros(len(y))]
    X[0, -1] = 999
    search = ImbalanceStrategySearchCV(
        _FailsWithoutMarkedRow(),
        strategies=["none"],
        decision="f1",
        search="exhaustive",
        cv=3,
        n_repeats=1,
        error_score=0.0,
        random_state=0,
    )
    with pytest.warns(Warning, match="failed fits"):
        search.fit(X, y)
    splits = [search.cv_results_[f"split{k}_test_score"][0] for k in range(3)]
    assert sorted(splits)[0] == 0.0
    assert sorted(splits)[1] > 0
    assert np.isfinite(search.best_estimator_.best_threshold_)


def test_decision_with_its_own_cv_tunes_inside_every_fit(data):
    """Check that a decision dict with cv keeps the nested tuning."""
    X, y = data
    events = []
    search = _search(
        strategies=["none"],
        decision={"objective": "f1", "cv": 2},
        search="exhaustive",
        callback=events.append,
    ).fit(X, y)
    assert search.best_estimator_.cv == 2
    assert np.isfinite([e["score"] for e in events]).all()


def test_decision_with_given_splits(data):
    """Check that a list of splits is cross-fitted, and that an iterator of
    splits (readable once) is tuned nested and still used whole."""
    X, y = data
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    listed = _search(strategies=["none"], decision="f1", cv=splits).fit(X, y)
    assert listed.best_estimator_.cv is not None
    assert listed.best_estimator_.cv != 3
    once = _search(strategies=["none"], decision="f1", cv=iter(splits)).fit(X, y)
    assert once.best_estimator_.cv == 3
    assert once.n_splits_ == 3


def test_decision_with_one_split_tunes_inside_every_fit(data):
    """Check that a single given split (nothing to cross-fit on) falls back to
    the nested tuning with 3 folds."""
    X, y = data
    one = StratifiedShuffleSplit(n_splits=1, test_size=0.3, random_state=0)
    search = _search(strategies=["none"], decision="f1", cv=one).fit(X, y)
    assert search.best_estimator_.cv == 3


def test_decision_candidates_also_compete_untuned(data):
    """Check that compete_untuned=True tries each candidate tuned and at its default.

    Both are scored on the decision objective (F1 of ``predict``); the tuned
    one is one step less simple.
    """
    X, y = data
    search = _search(
        strategies=["none", "class_weight=balanced"],
        decision="f1",
        search="exhaustive",
        n_repeats=1,
        compete_untuned=True,
    ).fit(X, y)
    results = search.cv_results_
    assert results["param_threshold"].tolist() == ["default", "tuned"] * 2
    assert results["simplicity"].tolist() == [0, 1, 1, 2]
    untuned = build_candidate(
        LogisticRegression(),
        resolve_strategies(["class_weight=balanced"], LogisticRegression(), owner="t")[
            0
        ],
        search.candidates_[2],
        seed=0,
        decision={"objective": "f1"},
    )
    assert not isinstance(untuned, ThresholdTunedClassifier)
    untuned.fit(X, y)
    assert search.scorer_(untuned, X, y) == pytest.approx(
        f1_score(y, untuned.predict(X))
    )
    best = search.best_estimator_
    tuned = results["param_threshold"][search.best_index_] == "tuned"
    assert isinstance(best, ThresholdTunedClassifier) == tuned


def test_decision_with_a_constraint_competes_tuned_only(data):
    """Check that an untuned rule is not tried when it cannot honour a constraint."""
    X, y = data
    search = _search(
        strategies=["none"],
        decision={"objective": "recall", "constraint": ("precision", 0.5)},
        search="exhaustive",
        n_repeats=1,
        compete_untuned=True,
    ).fit(X, y)
    assert search.cv_results_["param_threshold"].tolist() == ["tuned"]


@pytest.mark.parametrize("select", ["best", "one_se", "simplest"])
def test_select_rules_with_one_split(data, select):
    """Check that every rule works when the last rung has a single split (a
    shuffle split, or one given train/test pair): no spread, the best is kept
    by 'one_se'."""
    X, y = data
    split = StratifiedShuffleSplit(n_splits=1, test_size=0.3, random_state=0)
    for cv in (split, list(split.split(X, y))):
        search = ImbalanceStrategySearchCV(
            LogisticRegression(),
            strategies=["none", "class_weight=balanced"],
            select=select,
            cv=cv,
            random_state=0,
        ).fit(X, y)
        assert search.n_splits_ == 1
        if select != "simplest":
            last, means = _last_rung(search)
            assert search.best_index_ == last[np.argmax(means)]


def _last_rung(search):
    results = search.cv_results_
    last = np.flatnonzero(results["iter"] == results["iter"].max())
    return last, results["mean_test_score"][last]


@pytest.mark.parametrize("select", ["best", "one_se", "simplest"])
def test_select_rules(data, select):
    """Check each selection rule against its definition on the last rung.

    'best': the highest mean; 'one_se': the simplest candidate whose mean is
    within one standard error (fold spread over sqrt(folds)) of the best;
    'simplest': the old rule, never less simple than 'one_se' picks here.
    """
    X, y = data
    search = _search(
        strategies=["none", "class_weight=balanced", "RandomOverSampler"],
        scoring="f1",
        prior_correction=False,
        select=select,
    ).fit(X, y)
    results = search.cv_results_
    last, means = _last_rung(search)
    best = last[np.argmax(means)]
    if select == "best":
        assert search.best_index_ == best
        assert search.selection_reason_.startswith("highest mean f1")
        return
    folds = np.array(
        [results[f"split{k}_test_score"][best] for k in range(search.n_splits_)]
    )
    error = folds.std(ddof=1) / np.sqrt(len(folds))
    within = last[means >= means.max() - error]
    simplest = min(
        within, key=lambda r: (results["simplicity"][r], -results["mean_test_score"][r])
    )
    if select == "one_se":
        assert search.best_index_ == simplest
        assert "standard error" in search.selection_reason_
    else:
        assert (
            results["simplicity"][search.best_index_] <= results["simplicity"][simplest]
        )


def test_one_se_takes_a_clear_winner_over_no_treatment():
    """Check that 'one_se' (the default) keeps a treatment far above the noise."""
    X, y = make_classification(
        n_samples=4000, n_features=6, weights=[0.95], class_sep=0.7, random_state=0
    )
    search = _search(
        strategies=["none", "class_weight=balanced"], scoring="recall", cv=5
    ).fit(X, y)
    assert search.select == "one_se"
    assert search.best_strategy_ == "class_weight=balanced"


def test_n_repeats_auto_keeps_given_splits(data):
    """Check that n_repeats='auto' repeats an int cv twice, given splits never."""
    X, y = data
    assert _search().fit(X, y).n_splits_ == 6
    splits = list(StratifiedKFold(3).split(X, y))
    assert _search(cv=splits).fit(X, y).n_splits_ == 3


def test_n_repeats_repeats_the_last_rung_only(data):
    """Check that only the last rung's folds are repeated, with fresh shuffles."""
    X, y = data
    search = _search(
        strategies=["none", "class_weight=balanced", "RandomUnderSampler"],
        n_candidates=4,
        n_repeats=3,
        min_resources=300,
    ).fit(X, y)
    results = search.cv_results_
    assert len(search.n_resources_) == 2
    assert search.n_splits_ == 9
    first = results["iter"] == 0
    splits = np.column_stack([results[f"split{k}_test_score"] for k in range(9)])
    assert np.isfinite(splits[first, :3]).all()
    assert np.isnan(splits[first, 3:]).all()
    assert np.isfinite(splits[~first]).all()
    # the repeats are new splits, not the same three folds again
    assert not np.allclose(splits[~first, :3], splits[~first, 3:6])


def test_decision_cost_scores_minus_expected_cost(data):
    """Check that a cost dict is scored as minus the mean cost per sample."""
    X, y = data
    tuned = ThresholdTunedClassifier(
        LogisticRegression(), objective="cost", cost_matrix={"fp": 1, "fn": 20}
    ).fit(X, y)
    pred = tuned.predict(X)
    cost = (np.sum((pred == 1) & (y == 0)) + 20 * np.sum((pred == 0) & (y == 1))) / len(
        y
    )
    assert DecisionScorer()(tuned, X, y) == pytest.approx(-cost)
    search = _search(strategies=["none"], decision={"fp": 1, "fn": 20}).fit(X, y)
    assert search.best_estimator_.objective == "cost"
    assert search.best_score_ < 0


def test_prior_correction_only_where_it_can_matter(data):
    """Check that 'auto' skips prior correction for PR-AUC but tries it for log loss."""
    X, y = data
    auc = _search(strategies=["class_weight=balanced"]).fit(X, y)
    assert not any(c["prior_correction"] for c in auc.candidates_)
    loss = _search(strategies=["class_weight=balanced"], scoring="neg_log_loss")
    loss.fit(X, y)
    assert [c["prior_correction"] for c in loss.candidates_] == [False, True]
    corrected = loss.cv_results_["param_prior_correction"].astype(bool)
    assert loss.cv_results_["simplicity"][corrected][0] == 2


def test_candidates_of_a_pipeline_treat_its_last_step():
    """Check where a sampler, class weights and prior correction go in a pipeline."""
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    specs = {s.name: s for s in resolve_strategies(SMALL, pipe, owner="t")}
    params = {"ratio": 0.5, "beta": None, "prior_correction": True}
    model = build_candidate(
        pipe, specs["RandomUnderSampler"], {"strategy": "x", **params}, seed=3
    )
    assert isinstance(model, PriorCorrectedClassifier)
    names = [name for name, _ in model.estimator.steps]
    assert names == ["standardscaler", "sampler", "logisticregression"]
    sampler = model.estimator.named_steps["sampler"]
    assert (sampler.sampling_strategy, sampler.random_state) == (0.5, 3)
    weighted = build_candidate(
        pipe,
        specs["class_weight=balanced"],
        {"strategy": "x", **params, "ratio": None, "prior_correction": False},
        seed=3,
    )
    assert weighted.steps[-1][1].class_weight == "balanced"


def test_multiclass_searches_without_ratios():
    """Check that three classes run with each sampler's default strategy."""
    X, y = make_classification(
        n_samples=900,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=[0.7, 0.2],
        random_state=0,
    )
    search = _search(scoring="balanced_accuracy").fit(X, y)
    assert all(c["ratio"] is None for c in search.candidates_)
    assert set(search.predict(X)) <= {0, 1, 2}


def test_string_labels_score_the_greater_label(data):
    """Check that PR-AUC works for labels other than 0/1 (pos_label: greater)."""
    X, y = data
    labels = np.array(["a", "b"])[y]
    search = _search(strategies=["none"]).fit(X, labels)
    numeric = _search(strategies=["none"]).fit(X, y)
    assert search.best_score_ == pytest.approx(numeric.best_score_)


def test_several_metrics_are_recorded_and_refit_ranks(data):
    """Check that a list of metrics gives each its columns, equal to a search
    with that metric alone, and that the refit metric ranks and selects."""
    X, y = data
    # the same candidates for every scoring (prior correction is only tried
    # for metrics a monotone change can move)
    params = {"search": "exhaustive", "strategies": SMALL, "prior_correction": False}
    both = _search(scoring=["average_precision", "f1"], refit="f1", **params)
    both.fit(X, y)
    results = both.cv_results_
    assert "mean_test_score" not in results
    for name in ("average_precision", "f1"):
        alone = _search(scoring=name, **params).fit(X, y).cv_results_
        for key in ("split0_test", "mean_test", "std_test", "rank_test"):
            np.testing.assert_array_equal(
                results[f"{key}_{name}"], alone[f"{key}_score"]
            )
    by_f1 = _search(scoring="f1", **params).fit(X, y)
    assert both.best_index_ == by_f1.best_index_
    assert both.best_score_ == results["mean_test_f1"][both.best_index_]
    assert "f1" in both.selection_reason_
    assert both.score(X, y) == pytest.approx(f1_score(y, both.predict(X)))
    # prior correction follows the metric that ranks
    ranked_by_ap = _search(
        scoring=["f1", "average_precision"], refit="average_precision"
    )
    assert not any(c["prior_correction"] for c in ranked_by_ap.fit(X, y).candidates_)


def test_several_metrics_as_a_dict_with_a_callable(data):
    """Check a dict of metrics, one of them a callable, under halving."""
    X, y = data

    def recall_of_positives(estimator, X, y):
        return float(np.mean(estimator.predict(X)[y == 1] == 1))

    search = _search(
        scoring={"ap": "average_precision", "recall": recall_of_positives},
        refit="ap",
        min_resources=400,
    ).fit(X, y)
    assert len(search.n_resources_) == 2
    results = search.cv_results_
    assert {"mean_test_ap", "mean_test_recall", "rank_test_recall"} <= set(results)
    assert np.all(
        (results["mean_test_recall"] >= 0) & (results["mean_test_recall"] <= 1)
    )
    # halving promoted on the refit metric: the best third by 'ap', and the
    # baseline (candidate 0, no treatment)
    first = results["iter"] == 0
    order = np.argsort(-results["mean_test_ap"][first], kind="stable")
    n_kept = int(np.ceil(first.sum() / 3))
    expected = set(results["candidate"][first][order[:n_kept]].tolist()) | {0}
    assert set(results["candidate"][~first].tolist()) == expected


def test_callback_sees_every_fit(data):
    """Check that the callback is called once per fit, with rung totals."""
    events = []
    search = _search(callback=events.append).fit(*data)
    # 3 folds per rung, repeated twice on the last
    n_fits = sum(search.n_candidates_[:-1]) * 3 + search.n_candidates_[-1] * 6
    assert len(events) == n_fits
    assert events[-1]["done"] == events[-1]["total"]
    # progress over all rungs: counted, and planned before the first fit as an
    # upper bound (the baseline may already be among the promoted)
    assert [e["fits_done"] for e in events] == list(range(1, n_fits + 1))
    planned = {e["fits_planned"] for e in events}
    assert len(planned) == 1
    later_rungs = len(search.n_resources_) - 1
    assert n_fits <= planned.pop() <= n_fits + 6 * later_rungs
    assert next(e["n_rows"] for e in events if e["iter"] == 0) == search.n_resources_[0]
    assert events[-1]["n_rows"] == len(data[1])


def test_every_candidate_failing_raises_the_original_error(data):
    """Check that a fit every candidate fails on raises its own error type."""
    X, y = data
    X = X.copy()
    X[::10, 0] = np.nan  # in every training fold, even after under-sampling
    with pytest.raises(ValueError, match=r"every candidate failed.*NaN"):
        _search().fit(X, y)


def test_failed_candidates_score_nan_and_warn(data):
    """Check that a candidate failing on some data is scored NaN, with a warning."""
    X, y = data
    search = _search(
        strategies=["none", {"strategy": "RandomUnderSampler", "ratio": [0.01]}]
    )
    with pytest.warns(Warning, match="failed fits"):
        search.fit(X, y)
    assert np.isnan(search.cv_results_["mean_test_score"][1])
    assert search.best_strategy_ == "none"


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"strategies": ["nonesuch"]}, ValueError, "unknown strategy 'nonesuch'"),
        (
            {"strategies": [{"strategy": "SMOTE", "ratio": (0.5, 2)}]},
            ValueError,
            "'ratio' must be",
        ),
        ({"strategies": [{"sampler": "SMOTE"}]}, ValueError, "strategy dict"),
        ({"strategies": [LogisticRegression]}, TypeError, "strategy object"),
        ({"decision": {"objective": "f1", "k": 1}}, ValueError, "unknown keys"),
        ({"decision": "nonesuch"}, ValueError, "objective"),
        ({"pos_label": 7}, ValueError, "pos_label=7 is not a class"),
        ({"search": "optuna"}, ImportError, "needs the optuna package"),
        (
            {"cv": StratifiedKFold(3), "n_repeats": 2},
            ValueError,
            "n_repeats=2 repeats stratified k-fold and needs cv to be an int",
        ),
        ({"select": "nonesuch"}, ValueError, "'select' parameter"),
        ({"n_repeats": 0}, ValueError, "'n_repeats' parameter"),
        ({"n_repeats": "twice"}, ValueError, "'n_repeats' parameter"),
        ({"compete_untuned": "yes"}, ValueError, "'compete_untuned' parameter"),
        ({"scoring": ["f1", "recall"]}, ValueError, "refit must name the one"),
        (
            {"scoring": ["f1", "recall"], "refit": "roc_auc"},
            ValueError,
            "refit must name the one",
        ),
        ({"refit": "f1"}, ValueError, "refit='f1' names a metric"),
        (
            {"scoring": ["f1", "recall"], "refit": "f1", "decision": "f1"},
            ValueError,
            "only used without decision",
        ),
        ({"scoring": ["f1", "f1"], "refit": "f1"}, ValueError, "distinct metric"),
        ({"scoring": ["f1", len], "refit": "f1"}, TypeError, "use a dict"),
    ],
)
def test_errors_name_the_parameter(data, params, error, match, monkeypatch):
    """Check that bad parameters fail before any fit, with a clear message."""
    if params.get("search") == "optuna":
        # as if optuna were not installed: None in sys.modules fails its import
        monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(error, match=match):
        _search(**params).fit(*data)


def test_one_class_is_refused(data):
    """Check the message for a target with a single class."""
    X, _ = data
    with pytest.raises(ValueError, match="needs at least two classes"):
        _search().fit(X, np.zeros(len(X)))


def test_draw_candidates_crosses_ratios_and_prior_options():
    """Check the candidate grid: ratios x prior options, none never corrected."""
    specs = resolve_strategies(
        ["none", "SMOTE", "TomekLinks"], LogisticRegression(), owner="t"
    )
    candidates = draw_candidates(
        specs,
        n_candidates=3,
        data_ratio=0.05,
        prior_options=[False, True],
        rng=np.random.RandomState(0),
    )
    strategies = [c["strategy"] for c in candidates]
    assert strategies.count("none") == 1
    assert strategies.count("SMOTE") == 6
    assert strategies.count("TomekLinks") == 2
    assert all(c["ratio"] is None for c in candidates if c["strategy"] != "SMOTE")


def _stub_optuna(monkeypatch, asked):
    """A stand-in optuna whose sampler is random, recording what trials ask."""

    class Trial:
        def __init__(self, rng):
            self.rng = rng

        def suggest_float(self, name, low, high, log=False):
            asked.append((name, low, high, log))
            return float(self.rng.uniform(low, high))

    class Study:
        def optimize(self, func, n_trials):
            rng = np.random.RandomState(0)
            for _ in range(n_trials):
                func(Trial(rng))

    stub = types.ModuleType("optuna")
    stub.samplers = types.SimpleNamespace(TPESampler=lambda seed: None)
    stub.create_study = lambda direction, sampler: Study()
    monkeypatch.setitem(sys.modules, "optuna", stub)


def test_optuna_search_with_a_stub_module(data, monkeypatch):
    """Check the Optuna wiring with a stand-in optuna whose sampler is random.

    Only our side is tested: trials ask for the ratio in its range and every
    trial becomes a row of cv_results_ (optuna is not installed here).
    """
    asked = []
    _stub_optuna(monkeypatch, asked)
    search = _search(search="optuna", n_candidates=3).fit(*data)
    assert len(search.cv_results_["params"]) == 1 + 1 + 3
    assert [a[0] for a in asked] == ["ratio"] * 3
    assert all(a[3] for a in asked)
    assert search.best_strategy_ in SMALL


def test_optuna_search_cross_fits_the_decision_rule(data, monkeypatch):
    """Check that Optuna's trials tune their rule on the search's splits too."""
    _stub_optuna(monkeypatch, [])
    X, y = data
    events = []
    search = _search(
        search="optuna", n_candidates=2, decision="f1", callback=events.append
    ).fit(X, y)
    n_trials = len(search.cv_results_["params"])
    assert len(events) == n_trials * search.n_splits_  # one fit per split
    assert events[-1]["fits_done"] == len(events)
    assert events[-1]["fits_planned"] is None  # trials are proposed one by one
    assert set(search.cv_results_["param_threshold"].tolist()) == {"tuned"}
    best = search.best_estimator_
    assert clone(best).fit(X, y).best_threshold_ == best.best_threshold_


def test_optuna_search_for_real(data):
    """Check a real Optuna TPE search when optuna is installed."""
    pytest.importorskip("optuna")
    search = _search(search="optuna", n_candidates=3).fit(*data)
    assert len(search.cv_results_["params"]) == 5


def test_all_leaves_out_heavy_strategies_on_large_data():
    """Check that 'all' drops the heavy strategies above LARGE_DATA_ROWS rows
    (compare's rule), and that naming one keeps it."""
    from imbestimators.model_selection._strategy_space import LARGE_DATA_ROWS

    def names(strategies, n_samples):
        specs = resolve_strategies(
            strategies, LogisticRegression(), owner="t", n_samples=n_samples
        )
        return {s.name for s in specs}

    small = names("all", LARGE_DATA_ROWS)
    large = names("all", LARGE_DATA_ROWS + 1)
    dropped = small - large
    assert {"SVMSMOTE", "AllKNN", "EasyEnsembleClassifier"} <= dropped
    assert {"SMOTE", "TomekLinks", "BalancedRandomForestClassifier"} <= large
    assert large < small
    assert names(["SVMSMOTE"], LARGE_DATA_ROWS + 1) == {"SVMSMOTE"}
    assert names("auto", LARGE_DATA_ROWS + 1) == names("auto", 100)


def test_balanced_ensembles_join_when_importable(monkeypatch):
    """Check that 'all' offers the ensembles, and loses them if missing."""
    from imbestimators.model_selection import _strategy_space

    specs = {
        s.name: s for s in resolve_strategies("all", LogisticRegression(), owner="t")
    }
    bagging = specs["BalancedBaggingClassifier"]
    # compare's large-data flag: ten boosted ensembles per fit are heavy
    assert not bagging.heavy
    assert specs["EasyEnsembleClassifier"].heavy
    model = build_candidate(
        LogisticRegression(C=0.5),
        bagging,
        {
            "strategy": bagging.name,
            "ratio": 0.5,
            "beta": None,
            "prior_correction": False,
        },
        seed=1,
    )
    assert model.estimator.C == 0.5  # the user's classifier is the member
    assert (model.sampling_strategy, model.random_state) == (0.5, 1)
    assert "BalancedBaggingClassifier" not in {
        s.name for s in resolve_strategies("auto", LogisticRegression(), owner="t")
    }
    real = _strategy_space._import
    monkeypatch.setattr(
        _strategy_space,
        "_import",
        lambda module, name: None if module == "ensemble" else real(module, name),
    )
    names = {s.name for s in resolve_strategies("all", LogisticRegression(), owner="t")}
    assert not any(name.startswith("Balanced") for name in names)
    assert "SMOTE" in names


def _keep_all_on_auto_device(X, y):
    """A sampler function that fails unless the configured device reached it."""
    from imbestimators import get_config

    if get_config()["device"] != "auto":
        raise RuntimeError(f"device {get_config()['device']!r} in the worker")
    return X, y


def test_candidates_see_the_configured_device(data):
    """Each candidate fit runs with the caller's imbestimators configuration
    (the k-NN engine's device) in the joblib workers, not the defaults."""
    from imbestimators import FunctionSampler, config_context

    sampler = FunctionSampler(func=_keep_all_on_auto_device)
    # more fits (5) than joblib's first batch (2 x n_jobs): the later ones are
    # dispatched from another thread
    search = _search(
        strategies=[sampler], n_jobs=2, search="exhaustive", cv=5, n_repeats=1
    )
    with config_context(device="auto"):
        search.fit(*data)
    assert search.cv_results_["error"].tolist() == [""]
    assert np.isfinite(search.best_score_)


class _RecordingGroupKFold(GroupKFold):
    """GroupKFold that records the groups of every split it makes."""

    def __init__(self, n_splits=3):
        super().__init__(n_splits=n_splits)
        self.seen = []

    def split(self, X, y=None, groups=None):
        for train, test in super().split(X, y, groups):
            self.seen.append((len(X), set(groups[train]), set(groups[test])))
            yield train, test


def _grouped(data, n_groups=40):
    X, y = data
    return X, y, np.arange(len(y)) % n_groups


@pytest.mark.parametrize("decision", [None, "f1"])
def test_group_splitter_keeps_groups_apart_on_every_rung(decision):
    """Check that every rung's subsample is split by the groups given to fit."""
    X, y = make_classification(
        n_samples=3000, n_features=6, weights=[0.9], random_state=1
    )
    groups = np.arange(len(y)) % 50
    cv = _RecordingGroupKFold(3)
    search = _search(
        strategies=["none", "RandomUnderSampler", "SMOTE"],
        n_candidates=3,
        factor=3,
        cv=cv,
        decision=decision,
    ).fit(X, y, groups=groups)
    assert len(search.n_resources_) > 1
    # the class floor reads the splits of all rows once, then every rung
    assert [n for n, _, _ in cv.seen[:3]] == [3000] * 3
    assert sorted({n for n, _, _ in cv.seen[3:]}) == search.n_resources_
    for _, train, test in cv.seen:
        assert train
        assert test
        assert not train & test
    assert np.isfinite(search.best_score_)


def test_groups_keep_copies_of_a_row_out_of_its_test_fold():
    """Check that groups change what the search measures: copies of a group's
    rows in training and test folds let a 1-nearest-neighbour model look
    perfect; split by group, it is no better than chance (labels are drawn per
    group, with no signal)."""
    rng = np.random.RandomState(0)
    n_groups, size = 60, 10
    groups = rng.permutation(np.repeat(np.arange(n_groups), size))
    labels = np.zeros(n_groups, int)
    labels[rng.choice(n_groups, 12, replace=False)] = 1
    centers = rng.normal(size=(n_groups, 5))
    X = centers[groups] + 1e-3 * rng.normal(size=(len(groups), 5))
    y = labels[groups]
    params = {"strategies": ["none"], "n_candidates": 1, "random_state": 0}
    knn = KNeighborsClassifier(n_neighbors=1)
    by_row = ImbalanceStrategySearchCV(knn, cv=3, n_repeats=1, **params).fit(X, y)
    by_group = ImbalanceStrategySearchCV(knn, cv=GroupKFold(3), **params).fit(
        X, y, groups=groups
    )
    assert by_row.best_score_ > 0.95
    assert by_group.best_score_ < 0.5


def test_one_split_per_group_and_planned_fits(data):
    """Check LeaveOneGroupOut: a split per group on the last rung (all rows),
    cross-fitted rules, and planned fits an upper bound of the fits done."""
    X, y, groups = _grouped(data, n_groups=4)
    events = []
    search = _search(cv=LeaveOneGroupOut(), decision="f1", callback=events.append).fit(
        X, y, groups=groups
    )
    last = search.cv_results_["iter"] == search.cv_results_["iter"].max()
    split_columns = [
        k for k in search.cv_results_ if re.fullmatch(r"split\d+_test_score", k)
    ]
    assert len(split_columns) == 4
    assert np.isfinite(search.cv_results_["split3_test_score"][last]).all()
    assert events[-1]["fits_done"] <= events[-1]["fits_planned"]
    assert isinstance(search.best_estimator_, ThresholdTunedClassifier)


def test_group_splitter_without_groups_fails_before_any_fit(data):
    """Check that a group splitter without groups fails with the splitter's
    own message, before any candidate is fit."""
    events = []
    with pytest.raises(ValueError, match="groups"):
        _search(cv=GroupKFold(3), callback=events.append).fit(*data)
    assert events == []


@pytest.mark.parametrize("groups", [np.arange(5), np.zeros((1200, 2))])
def test_groups_of_the_wrong_shape_are_refused(data, groups):
    """Check that groups must be one label per row."""
    with pytest.raises(ValueError, match=r"groups must be one label per row"):
        _search().fit(*data, groups=groups)


def test_groups_reach_a_nested_search(data):
    """Check nesting with groups: cross_val_score splits by group and passes
    each training part's groups to the search's fit."""
    X, y, groups = _grouped(data)
    scores = cross_val_score(
        _search(cv=GroupKFold(3)),
        X,
        y,
        groups=groups,
        cv=GroupKFold(2),
        params={"groups": groups},
        scoring="average_precision",
    )
    assert np.all((scores > 0) & (scores <= 1))


def test_groups_are_routed_with_metadata_routing(data):
    """Check that with metadata routing a GridSearchCV routes the groups to the
    search when it requests them (and to its own splitter)."""
    X, y, groups = _grouped(data)
    seen = []

    class Recording(GroupKFold):
        def split(self, X, y=None, groups=None):
            seen.append(groups is not None)
            yield from super().split(X, y, groups)

    with sklearn.config_context(enable_metadata_routing=True):
        search = _search(cv=Recording(3)).set_fit_request(groups=True)
        GridSearchCV(search, {"n_candidates": [1]}, cv=GroupKFold(2)).fit(
            X, y, groups=groups
        )
    assert seen
    assert all(seen)


def test_groups_with_a_splitter_that_ignores_them_warn(data):
    """Check that groups given with an int cv are ignored with scikit-learn's
    warning, and change nothing."""
    X, y, groups = _grouped(data)
    with pytest.warns(UserWarning, match="groups parameter is ignored"):
        grouped = _search().fit(X, y, groups=groups)
    plain = _search().fit(X, y)
    np.testing.assert_array_equal(
        grouped.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )


def test_a_failed_fit_leaves_no_state_of_the_fit(data):
    """Check that the groups and other state of one fit are not left on the
    estimator (and pickled with it) when the fit fails."""
    X, y, groups = _grouped(data)
    search = _search(cv=GroupKFold(3), n_repeats=2)
    with pytest.raises(ValueError, match="n_repeats=2 repeats stratified k-fold"):
        search.fit(X, y, groups=groups)
    assert not set(vars(search)) & {"_groups", "_crossfit", "_fits_done"}
    fitted = _search(cv=GroupKFold(3)).fit(X, y, groups=groups)
    assert not set(vars(fitted)) & {"_groups", "_crossfit", "_fits_done"}


def _few_large_groups(seed=0):
    """Four groups of 400 rows and one of 4, a tenth of each group positive."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(5), [400, 400, 400, 400, 4])
    y = np.zeros(len(groups), dtype=int)
    for g in range(5):
        rows = np.flatnonzero(groups == g)
        y[rng.choice(rows, max(1, len(rows) // 10), replace=False)] = 1
    X = rng.normal(size=(len(y), 4)) + y[:, None]
    return X, y, groups


def test_rungs_that_cannot_be_split_by_group_are_left_out():
    """Check that a subsample holding fewer groups than folds is no rung (it
    could not be split), and that the last rung, all rows, stays."""
    _, y, groups = _few_large_groups()
    rungs = [300, 900, len(y)]
    rng = np.random.RandomState(0)
    permutations = class_permutations(y, rng)
    kept = rungs_split_by_group(rungs, permutations, 10, GroupKFold(5), y, groups)
    assert kept[-1] == len(y)
    assert len(kept) < len(rungs)
    for n_rows in rungs[:-1]:
        rows = nested_subsample(permutations, n_rows, 10)
        # GroupKFold(5) tests each of the 5 groups alone: each needs both classes
        splittable = all(
            set(y[rows][groups[rows] == g].tolist()) == {0, 1} for g in range(5)
        )
        assert (n_rows in kept) == splittable
    two_folds = rungs_split_by_group(rungs, permutations, 10, GroupKFold(2), y, groups)
    assert two_folds == rungs


@pytest.mark.parametrize("seed", [13, 18])
def test_group_search_skips_rungs_it_cannot_split(seed):
    """Check that a search whose small rungs miss the small group still runs
    (before, GroupKFold raised in the middle of the fit)."""
    X, y, groups = _few_large_groups()
    search = ImbalanceStrategySearchCV(
        LogisticRegression(), cv=GroupKFold(5), n_candidates=6, random_state=seed
    ).fit(X, y, groups=groups)
    assert search.n_resources_[-1] == len(y)
    assert np.isfinite(search.best_score_)
