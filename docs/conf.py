"""Sphinx configuration of the imbestimators documentation.

The build is offline: no intersphinx, and the API pages document only what
each class defines itself (inherited scikit-learn docstrings cite labels that
resolve only through intersphinx). Build with warnings as errors:

    sphinx-build -W -b html docs docs/_build/html
"""

import importlib
import importlib.util
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import imbestimators

project = "imbestimators"
author = "imbestimators developers"
copyright = "imbestimators developers"
release = imbestimators.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/README.txt"]
root_doc = "index"
default_role = "literal"

# optional dependencies that may be missing where the docs are built: their
# modules are mocked so that autodoc still imports the estimators' docstrings
autodoc_mock_imports = [
    name for name in ("torch", "skorch") if importlib.util.find_spec(name) is None
]
autodoc_typehints = "none"
autodoc_default_options = {"members": False, "inherited-members": False}

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

html_theme = "pydata_sphinx_theme"
html_title = f"imbestimators {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False

sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    # keep the build fast and offline: no reference links to other sites
    "reference_url": {},
    "plot_gallery": "True",
}

# --- API reference, generated from each public subpackage's __all__ -------------

#: (subpackage, title, one-line description), in the order of the API page
API_SECTIONS = [
    ("over_sampling", "Over-sampling", "Random over-sampling and the SMOTE family."),
    (
        "under_sampling",
        "Under-sampling",
        "Random under-sampling, prototype selection, cleaning rules and "
        "prototype generation.",
    ),
    ("combine", "Combinations", "Over-sampling followed by cleaning."),
    (
        "ensemble",
        "Balanced ensembles",
        "Bagging, boosting and random forests whose members each fit on a "
        "balanced resample.",
    ),
    (
        "pipeline",
        "Pipeline",
        "A scikit-learn Pipeline whose samplers resample during fit only.",
    ),
    (
        "model_selection",
        "Model selection",
        "The imbalance strategy search; decision rules learned by "
        "cross-validation; probabilities corrected for the class prior; a "
        "splitter that spreads hard samples over the folds.",
    ),
    ("class_weight", "Class weights", "Weighting schemes for imbalanced classes."),
    (
        "datasets",
        "Datasets",
        "Make a data set imbalanced (nothing here downloads).",
    ),
    (
        "base",
        "Base classes and FunctionSampler",
        "The bases our samplers build on, and a sampler from any function "
        "(``FunctionSampler`` is also ``imbestimators.FunctionSampler``).",
    ),
    ("neural", "Neural networks", "A focal-loss MLP (needs the ``torch`` extra)."),
    ("metrics", "Metrics", "Imbalance-aware metrics and scorers."),
    (
        "metrics.pairwise",
        "Pairwise metrics",
        "The Value Difference Metric between rows of categorical data.",
    ),
    ("diagnostics", "Diagnostics", "How imbalanced, and how hard, a data set is."),
    (
        "testing",
        "Testing kit",
        "Hypothesis strategies and property checks for samplers (needs the "
        "``testing`` extra).",
    ),
    ("exceptions", "Exceptions and warnings", "Warnings and errors raised here."),
    (
        "utils",
        "Utilities",
        "The exact k-nearest-neighbours engine and imbalanced-learn's "
        "validation helpers.",
    ),
    (
        "_config",
        "Configuration",
        "Global settings, such as the device of the k-NN engine "
        "(also ``imbestimators.set_config`` and friends).",
    ),
]

GENERATED = HERE / "generated" / "api"


def _public_names(module_name):
    module = importlib.import_module(f"imbestimators.{module_name}")
    return module, list(getattr(module, "__all__", []))


def _template(obj):
    if isinstance(obj, type):
        return "class.rst"
    return "function.rst" if callable(obj) else "data.rst"


def _section_page(module_name, title, description):
    module, names = _public_names(module_name)
    lines = [
        f".. _api_{module_name}:",
        "",
        title,
        "=" * len(title),
        "",
        f".. automodule:: imbestimators.{module_name}",
        "   :no-members:",
        "   :no-inherited-members:",
        "",
        description,
        "",
        ".. currentmodule:: imbestimators",
        "",
    ]
    by_template = {}
    for name in names:
        by_template.setdefault(_template(getattr(module, name)), []).append(name)
    for template, heading in [
        ("class.rst", "Classes"),
        ("function.rst", "Functions"),
        ("data.rst", "Data"),
    ]:
        if template not in by_template:
            continue
        lines += [
            heading,
            "-" * len(heading),
            "",
            ".. autosummary::",
            "   :toctree: .",
            f"   :template: {template}",
            "",
        ]
        lines += [f"   {module_name}.{name}" for name in by_template[template]]
        lines.append("")
    return "\n".join(lines)


def _write_if_changed(path, text):
    # rewriting an unchanged file would make Sphinx rebuild every page
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def generate_api_pages():
    """Write generated/api/<subpackage>.rst and the API index page.

    A subpackage that is not in the source tree yet is left out; one that is
    there but fails to import fails the build.
    """
    GENERATED.mkdir(parents=True, exist_ok=True)
    present = [
        section
        for section in API_SECTIONS
        if importlib.util.find_spec(f"imbestimators.{section[0]}") is not None
    ]
    toc = ["API reference", "=" * 13, "", ".. toctree::", "   :maxdepth: 1", ""]
    for module_name, title, description in present:
        _write_if_changed(
            GENERATED / f"{module_name}.rst",
            _section_page(module_name, title, description),
        )
        toc.append(f"   {module_name}")
    _write_if_changed(GENERATED / "index.rst", "\n".join(toc) + "\n")


generate_api_pages()
# the API pages by name: a page generated for a subpackage that appeared since
# the last build gets its stubs in an incremental build too
autosummary_generate = sorted(
    str(path.relative_to(HERE)) for path in GENERATED.glob("*.rst")
)

# "ndarray of shape (n_features_in_,)": in reST a word ending in "_" is a
# link to a target of that name. Quote such names inside "shape (...)" of
# parameter and attribute types before numpydoc renders them.
_SHAPE = re.compile(r"shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?![`\w])")


def _quote_shape_names(app, what, name, obj, options, lines):
    def quote(match):
        inside = _TRAILING_UNDERSCORE.sub(r"``\1``", match[1])
        return f"shape ({inside})"

    lines[:] = [_SHAPE.sub(quote, line) if " : " in line else line for line in lines]


def setup(app):
    # before numpydoc (priority 500) turns the sections into reST
    app.connect("autodoc-process-docstring", _quote_shape_names, priority=400)


# the gallery examples run on one core with a non-interactive backend
os.environ.setdefault("MPLBACKEND", "Agg")
