"""Tests of the neural package's optional-dependency import."""

import subprocess
import sys

import pytest

# a meta-path finder that makes ``import torch`` fail as if torch were absent
# (``sys.modules['torch'] = None`` would break SciPy, which probes sys.modules)
_NO_TORCH = """
import sys
class _NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('torch', 'skorch'):
            raise ImportError(f'No module named {name!r}')
sys.meta_path.insert(0, _NoTorch())
"""


def _run(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )


def test_import_imbestimators_does_not_import_torch():
    """Check that the package and class_weight load without torch or skorch."""
    result = _run(
        "import sys, imbestimators, imbestimators.class_weight\n"
        "assert 'torch' not in sys.modules and 'skorch' not in sys.modules\n"
        "print('ok')"
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_neural_without_torch_names_the_extra():
    """Check the ImportError when torch is missing: it names the pip extra."""
    result = _run(_NO_TORCH + "import imbestimators.neural")
    assert result.returncode != 0
    assert "ImportError: 'torch' is required by imbestimators.neural" in result.stderr
    assert "pip install 'imbestimators[torch]'" in result.stderr


def test_discovery_skips_neural_without_torch():
    """Check that estimator discovery still works when torch is missing."""
    result = _run(
        _NO_TORCH + "from imbestimators.utils.discovery import all_estimators\n"
        "names = [name for name, _ in all_estimators()]\n"
        "assert 'SMOTE' in names and 'FocalLossMLPClassifier' not in names\n"
        "print('ok')"
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_discovery_finds_the_mlp():
    """Check that the common checks see FocalLossMLPClassifier."""
    pytest.importorskip("torch")
    from imbestimators.utils.discovery import all_estimators

    assert "FocalLossMLPClassifier" in dict(all_estimators(type_filter="classifier"))
