"""Tests of ThresholdTunedClassifier."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.pipeline import make_pipeline
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError, UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer, matthews_corrcoef
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
from sklearn.svm import LinearSVC

from imbestimators.exceptions import ConstraintNotMetWarning
from imbestimators.model_selection import ThresholdTunedClassifier
from imbestimators.under_sampling import RandomUnderSampler


class _CentroidClassifier(ClassifierMixin, BaseEstimator):
    """Scores are minus squared distances to class centroids, class by class.

    Each class's score is computed on its own, so renaming or reordering the
    classes permutes the scores exactly (no normalization across classes).
    """

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.centroids_ = np.array([X[y == c].mean(axis=0) for c in self.classes_])
        return self

    def decision_function(self, X):
        X = np.asarray(X, dtype=np.float64)
        scores = np.column_stack([-((X - c) ** 2).sum(axis=1) for c in self.centroids_])
        if len(self.classes_) == 2:
            return scores[:, 1] - scores[:, 0]
        return scores

    def predict(self, X):
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]


class _WeightSpy(LogisticRegression):
    """LogisticRegression that remembers the sample weights of its last fit."""

    def fit(self, X, y, sample_weight=None):
        self.seen_weight_ = sample_weight
        return super().fit(X, y, sample_weight=sample_weight)


def _binary(n_samples=400, seed=0, weights=(0.85,)):
    return make_classification(
        n_samples=n_samples,
        n_features=5,
        n_informative=5,
        n_redundant=0,
        weights=list(weights),
        class_sep=1.5,
        flip_y=0.02,
        random_state=seed,
    )


def _multiclass(n_samples=600, seed=0):
    return make_classification(
        n_samples=n_samples,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=[0.7, 0.2],
        random_state=seed,
    )


def _out_of_fold_scores(clf, X, y, cv):
    """The pooled out-of-fold rule scores, in the order the tuner pools them."""
    rows, scores = [], []
    for train, val in cv.split(X, y):
        est = clone(clf.estimator).fit(X[train], y[train])
        method = clf.response_method_
        values = getattr(est, method)(X[val])
        rows.append(val)
        scores.append(values)
    return np.concatenate(rows), np.concatenate(scores)


@settings(max_examples=10)
@given(
    seed=st.integers(0, 1000),
    objective=st.sampled_from(["f1", "mcc", "gmean", "youden", "recall"]),
    method=st.sampled_from(["predict_proba", "decision_function"]),
)
def test_predict_is_score_above_threshold(seed, objective, method):
    """Check that binary predict equals score >= best_threshold_."""
    X, y = _binary(n_samples=150, seed=seed)
    clf = ThresholdTunedClassifier(
        LogisticRegression(),
        objective=objective,
        response_method=method,
        cv=KFold(3, shuffle=True, random_state=seed),
    ).fit(X, y)
    score = getattr(clf, method)(X)
    score = score[:, 1] if method == "predict_proba" else score
    assert np.array_equal(clf.predict(X), (score >= clf.best_threshold_).astype(int))


_PERMUTATIONS = st.permutations(["cat", "dog", "eel"])


@settings(max_examples=10)
@given(
    seed=st.integers(0, 1000), names=_PERMUTATIONS, n_classes=st.sampled_from([2, 3])
)
def test_renaming_classes_keeps_decisions(seed, names, n_classes):
    """Check that renaming (and so reordering) the classes does not change the
    decisions, for two classes (pos_label renamed too) and for three."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(120, 2))
    y = rng.integers(0, n_classes, 120)
    X[:, 0] += y
    names = np.array(names[:n_classes])
    objective = "f1" if n_classes == 2 else "mcc"
    params = {"objective": objective, "cv": KFold(3), "response_method": "auto"}
    base = ThresholdTunedClassifier(
        _CentroidClassifier(), pos_label=1 if n_classes == 2 else None, **params
    )
    renamed = ThresholdTunedClassifier(
        _CentroidClassifier(),
        pos_label=names[1] if n_classes == 2 else None,
        **params,
    )
    pred = base.fit(X, y).predict(X)
    pred_renamed = renamed.fit(X, names[y]).predict(X)
    assert np.array_equal(names[pred], pred_renamed)


