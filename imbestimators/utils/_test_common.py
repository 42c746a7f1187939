"""Instances and expected failures for the common estimator checks.

``tests/test_common.py`` builds every estimator found by
:func:`imbestimators.utils.discovery.all_estimators` with the parameters below
and runs scikit-learn's and imbalanced-learn's checks on it. Each expected
failure carries the reason it is expected; a check that starts passing is
reported (strict xfail), so the list cannot silently go stale.
"""

from sklearn.linear_model import LogisticRegression

__all__ = ["EXPECTED_FAILED_CHECKS", "construct_instances", "expected_failed_checks"]


def _init_params():
    return {
        # required parameter; column 0 of the checks' data becomes categorical
        "SMOTENC": [{"categorical_features": [0], "random_state": 0}],
        # version 3 may keep fewer rows than asked (by design, as in
        # imbalanced-learn): its counts are tested in tests/under_sampling
        "NearMiss": [{"version": 1}, {"version": 2}],
        # a few trees keep the checks fast (scikit-learn checks its forests so)
        "BalancedRandomForestClassifier": [{"n_estimators": 5}],
        # as scikit-learn checks its BaggingClassifier
        "BalancedBaggingClassifier": [{"n_estimators": 5}],
        "EasyEnsembleClassifier": [{"n_estimators": 5}],
        # meta-estimators: "estimator": None becomes a LogisticRegression
        "ThresholdTunedClassifier": [{"estimator": None, "cv": 3}],
        # the smallest space with a sampler and a halving schedule: the checks
        # fit it dozens of times
        "ImbalanceStrategySearchCV": [
            {
                "estimator": None,
                "strategies": ["none", "RandomOverSampler"],
                "n_candidates": 1,
                "cv": 2,
            }
        ],
        "PriorCorrectedClassifier": [
            {"estimator": None},
            {"estimator": None, "calibration": "sigmoid", "cv": 3},
        ],
        # a tiny net trained for few epochs keeps the checks fast; float64
        # because check_sample_weight_equivalence compares to rtol=1e-7, below
        # float32 rounding (the float32 default is checked, with that one
        # expected failure, in tests/neural/test_mlp.py)
        "FocalLossMLPClassifier": [
            {
                "hidden_layer_sizes": (16,),
                "max_epochs": 20,
                "lr": 0.05,
                "batch_size": 64,
                "dtype": "float64",
            }
        ],
    }


#: class name -> {check name: reason}
EXPECTED_FAILED_CHECKS: dict = {
    "BalancedBaggingClassifier": {
        "check_sample_weight_equivalence_on_dense_data": (
            "sample_weight gives the probabilities of drawing each row into a "
            "member's random sample, as in scikit-learn's BaggingClassifier "
            "(which lists the same expected failure): integer weights and "
            "repeated rows give other random draws. The draw is tested in "
            "tests/ensemble/test_bagging.py"
        ),
        "check_sample_weight_equivalence_on_sparse_data": (
            "same reason as check_sample_weight_equivalence_on_dense_data"
        ),
    },
    "BalancedRandomForestClassifier": {
        "check_sample_weight_equivalence_on_dense_data": (
            "integer weights are not repeated rows: each tree's under-sample is "
            "sized from the class counts and draws rows uniformly, so a repeated "
            "row is drawn more often than a row of weight 2 (scikit-learn lists "
            "the same failure for RandomForestClassifier, imbalanced-learn for "
            "BalancedRandomForestClassifier); how weights reach each tree is "
            "tested in tests/ensemble/test_forest.py"
        ),
        "check_sample_weight_equivalence_on_sparse_data": (
            "same reason as check_sample_weight_equivalence_on_dense_data"
        ),
    },
    "ClusterCentroids": {
        "check_samplers_sparse": (
            "voting='auto' returns the nearest rows for sparse input and the "
            "k-means centres for dense input (imbalanced-learn's rule, and its "
            "ClusterCentroids fails this check too), and the check compares the "
            "two; sparse behaviour is tested in "
            "tests/under_sampling/test_cluster_centroids.py"
        ),
        "check_samplers_pandas_sparse": (
            "same reason as check_samplers_sparse: a sparse DataFrame gets the "
            "nearest rows, the dense array the k-means centres"
        ),
    },
    "ThresholdTunedClassifier": {
        "check_classifiers_train": (
            "the check asserts predict == (decision_function > 0) and "
            "predict == argmax(predict_proba); the tuned rule moves the threshold "
            "(per-class offsets for more classes) on purpose, while "
            "decision_function and predict_proba are the inner estimator's, "
            "unchanged (scikit-learn lists the same expected failure for "
            "TunedThresholdClassifierCV). predict == (score >= best_threshold_) "
            "is tested in tests/model_selection/test_threshold.py"
        ),
    },
    "RUSBoostClassifier": {
        "check_sample_weight_equivalence_on_dense_data": (
            "integer weights are not repeated rows: repeating a row changes the "
            "class counts each round's under-sample is sized from and gives it "
            "more chances to be drawn (scikit-learn lists the same failure for "
            "AdaBoostClassifier, imbalanced-learn for RUSBoostClassifier); "
            "zero weight == dropped row is tested in "
            "tests/ensemble/test_weight_boosting.py"
        ),
        "check_sample_weight_equivalence_on_sparse_data": (
            "same reason as check_sample_weight_equivalence_on_dense_data"
        ),
    },
    "SMOTENC": {
        "check_estimators_nan_inf": (
            "the check puts NaN in column 0, which SMOTENC is told is categorical: "
            "a missing category is valid data there (numerical columns do reject "
            "NaN/inf, see tests/over_sampling/test_smotenc.py)"
        ),
    },
}


def construct_instances(Estimator):
    """Yield the instances of ``Estimator`` the common checks run on."""
    for params in _init_params().get(Estimator.__name__, [{}]):
        params = dict(params)
        if "estimator" in params and params["estimator"] is None:
            params["estimator"] = LogisticRegression()
        estimator = Estimator(**params)
        if "random_state" in estimator.get_params() and "random_state" not in params:
            estimator.set_params(random_state=0)
        yield estimator


def expected_failed_checks(estimator):
    """The expected failures of ``estimator``, as parametrize_with_checks wants."""
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
