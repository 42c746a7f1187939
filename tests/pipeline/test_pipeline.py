"""Tests of the Pipeline that resamples with its samplers at fit time."""

import pickle
import re

import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import given, settings
from imblearn.pipeline import Pipeline as ImbPipeline
from joblib import Memory
from sklearn.base import BaseEstimator, clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError, UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline as SkPipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from imbestimators.over_sampling import SMOTE, RandomOverSampler
from imbestimators.pipeline import Pipeline, make_pipeline
from imbestimators.testing import imbalanced_datasets
from imbestimators.under_sampling import (
    EditedNearestNeighbours,
    RandomUnderSampler,
    TomekLinks,
)
from imbestimators.utils._param_validation import InvalidParameterError


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (rng.random(n) < 0.2).astype(int)
    X[y == 1] += 1.5
    return X, y


class _RecordingSampler(BaseEstimator):
    """A sampler that keeps every other row and records its metadata."""

    def fit(self, X, y):
        return self

    def fit_resample(self, X, y, sample_weight=None):
        self.received_ = sample_weight
        self.sample_indices_ = np.arange(0, len(y), 2)
        return X[self.sample_indices_], y[self.sample_indices_]


class _SamplerAndTransformer(BaseEstimator):
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X

    def fit_resample(self, X, y):
        return X, y


class _CountingSampler(BaseEstimator):
    """Records each call in a module-level list (survives cloning and caching)."""

    calls: list = []

    def fit_resample(self, X, y):
        _CountingSampler.calls.append(len(y))
        return X[::2], y[::2]


# -- the common checks, as scikit-learn runs them on its own Pipeline ---------

_PIPELINES = [
    Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]),
    Pipeline(
        [("sample", RandomUnderSampler(random_state=0)), ("clf", LogisticRegression())]
    ),
    Pipeline(
        [
            ("scale", StandardScaler()),
            ("sample", RandomOverSampler(random_state=0)),
            ("clf", LogisticRegression()),
        ]
    ),
    Pipeline(
        [
            ("scale", StandardScaler()),
            ("sample", RandomUnderSampler(random_state=0)),
            ("pca", PCA(n_components=1)),
        ]
    ),
]

_STEPS_REASON = (
    "Pipeline changes the `steps` parameter, which it shouldn't (scikit-learn "
    "lists the same expected failure for its own Pipeline)"
)


def _expected_failed_checks(pipeline):
    failures = {
        "check_dont_overwrite_parameters": _STEPS_REASON,
        "check_estimators_overwrite_params": _STEPS_REASON,
    }
    if any(hasattr(step, "fit_resample") for _, step in pipeline.steps):
        failures["check_supervised_y_2d"] = (
            "the sampler ravels a column y silently (imbalanced-learn's "
            "check_target_type), so the final step never warns"
        )
        failures["check_transformer_general"] = (
            "fit_transform resamples and fit().transform() does not: the "
            "documented contract of a pipeline with samplers"
        )
        failures["check_transformer_data_not_an_array"] = (
            "same reason as check_transformer_general"
        )
    return failures


@parametrize_with_checks(_PIPELINES, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    """Check scikit-learn's API contract, with its Pipeline's expected failures."""
    check(estimator)


# -- resampling only while fitting --------------------------------------------


@settings(max_examples=25, deadline=None)
@given(imbalanced_datasets(n_classes=(2, 3), class_size=(3, 40), labels="int"))
def test_pipeline_predicts_as_estimator_fitted_on_resampled_data(data):
    """Check that the pipeline equals the estimator fitted on fit_resample's output.

    The sampler acts in fit only: predict sees the given rows, unresampled.
    """
    X, y = data
    pipe = Pipeline(
        [
            ("sample", RandomUnderSampler(random_state=0)),
            ("clf", DecisionTreeClassifier(random_state=0)),
        ]
    ).fit(X, y)
    X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X, y)
    clf = DecisionTreeClassifier(random_state=0).fit(X_res, y_res)
    np.testing.assert_array_equal(pipe.predict(X), clf.predict(X))
    np.testing.assert_array_equal(pipe.predict_proba(X), clf.predict_proba(X))
    assert pipe.score(X, y) == clf.score(X, y)


def _imb_agreement_cases():
    return [
        [
            ("scale", StandardScaler()),
            ("sample", SMOTE(random_state=0)),
            ("clf", LogisticRegression()),
        ],
        [
            ("sample", RandomUnderSampler(random_state=1)),
            ("pca", PCA(n_components=2)),
            ("clf", KNeighborsClassifier(3)),
        ],
        [
            ("clean", EditedNearestNeighbours()),
            ("sample", RandomOverSampler(random_state=0)),
            ("clf", DecisionTreeClassifier(random_state=0)),
        ],
        [("skip", "passthrough"), ("tomek", TomekLinks()), ("clf", None)],
    ]


