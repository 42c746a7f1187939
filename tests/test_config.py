"""Tests of the global configuration (set_config, get_config, config_context)."""

import subprocess
import sys
import threading

import pytest

import imbestimators
from imbestimators import config_context, get_config, set_config


@pytest.fixture(autouse=True)
def _restore_config():
    """Give back the calling thread's configuration after each test."""
    saved = get_config()
    yield
    set_config(**saved)


def in_new_thread(func):
    """``func()`` run in a fresh thread; its result or its exception."""
    result = {}

    def target():
        try:
            result["value"] = func()
        except Exception as exc:  # handed back to the test's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_default_device_is_the_numpy_engine():
    """Check that a thread that never set anything gets device='cpu'."""
    assert in_new_thread(get_config) == {"device": "cpu"}


@pytest.mark.parametrize("device", ["cpu", "cpu-torch", "cuda", "cuda:0", "cuda:12"])
def test_set_config_sets_the_device(device):
    """Check that every accepted value is stored as given."""
    if device != "cpu":
        pytest.importorskip("torch")
    set_config(device=device)
    assert get_config()["device"] == device


def test_set_config_auto_needs_no_torch(monkeypatch):
    """Check that 'auto' and 'cpu' are accepted when torch is missing."""
    monkeypatch.setitem(sys.modules, "torch", None)
    set_config(device="auto")
    assert get_config()["device"] == "auto"
    set_config(device="cpu")
    assert get_config()["device"] == "cpu"


def test_set_config_none_keeps_the_device():
    """Check that device=None leaves the current value."""
    set_config(device="auto")
    set_config(device=None)
    assert get_config()["device"] == "auto"


def test_get_config_returns_a_copy():
    """Check that changing the returned dict changes nothing."""
    config = get_config()
    config["device"] = "cuda"
    assert get_config()["device"] == "cpu"


@pytest.mark.parametrize(
    "device", ["gpu", "CPU", "cuda:", "cuda:-1", "cuda:a", "cuda0", "torch", ""]
)
def test_bad_device_value_is_refused(device):
    """Check that an unknown string raises a ValueError listing the values."""
    with pytest.raises(ValueError, match="device must be one of 'cpu', 'cpu-torch'"):
        set_config(device=device)
    assert get_config()["device"] == "cpu"


@pytest.mark.parametrize("device", [0, 1.5, ["cuda"], True])
def test_device_of_wrong_type_is_refused(device):
    """Check that a non-string device raises a TypeError naming the type."""
    with pytest.raises(
        TypeError, match=f"device must be a str.*{type(device).__name__}"
    ):
        set_config(device=device)


@pytest.mark.parametrize("device", ["cpu-torch", "cuda", "cuda:1"])
def test_missing_torch_names_the_extra(monkeypatch, device):
    """Check that a torch device without torch raises an ImportError naming
    the pip extra, for set_config and config_context alike."""
    monkeypatch.setitem(sys.modules, "torch", None)
    match = rf"for device='{device}'.*pip install 'imbestimators\[torch\]'"
    with pytest.raises(ImportError, match=match):
        set_config(device=device)
    with pytest.raises(ImportError, match=match), config_context(device=device):
        pass
    assert get_config()["device"] == "cpu"


def test_config_context_sets_and_restores():
    """Check the value inside the block, after it, and with nesting."""
    with config_context(device="auto"):
        assert get_config()["device"] == "auto"
        with config_context(device="cpu"):
            assert get_config()["device"] == "cpu"
        assert get_config()["device"] == "auto"
        with config_context():
            assert get_config()["device"] == "auto"
    assert get_config()["device"] == "cpu"


def test_config_context_restores_after_an_exception():
    """Check that the setting is restored when the block raises."""
    with pytest.raises(RuntimeError, match="inside"), config_context(device="auto"):
        raise RuntimeError("inside")
    assert get_config()["device"] == "cpu"


def test_config_context_undoes_set_config_inside_it():
    """Check that set_config inside a block does not outlive the block."""
    with config_context(device="auto"):
        set_config(device="cpu")
    assert get_config()["device"] == "cpu"
    set_config(device="auto")
    with config_context(device="cpu"):
        set_config(device="auto")
        set_config(device="cpu")
    assert get_config()["device"] == "auto"


def test_config_is_per_thread():
    """Check that one thread's setting is not seen by another."""

    def set_in_thread():
        set_config(device="auto")
        return get_config()["device"]

    assert in_new_thread(set_in_thread) == "auto"
    assert get_config()["device"] == "cpu"
    set_config(device="auto")
    assert in_new_thread(lambda: get_config()["device"]) == "cpu"
    assert get_config()["device"] == "auto"


def test_top_level_exports_the_config_functions():
    """Check that the functions are public, listed and the same objects."""
    from imbestimators import _config

    for name in ["config_context", "get_config", "set_config"]:
        assert name in imbestimators.__all__
        assert getattr(imbestimators, name) is getattr(_config, name)


def test_import_and_config_do_not_import_torch():
    """Check that importing imbestimators and choosing a torch device load
    neither torch nor the subpackages (torch comes only when the engine runs)."""
    pytest.importorskip("torch")
    code = (
        "import sys, imbestimators\n"
        "imbestimators.set_config(device='cuda')\n"
        "with imbestimators.config_context(device='cpu-torch'):\n"
        "    pass\n"
        "loaded = [m for m in ('torch', 'imbestimators.utils') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_numpy_engine_under_cpu_does_not_import_torch():
    """Check that the engine, which reads the device setting in every
    NeighborsIndex(...), loads torch only for a torch device."""
    pytest.importorskip("torch")
    code = (
        "import sys, numpy as np, imbestimators\n"
        "from imbestimators.utils import NeighborsIndex\n"
        "index = NeighborsIndex(np.eye(3))\n"
        "print(type(index).__name__, 'torch' in sys.modules)\n"
        "with imbestimators.config_context(device='cpu-torch'):\n"
        "    index = NeighborsIndex(np.eye(3))\n"
        "print(type(index).__name__, 'torch' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split("\n")[:2] == [
        "NeighborsIndex False",
        "TorchNeighborsIndex True",
    ]