@pytest.mark.parametrize("objective", ["f1", "balanced_accuracy", "mcc"])
def test_best_score_is_pooled_out_of_fold_objective(objective):
    """Check that best_score_ is the objective of the tuned decisions on the
    pooled out-of-fold scores, recomputed by hand."""
    X, y = _binary()
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    clf = ThresholdTunedClassifier(LogisticRegression(), objective=objective, cv=cv)
    clf.fit(X, y)
    rows, proba = _out_of_fold_scores(clf, X, y, cv)
    pred = (proba[:, 1] >= clf.best_threshold_).astype(int)
    metric = {"f1": f1_score, "mcc": matthews_corrcoef}.get(objective)
    if metric is None:
        from sklearn.metrics import balanced_accuracy_score as metric
    assert clf.best_score_ == pytest.approx(metric(y[rows], pred))
    lo, hi = clf.best_threshold_interval_
    assert lo == clf.cv_results_["fold_best_threshold"].min()
    assert hi == clf.cv_results_["fold_best_threshold"].max()
    assert clf.cv_results_["fold_scores"].shape == (
        4,
        len(clf.cv_results_["thresholds"]),
    )


def test_multiclass_offsets_beat_argmax_out_of_fold():
    """Check that the tuned offsets score at least the plain argmax on the
    pooled out-of-fold log-probabilities, and that predict applies them."""
    X, y = _multiclass()
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    clf = ThresholdTunedClassifier(LogisticRegression(), objective="f1", cv=cv)
    clf.fit(X, y)
    rows, proba = _out_of_fold_scores(clf, X, y, cv)
    log_proba = np.log(proba)
    tuned = np.argmax(log_proba + clf.class_offsets_, axis=1)
    assert clf.best_score_ == pytest.approx(f1_score(y[rows], tuned, average="macro"))
    assert clf.best_score_ >= f1_score(y[rows], proba.argmax(axis=1), average="macro")
    expected = np.argmax(clf.predict_log_proba(X) + clf.class_offsets_, axis=1)
    assert np.array_equal(clf.predict(X), expected)
    assert clf.cv_results_["fold_class_offsets"].shape == (3, 3)
    assert not hasattr(clf, "best_threshold_")


def test_multiclass_cost_matrix_starts_from_bayes():
    """Check that with a cost matrix the rule is at least as cheap as the Bayes
    minimum-risk decision on the tuning data, and predict uses the risks."""
    X, y = _multiclass(n_samples=900)
    prefit = LogisticRegression().fit(X[:450], y[:450])
    cost = np.array([[0.0, 1.0, 1.0], [8.0, 0.0, 1.0], [15.0, 2.0, 0.0]])
    clf = ThresholdTunedClassifier(
        prefit, objective="cost", cost_matrix=cost, cv="prefit"
    ).fit(X[450:], y[450:])
    risk = clf.predict_proba(X[450:]) @ cost
    bayes = risk.argmin(axis=1)
    bayes_cost = cost[y[450:], bayes].mean()
    assert -clf.best_score_ <= bayes_cost + 1e-12
    assert -clf.best_score_ == pytest.approx(cost[y[450:], clf.predict(X[450:])].mean())
    assert np.array_equal(
        clf.predict(X[450:]), np.argmax(-risk + clf.class_offsets_, axis=1)
    )


def test_binary_cost_dict_and_per_sample_costs():
    """Check fp/fn costs as a dict, and per-sample costs passed to fit."""
    X, y = _binary()
    prefit = LogisticRegression().fit(X[:200], y[:200])
    Xt, yt = X[200:], y[200:]
    clf = ThresholdTunedClassifier(
        prefit, objective="cost", cost_matrix={"fp": 1.0, "fn": 10.0}, cv="prefit"
    ).fit(Xt, yt)
    pred = clf.predict(Xt)
    cost = np.where((pred == 1) & (yt == 0), 1.0, 0.0) + np.where(
        (pred == 0) & (yt == 1), 10.0, 0.0
    )
    assert -clf.best_score_ == pytest.approx(cost.mean())
    amounts = np.random.default_rng(0).uniform(1, 100, len(yt))
    clf = ThresholdTunedClassifier(prefit, objective="cost", cv="prefit")
    clf.fit(Xt, yt, sample_cost=amounts)
    wrong = clf.predict(Xt) != yt
    assert -clf.best_score_ == pytest.approx(amounts[wrong].sum() / len(yt))