def _clone_steps(steps):
    return [
        (name, step if step is None or isinstance(step, str) else clone(step))
        for name, step in steps
    ]


@pytest.mark.parametrize("steps", _imb_agreement_cases())
def test_pipeline_agrees_with_imblearn(steps):
    """Check that imblearn's Pipeline with the same steps gives the same output."""
    X, y = _data()
    ours = Pipeline(_clone_steps(steps))
    theirs = ImbPipeline(_clone_steps(steps))
    if steps[-1][1] is None:
        # imblearn returns Xt alone from fit_resample with a passthrough end
        assert isinstance(theirs.fit_resample(X, y), np.ndarray)
        X_ours, _ = ours.fit_resample(X, y)
        np.testing.assert_array_equal(X_ours, theirs.fit_resample(X, y))
        return
    ours.fit(X, y)
    theirs.fit(X, y)
    X_test, _ = _data(seed=1)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test))
    assert ours.score(X_test, y) == theirs.score(X_test, y)
    assert [type(s).__name__ for _, s in ours.steps] == [
        type(s).__name__ for _, s in theirs.steps
    ]


def test_pipeline_fit_transform_resamples_but_transform_does_not():
    """Check that fit_transform returns resampled rows and transform all rows."""
    X, y = _data()
    pipe = Pipeline(
        [("sample", RandomUnderSampler(random_state=0)), ("scale", StandardScaler())]
    )
    Xt = pipe.fit_transform(X, y)
    n_min = np.bincount(y).min()
    assert Xt.shape == (2 * n_min, 3)
    assert pipe.transform(X).shape == X.shape


class _RecordingTransformer(BaseEstimator):
    """A transformer without fit_transform that records the y it is fitted on."""

    def fit(self, X, y=None):
        self.y_ = y
        return self

    def transform(self, X):
        return X


def test_pipeline_fit_transform_fits_last_step_on_resampled_y():
    """Check that a last step without fit_transform gets the resampled y.

    imblearn passes the original y with the resampled X here.
    """
    X, y = _data()
    pipe = Pipeline(
        [("sample", RandomUnderSampler(random_state=0)), ("t", _RecordingTransformer())]
    )
    Xt = pipe.fit_transform(X, y)
    assert len(pipe[-1].y_) == len(Xt) < len(y)
    theirs = ImbPipeline(_clone_steps(pipe.steps))
    assert len(theirs.fit_transform(X, y)) < len(theirs[-1].y_) == len(y)


def test_pipeline_fit_predict_uses_resampled_data():
    """Check that fit_predict predicts the resampled training rows."""
    from sklearn.cluster import KMeans

    X, y = _data()
    pipe = Pipeline(
        [
            ("sample", RandomUnderSampler(random_state=0)),
            ("km", KMeans(2, n_init=2, random_state=0)),
        ]
    )
    labels = pipe.fit_predict(X, y)
    assert len(labels) == 2 * np.bincount(y).min()


def test_pipeline_fit_resample_available_only_for_sampler_or_passthrough_end():
    """Check when fit_resample exists, and that it returns (X, y) for passthrough."""
    X, y = _data()
    with_clf = Pipeline([("s", RandomUnderSampler()), ("clf", LogisticRegression())])
    assert not hasattr(with_clf, "fit_resample")
    with_sampler = Pipeline(
        [("scale", StandardScaler()), ("s", RandomUnderSampler(random_state=0))]
    )
    X_res, y_res = with_sampler.fit_resample(X, y)
    assert len(X_res) == len(y_res) == 2 * np.bincount(y).min()
    X_res, y_res = Pipeline(
        [("s", RandomUnderSampler(random_state=0)), ("end", "passthrough")]
    ).fit_resample(X, y)
    assert len(X_res) == len(y_res) == 2 * np.bincount(y).min()
    # a slice of a fitted pipeline resamples as the pipeline did
    pipe = Pipeline(
        [("s", RandomUnderSampler(random_state=0)), ("clf", LogisticRegression())]
    )
    X_slice, _ = pipe[:-1].fit_resample(X, y)
    np.testing.assert_array_equal(X_slice, X_res)


