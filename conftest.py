"""pytest configuration shared by the doctests and the test suite."""

import os

import numpy as np
import pytest

try:
    from hypothesis import HealthCheck, settings

    # ci: derandomized (the same examples on every run), no deadline (shared CI
    # machines have noisy timings); dev: random exploration, still bounded.
    settings.register_profile(
        "ci",
        derandomize=True,
        deadline=None,
        max_examples=25,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )
    settings.register_profile(
        "dev",
        deadline=None,
        max_examples=50,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # the testing extra is not installed
    pass


@pytest.fixture
def global_random_seed():
    """A seed for tests that need one; set IMBESTIMATORS_SEED to vary it."""
    return int(os.environ.get("IMBESTIMATORS_SEED", "42"))


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["np"] = np
