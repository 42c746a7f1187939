"""Fixtures of the neural tests."""

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Run torch on one thread during each test, then restore the setting.

    The nets here are tiny: a second OpenMP thread saves nothing and, on a
    loaded CI machine, its spin-waiting slowed fits down more than tenfold.
    """
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)