def test_pipeline_keeps_pandas_and_feature_names():
    """Check that a DataFrame goes through, with the first step's feature names."""
    X, y = _data()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    pipe.fit(frame, pd.Series(y, name="target"))
    assert list(pipe.feature_names_in_) == ["a", "b", "c"]
    assert pipe.n_features_in_ == 3
    np.testing.assert_array_equal(pipe.classes_, [0, 1])
    assert pipe.predict(frame).shape == (len(y),)


# -- step validation ----------------------------------------------------------


def test_pipeline_refuses_step_that_samples_and_transforms():
    """Check the TypeError for an intermediate step with fit_resample and transform."""
    X, y = _data()
    pipe = Pipeline([("both", _SamplerAndTransformer()), ("clf", LogisticRegression())])
    with pytest.raises(TypeError, match="implements both"):
        pipe.fit(X, y)


def test_pipeline_refuses_step_that_neither_samples_nor_transforms():
    """Check the TypeError for an intermediate step without transform or resample."""
    X, y = _data()
    pipe = Pipeline([("clf1", LogisticRegression()), ("clf", LogisticRegression())])
    with pytest.raises(TypeError, match="implement fit and transform or fit_resample"):
        pipe.fit(X, y)


def test_pipeline_refuses_last_step_without_fit():
    """Check the TypeError for a last step without fit."""
    X, y = _data()
    pipe = Pipeline([("scale", StandardScaler()), ("last", object())])
    with pytest.raises(TypeError, match="Last step of Pipeline should implement fit"):
        pipe.fit(X, y)


def test_pipeline_refuses_empty_steps_and_classes():
    """Check the errors for no steps and for a class instead of an instance."""
    X, y = _data()
    with pytest.raises(ValueError, match="The pipeline is empty"):
        Pipeline([]).fit(X, y)
    with pytest.raises(TypeError, match="Expected an estimator instance"):
        Pipeline([("s", RandomUnderSampler), ("clf", LogisticRegression())]).fit(X, y)


def test_pipeline_refuses_nested_pipeline_with_sampler():
    """Check that a nested pipeline may transform but not resample."""
    X, y = _data()
    inner = SkPipeline([("scale", StandardScaler()), ("pca", PCA(2))])
    pipe = Pipeline([("pre", inner), ("clf", LogisticRegression())]).fit(X, y)
    assert pipe.predict(X).shape == y.shape
    resampling = Pipeline(
        [("scale", StandardScaler()), ("s", RandomUnderSampler()), ("pca", PCA(2))]
    )
    outer = Pipeline([("pre", resampling), ("clf", LogisticRegression())])
    with pytest.raises(TypeError, match=r"'pre' is a Pipeline that contains .*'s'"):
        outer.fit(X, y)


def test_pipeline_step_params_need_step_name():
    """Check the error for a fit parameter without the step__ prefix."""
    X, y = _data()
    pipe = make_pipeline(RandomUnderSampler(), LogisticRegression())
    with pytest.raises(ValueError, match=r"Pipeline\.fit does not accept the foo"):
        pipe.fit(X, y, foo=1)


def test_pipeline_transform_input_needs_routing():
    """Check that transform_input without metadata routing is refused."""
    X, y = _data()
    pipe = Pipeline(
        [("s", RandomUnderSampler()), ("clf", LogisticRegression())],
        transform_input=["X_val"],
    )
    with pytest.raises(ValueError, match="can only be set if metadata routing"):
        pipe.fit(X, y)


def test_pipeline_not_fitted_raises():
    """Check NotFittedError before fit (imblearn 0.14 only warns for some steps)."""
    X, _ = _data()
    pipe = make_pipeline(RandomUnderSampler(), LogisticRegression())
    with pytest.raises(NotFittedError):
        pipe.predict(X)


# -- fit parameters and metadata routing --------------------------------------


def test_pipeline_step_params_reach_sampler_and_estimator():
    """Check that step__param reaches a sampler's fit_resample and the last fit."""
    X, y = _data()
    w = np.linspace(0.5, 2.0, len(y))
    pipe = Pipeline([("s", _RecordingSampler()), ("clf", LogisticRegression())])
    pipe.fit(X, y, s__sample_weight=w, clf__sample_weight=w)
    np.testing.assert_array_equal(pipe["s"].received_, w)
    theirs = ImbPipeline([("s", _RecordingSampler()), ("clf", LogisticRegression())])
    theirs.fit(X, y, s__sample_weight=w, clf__sample_weight=w[::2])
    assert theirs["s"].received_ is None  # imblearn drops the sampler's params
    # the estimator's weights follow the rows the sampler kept
    expected = LogisticRegression().fit(X[::2], y[::2], sample_weight=w[::2])
    np.testing.assert_allclose(pipe["clf"].coef_, expected.coef_)


