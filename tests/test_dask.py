"""Scale-out: GridSearchCV over our samplers on a Dask cluster through joblib."""

import csv

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from imbestimators.__main__ import main
from imbestimators.over_sampling import SMOTE
from imbestimators.under_sampling import TomekLinks

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")

pytestmark = [pytest.mark.dask, pytest.mark.timeout(180)]


def _search(n_jobs):
    pipe = make_pipeline(
        StandardScaler(),
        SMOTE(random_state=0),
        TomekLinks(),
        LogisticRegression(),
    )
    return GridSearchCV(
        pipe,
        {"smote__k_neighbors": [3, 5], "logisticregression__C": [0.1, 1.0]},
        # an explicit scorer: see CONVENTIONS.md on Dask and scoring=None
        scoring=["average_precision", "f1"],
        refit="average_precision",
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        n_jobs=n_jobs,
    )


@pytest.fixture(scope="module")
def client():
    """A cluster of two worker processes, one thread each, for this module."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_grid_search_on_local_dask_cluster_matches_loky(client):
    """Check that a GridSearchCV run on Dask workers equals the loky run."""
    X, y = make_classification(
        n_samples=600, n_features=8, weights=[0.9], random_state=0
    )
    with (
        distributed.get_task_stream(client) as stream,
        joblib.parallel_config(backend="dask"),
    ):
        on_dask = _search(n_jobs=-1).fit(X, y)
    # the fits really ran as tasks on both worker processes
    workers = {task["worker"] for task in stream.data}
    assert len(stream.data) >= 4
    assert len(workers) == 2
    on_loky = _search(n_jobs=2).fit(X, y)
    for key in ("mean_test_average_precision", "mean_test_f1", "params"):
        assert list(on_dask.cv_results_[key]) == list(on_loky.cv_results_[key]), key
    for split in range(3):
        key = f"split{split}_test_average_precision"
        np.testing.assert_array_equal(
            on_dask.cv_results_[key], on_loky.cv_results_[key]
        )
    assert on_dask.best_params_ == on_loky.best_params_
    np.testing.assert_array_equal(on_dask.predict(X), on_loky.predict(X))


def _scores(path):
    columns = ["strategy", "repeat", "fold", "pr_auc", "f1", "recall", "precision"]
    with open(path, newline="") as handle:
        return [[row[c] for c in columns] for row in csv.DictReader(handle)]


def test_compare_command_on_dask_matches_loky(client, tmp_path):
    """Check that ``imbestimators compare`` inside the Dask backend scores as loky."""
    # --exhaustive: the two strategies at their default ratios, every fold
    args = ["compare", "--cv", "2x1", "--strategies", "none,SMOTE", "--quiet"]
    args.append("--exhaustive")
    with (
        distributed.get_task_stream(client) as stream,
        joblib.parallel_config(backend="dask"),
    ):
        assert main([*args, "--output", str(tmp_path / "dask")]) == 0
    assert len(stream.data) >= 1
    assert main([*args, "--n-jobs", "2", "--output", str(tmp_path / "loky")]) == 0
    tables = [_scores(tmp_path / run / "scores.csv") for run in ("dask", "loky")]
    assert len(tables[0]) == 4
    assert tables[0] == tables[1]


def _strategy_search(n_jobs):
    from imbestimators.model_selection import ImbalanceStrategySearchCV

    return ImbalanceStrategySearchCV(
        LogisticRegression(),
        strategies=["none", "class_weight=balanced", "RandomUnderSampler"],
        n_candidates=2,
        cv=3,
        n_jobs=n_jobs,
        random_state=0,
    )


def test_strategy_search_on_local_dask_cluster_matches_loky(client):
    """Check that ImbalanceStrategySearchCV on Dask workers equals the loky run."""
    X, y = make_classification(
        n_samples=600, n_features=8, weights=[0.9], random_state=0
    )
    with (
        distributed.get_task_stream(client) as stream,
        joblib.parallel_config(backend="dask"),
    ):
        on_dask = _strategy_search(n_jobs=-1).fit(X, y)
    assert len({task["worker"] for task in stream.data}) == 2
    on_loky = _strategy_search(n_jobs=2).fit(X, y)
    assert on_dask.cv_results_["params"] == on_loky.cv_results_["params"]
    for split in range(3):
        key = f"split{split}_test_score"
        np.testing.assert_array_equal(
            on_dask.cv_results_[key], on_loky.cv_results_[key]
        )
    assert on_dask.best_params_ == on_loky.best_params_