def test_constraint_met_and_reported():
    """Check that a reachable floor is met on the out-of-fold scores."""
    X, y = _binary(n_samples=600)
    clf = ThresholdTunedClassifier(
        LogisticRegression(), objective="recall", constraint=("precision", 0.6)
    ).fit(X, y)
    assert clf.constraint_score_ >= 0.6
    floor = clf.cv_results_["constraint_scores"] >= 0.6
    assert clf.best_score_ == pytest.approx(clf.cv_results_["scores"][floor].max())


def test_constraint_out_of_reach_warns():
    """Check the warning that names the best value reached."""
    X, y = _binary(n_samples=300)
    clf = ThresholdTunedClassifier(
        LogisticRegression(), objective="recall", constraint=("mcc", 0.999)
    )
    with pytest.warns(ConstraintNotMetWarning, match=r"No decision rule reaches mcc"):
        clf.fit(X, y)
    assert clf.constraint_score_ < 0.999


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"cv": 5, "refit": False}, "refit=False keeps the model of a single split"),
        ({"response_method": "decision_function"}, r"needs DummyClassifier\."),
    ],
)
def test_parameter_errors(params, match):
    """Check the messages of incompatible parameters."""
    X, y = _binary(n_samples=100)
    clf = ThresholdTunedClassifier(DummyClassifier(), **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_single_class_error():
    """Check the message for y with one class."""
    X, _y = _binary(n_samples=50)
    with pytest.raises(ValueError, match="needs at least two classes in y"):
        ThresholdTunedClassifier(LogisticRegression()).fit(X, np.zeros(50))


def test_prefit_needs_fitted_estimator():
    """Check that cv='prefit' uses the given model and refuses an unfitted one."""
    X, y = _binary()
    with pytest.raises(NotFittedError, match="cv='prefit' needs a fitted estimator"):
        ThresholdTunedClassifier(LogisticRegression(), cv="prefit").fit(X, y)
    prefit = LogisticRegression().fit(X, y)
    clf = ThresholdTunedClassifier(prefit, cv="prefit").fit(X, y)
    assert clf.estimator_ is prefit


def test_float_cv_hold_out_without_refit():
    """Check that a float cv is one stratified hold-out and refit=False keeps
    its model."""
    X, y = _binary()
    clf = ThresholdTunedClassifier(
        LogisticRegression(), cv=0.25, refit=False, random_state=0
    ).fit(X, y)
    assert clf.cv_results_["fold_scores"].shape[0] == 1
    full = LogisticRegression().fit(X, y)
    assert not np.allclose(clf.estimator_.coef_, full.coef_)
    iterable = ThresholdTunedClassifier(
        LogisticRegression(), cv=list(KFold(3).split(X))
    ).fit(X, y)
    assert iterable.cv_results_["fold_best_score"].shape == (3,)


def test_string_labels_and_pos_label():
    """Check string labels: pos_label chooses the class F1 is about."""
    X, y = _binary()
    labels = np.array(["fraud", "ok"])[1 - y]
    clf = ThresholdTunedClassifier(
        LogisticRegression(), objective="f1", pos_label="fraud"
    ).fit(X, labels)
    proba_fraud = clf.predict_proba(X)[:, 0]
    expected = np.where(proba_fraud >= clf.best_threshold_, "fraud", "ok")
    assert np.array_equal(clf.predict(X), expected)
    assert clf.best_score_ > 0.5


def test_decision_function_delegates():
    """Check that decision_function and predict_proba are the estimator's."""
    X, y = _binary()
    clf = ThresholdTunedClassifier(LinearSVC(), objective="mcc").fit(X, y)
    assert clf.response_method_ == "decision_function"
    assert np.array_equal(clf.decision_function(X), clf.estimator_.decision_function(X))
    assert not hasattr(clf, "predict_proba")


def test_constant_scores_do_not_crash():
    """Check that an estimator with constant scores still gets a rule."""
    X, y = _binary()
    clf = ThresholdTunedClassifier(DummyClassifier(), objective="f1").fit(X, y)
    assert np.isfinite(clf.best_score_)
    assert len(np.unique(clf.predict(X))) == 1


def test_scorer_objective_close_to_builtin():
    """Check that a scorer objective works (on sampled candidates) and scores no
    better than the exact built-in search of the same metric."""
    X, y = _binary(n_samples=600)
    builtin = ThresholdTunedClassifier(LogisticRegression(), objective="f1").fit(X, y)
    scorer = ThresholdTunedClassifier(
        LogisticRegression(), objective=make_scorer(f1_score), n_thresholds=50
    ).fit(X, y)
    named = ThresholdTunedClassifier(LogisticRegression(), objective="f1").fit(X, y)
    assert scorer.best_score_ <= builtin.best_score_ + 1e-12
    assert scorer.best_score_ >= builtin.best_score_ - 0.05
    assert named.best_threshold_ == builtin.best_threshold_


def test_scorer_of_probabilities_is_refused():
    """Check the message for a scorer that does not score hard predictions."""
    X, y = _binary(n_samples=200)
    clf = ThresholdTunedClassifier(LogisticRegression(), objective="roc_auc")
    with pytest.raises(ValueError, match="must score hard predictions"):
        clf.fit(X, y)


def test_sample_weight_equals_repetition_prefit():
    """Check that integer weights in the objective equal repeated samples."""
    X, y = _binary()
    prefit = LogisticRegression().fit(X[:200], y[:200])
    weight = np.random.default_rng(0).integers(1, 4, 200)
    Xt, yt = X[200:], y[200:]
    weighted = ThresholdTunedClassifier(prefit, objective="f1", cv="prefit")
    weighted.fit(Xt, yt, sample_weight=weight)
    repeated = ThresholdTunedClassifier(prefit, objective="f1", cv="prefit")
    repeated.fit(np.repeat(Xt, weight, axis=0), np.repeat(yt, weight))
    assert weighted.best_threshold_ == repeated.best_threshold_
    assert weighted.best_score_ == pytest.approx(repeated.best_score_)


def test_sample_weight_reaches_estimator_without_routing():
    """Check that weights reach an estimator taking them, and the warning for
    a pipeline that cannot."""
    X, y = _binary(n_samples=200)
    weight = np.linspace(0.5, 2, 200)
    clf = ThresholdTunedClassifier(_WeightSpy(), cv=3).fit(X, y, sample_weight=weight)
    assert np.array_equal(clf.estimator_.seen_weight_, weight)
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    with pytest.warns(UserWarning, match="the weights are only used by the objective"):
        ThresholdTunedClassifier(pipe, cv=3).fit(X, y, sample_weight=weight)


def test_metadata_routing():
    """Check routing to the estimator, the splitter and a scorer objective, and
    the errors with routing off or unrequested metadata."""
    X, y = _binary(n_samples=200)
    weight = np.linspace(0.5, 2, 200)
    groups = np.arange(200) % 4
    with pytest.raises(ValueError, match="Passing extra keyword arguments"):
        ThresholdTunedClassifier(LogisticRegression()).fit(X, y, groups=groups)
    with config_context(enable_metadata_routing=True):
        spy = _WeightSpy().set_fit_request(sample_weight=True)
        scorer = make_scorer(f1_score).set_score_request(sample_weight=True)
        clf = ThresholdTunedClassifier(spy, objective=scorer, cv=GroupKFold(4))
        clf.fit(X, y, sample_weight=weight, groups=groups)
        assert np.array_equal(clf.estimator_.seen_weight_, weight)
        with pytest.raises(UnsetMetadataPassedError):
            ThresholdTunedClassifier(_WeightSpy()).fit(X, y, sample_weight=weight)


def test_pipeline_and_n_jobs():
    """Check an imbalanced-learn pipeline, and that n_jobs=2 changes nothing."""
    X, y = _binary()
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    one = ThresholdTunedClassifier(pipe, objective="f1", n_jobs=1).fit(X, y)
    two = ThresholdTunedClassifier(pipe, objective="f1", n_jobs=2).fit(X, y)
    assert one.best_threshold_ == two.best_threshold_
    assert np.array_equal(one.predict(X), two.predict(X))


def test_dataframe_feature_names():
    """Check that feature names are taken from the fitted estimator."""
    pd = pytest.importorskip("pandas")
    X, y = _binary(n_samples=200)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = ThresholdTunedClassifier(LogisticRegression()).fit(frame, y)
    assert list(clf.feature_names_in_) == list(frame.columns)
    assert clf.n_features_in_ == X.shape[1]