@pytest.mark.parametrize("routing", [False, True])
@pytest.mark.parametrize(
    "sampler",
    [RandomUnderSampler(random_state=0), RandomOverSampler(random_state=0)],
    ids=["under", "over"],
)
def test_pipeline_sample_weight_follows_resampled_rows(routing, sampler):
    """Check that sample_weight after a sampler follows its sample_indices_.

    imblearn passes the weights with their old length (imblearn issue #457).
    """
    X, y = _data()
    w = np.linspace(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=routing):
        clf = LogisticRegression()
        if routing:
            clf.set_fit_request(sample_weight=True)
        pipe = Pipeline([("s", clone(sampler)), ("clf", clf)])
        params = {"sample_weight": w} if routing else {"clf__sample_weight": w}
        pipe.fit(X, y, **params)
        indices = pipe["s"].sample_indices_
        expected = LogisticRegression().fit(
            X[indices], y[indices], sample_weight=w[indices]
        )
        np.testing.assert_allclose(pipe["clf"].coef_, expected.coef_)
        theirs = ImbPipeline(_clone_steps(pipe.steps))
        with pytest.raises(ValueError, match=r"sample_weight\.shape"):
            theirs.fit(X, y, **params)
    assert len(w) == len(y)  # the caller's weights are not changed


@pytest.mark.parametrize("routing", [False, True])
def test_pipeline_sample_weight_after_generating_sampler_is_refused(routing):
    """Check the ValueError when weights cannot follow synthetic rows (SMOTE)."""
    X, y = _data()
    w = np.ones(len(y))
    with sklearn.config_context(enable_metadata_routing=routing):
        clf = LogisticRegression()
        if routing:
            clf.set_fit_request(sample_weight=True)
        pipe = Pipeline([("smote", SMOTE(random_state=0)), ("clf", clf)])
        params = {"sample_weight": w} if routing else {"clf__sample_weight": w}
        with pytest.raises(ValueError, match="sampler 'smote' \\(SMOTE\\)"):
            pipe.fit(X, y, **params)


def test_pipeline_routes_metadata_to_sampler():
    """Check that with routing, a sampler gets the fit_resample metadata it requests."""
    X, y = _data()
    w = np.linspace(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        sampler = _RecordingSampler().set_fit_resample_request(sample_weight=True)
        scaler = StandardScaler().set_fit_request(sample_weight=False)
        pipe = Pipeline([("scale", scaler), ("s", sampler), ("end", "passthrough")])
        X_res, y_res = pipe.fit_resample(X, y, sample_weight=w)
        np.testing.assert_array_equal(pipe["s"].received_, w)
        assert len(X_res) == len(y_res) == len(range(0, len(y), 2))
        # a pipeline ending with the sampler routes to its fit_resample too
        last = Pipeline([("scale", clone(scaler)), ("s", clone(sampler))])
        last.fit_resample(X, y, sample_weight=w)
        np.testing.assert_array_equal(last["s"].received_, w)


def test_pipeline_routing_refuses_unrequested_metadata():
    """Check that routing raises for metadata no step has requested or refused."""
    X, y = _data()
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = Pipeline([("s", _RecordingSampler()), ("clf", LogisticRegression())])
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            pipe.fit(X, y, sample_weight=np.ones(len(y)))


def test_pipeline_metadata_routing_lists_samplers():
    """Check that the router sends fit's metadata to a sampler's fit_resample."""
    with sklearn.config_context(enable_metadata_routing=True):
        sampler = _RecordingSampler().set_fit_resample_request(sample_weight=True)
        pipe = Pipeline([("s", sampler), ("clf", LogisticRegression())])
        routing = pipe.get_metadata_routing()
        assert routing.consumes("fit", ["sample_weight"]) == {"sample_weight"}
        assert routing.consumes("predict", ["sample_weight"]) == set()


# -- caching, verbosity, and composing with scikit-learn ----------------------


def test_pipeline_memory_caches_samplers(tmp_path):
    """Check that a cached pipeline does not resample the same data twice."""
    X, y = _data()
    _CountingSampler.calls.clear()
    sampler = _CountingSampler()
    memory = Memory(tmp_path, verbose=0)
    pipe = Pipeline([("s", sampler), ("clf", LogisticRegression())], memory=memory)
    pipe.fit(X, y)
    first = pipe.predict_proba(X)
    pipe.fit(X, y)
    assert _CountingSampler.calls == [len(y)]
    np.testing.assert_array_equal(pipe.predict_proba(X), first)
    # caching fits clones, never the given instance
    assert pipe["s"] is not sampler
    uncached = Pipeline([("s", sampler), ("clf", LogisticRegression())]).fit(X, y)
    assert uncached["s"] is sampler
    np.testing.assert_allclose(uncached.predict_proba(X), first)


def test_pipeline_verbose_prints_each_step(capsys):
    """Check scikit-learn's per-step timing lines, samplers included."""
    X, y = _data()
    Pipeline(
        [("s", RandomUnderSampler()), ("skip", None), ("clf", LogisticRegression())],
        verbose=True,
    ).fit(X, y)
    out = capsys.readouterr().out
    for i, name in enumerate(["s", "skip", "clf"], start=1):
        pattern = rf"\[Pipeline\] \.+ \(step {i} of 3\) Processing {name}, total=.*s"
        assert re.search(pattern, out), out
    assert all(len(line) == 70 for line in out.splitlines())


def test_pipeline_in_grid_search_and_cross_validation():
    """Check GridSearchCV over sampler and estimator parameters, and cross_val_score."""
    X, y = _data(200)
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    grid = GridSearchCV(
        pipe,
        {
            "randomundersampler__sampling_strategy": ["auto", 0.5],
            "logisticregression__C": [0.1, 1.0],
        },
        cv=3,
        scoring="balanced_accuracy",
    ).fit(X, y)
    assert set(grid.best_params_) == {
        "randomundersampler__sampling_strategy",
        "logisticregression__C",
    }
    scores = cross_val_score(pipe, X, y, cv=3, scoring="roc_auc")
    assert scores.shape == (3,)
    assert np.all((scores >= 0) & (scores <= 1))


def test_pipeline_clone_and_pickle():
    """Check that clone gives an unfitted twin and pickling keeps predictions."""
    X, y = _data()
    pipe = make_pipeline(SMOTE(random_state=0), LogisticRegression()).fit(X, y)
    twin = clone(pipe)
    assert not hasattr(twin[-1], "coef_")
    assert twin.get_params()["smote__random_state"] == 0
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict_proba(X), pipe.predict_proba(X))


