"""The documentation builds offline with warnings as errors (gallery included)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
_TOOLS = ["sphinx", "numpydoc", "sphinx_gallery", "pydata_sphinx_theme"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        any(importlib.util.find_spec(tool) is None for tool in _TOOLS),
        reason="the docs extra is not installed: pip install -e '.[docs]'",
    ),
    pytest.mark.timeout(900),
]


def test_docs_build_without_warnings(tmp_path):
    """Check that ``sphinx-build -W`` succeeds: every page, API entry and example."""
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q"]
    command += ["-b", "html", "-d", str(tmp_path / "doctrees")]
    proc = subprocess.run(
        [*command, str(DOCS), str(tmp_path / "html")],
        capture_output=True,
        text=True,
        timeout=850,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    html = tmp_path / "html"
    for page in [
        "index.html",
        "install.html",
        "user_guide/compare.html",
        "user_guide/scale_out.html",
        "generated/api/over_sampling.html",
        "auto_examples/index.html",
        "auto_examples/plot_01_accuracy_trap.html",
    ]:
        assert (html / page).is_file(), page
