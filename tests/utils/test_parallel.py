"""Tests of the ``delayed`` that carries our configuration into joblib workers."""

import pytest
from sklearn.utils.parallel import Parallel

from imbestimators import config_context, get_config
from imbestimators.utils._parallel import delayed


def _device(_):
    return get_config()["device"]


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_workers_see_the_callers_configuration(backend):
    """Without it, a worker starts from the default device ("cpu")."""
    with config_context(device="auto"):
        devices = Parallel(n_jobs=2, backend=backend)(
            delayed(_device)(i) for i in range(4)
        )
    assert devices == ["auto"] * 4


def test_configuration_is_captured_when_the_task_is_made():
    """A task made outside the context runs with the configuration of then."""
    task = delayed(_device)(0)
    with config_context(device="auto"):
        function, args, kwargs = task
        assert function(*args, **kwargs) == "cpu"


def test_worker_configuration_is_restored_after_the_task():
    with config_context(device="auto"):
        Parallel(n_jobs=2, backend="threading")(delayed(_device)(i) for i in range(2))
    assert get_config()["device"] == "cpu"