def test_make_pipeline_names_steps_and_validates():
    """Check make_pipeline's step names and its parameter validation."""
    pipe = make_pipeline(
        RandomUnderSampler(), StandardScaler(), StandardScaler(), LogisticRegression()
    )
    assert isinstance(pipe, Pipeline)
    assert [name for name, _ in pipe.steps] == [
        "randomundersampler",
        "standardscaler-1",
        "standardscaler-2",
        "logisticregression",
    ]
    expected = ImbPipeline(pipe.steps)
    assert [n for n, _ in pipe.steps] == [n for n, _ in expected.steps]
    with pytest.raises(InvalidParameterError, match="'memory' parameter"):
        make_pipeline(LogisticRegression(), memory=1)


class _RecordingCallback:
    """A scikit-learn 1.9 fit callback (experimental API) that records its hooks."""

    max_propagation_depth = None  # auto-propagated to the steps

    def __init__(self):
        self.record = []

    def setup(self, estimator, context):
        self.record.append(("setup", type(estimator).__name__))

    def teardown(self, estimator, context):
        self.record.append(("teardown", type(estimator).__name__))

    def on_fit_task_begin(self, estimator, context, **kwargs):
        self.record.append(("begin", type(estimator).__name__))

    def on_fit_task_end(self, estimator, context, **kwargs):
        self.record.append(("end", type(estimator).__name__))


@pytest.mark.filterwarnings("ignore:The estimator .* does not support callbacks")
@pytest.mark.parametrize("method", ["fit", "fit_predict"])
def test_pipeline_calls_fit_callbacks_for_each_step(method):
    """Check scikit-learn's callback tasks: the pipeline, each step, the last fit.

    As in scikit-learn's Pipeline, a passthrough step counts as a task.
    """
    from sklearn.cluster import KMeans

    X, y = _data()
    callback = _RecordingCallback()
    pipe = Pipeline(
        [
            ("s", RandomUnderSampler(random_state=0)),
            ("skip", "passthrough"),
            ("last", DecisionTreeClassifier(random_state=0)),
        ]
    )
    if method == "fit_predict":
        pipe.set_params(last=KMeans(2, n_init=1, random_state=0))
    getattr(pipe.set_callbacks(callback), method)(X, y)
    assert callback.record[0] == ("setup", "Pipeline")
    assert callback.record[-1] == ("teardown", "Pipeline")
    # the pipeline's task, one per step, and the last step's task
    assert callback.record.count(("begin", "Pipeline")) == 4
    assert callback.record.count(("end", "Pipeline")) == 4
