"""Load imbalanced-learn's installed sampler tests with our samplers in place.

Each test file is read from the installed ``imblearn`` package; only its
``from imblearn.<subpackage> import ...`` statements change: the names that
``imbestimators.<subpackage>`` exports are imported from there instead (every
other name, e.g. ``imblearn.utils.testing`` helpers or samplers we do not
have, still comes from imbalanced-learn). The rewritten statement keeps the
original number of lines, so tracebacks point at the right line of the
installed file. Nothing is copied into our tree.

:func:`make_test_class` turns such a module into a pytest test class: its test
functions become static methods (their marks, parametrizations included,
travel with them) and its fixtures become class fixtures, so that pytest
collects, parametrizes and reports them as it would the original file.
"""

import ast
import importlib
import inspect
import sys
import types
from pathlib import Path

import pytest

__all__ = [
    "TESTED_VERSION",
    "TEST_FILES",
    "load_module",
    "make_test_class",
    "rewrite_imports",
]

# The expected failures listed in test_imblearn_conformance.py were measured
# against this release's test files; another release gets skipped.
TESTED_VERSION = "0.14.2"

# Test files (relative to the imblearn package) whose subject is a sampler,
# or another public name, that we implement.
TEST_FILES = (
    "over_sampling/tests/test_adasyn.py",
    "over_sampling/tests/test_common.py",
    "over_sampling/tests/test_random_over_sampler.py",
    "over_sampling/_smote/tests/test_borderline_smote.py",
    "over_sampling/_smote/tests/test_kmeans_smote.py",
    "over_sampling/_smote/tests/test_smote.py",
    "over_sampling/_smote/tests/test_smote_nc.py",
    "over_sampling/_smote/tests/test_smoten.py",
    "over_sampling/_smote/tests/test_svm_smote.py",
    "metrics/tests/test_pairwise.py",
    "under_sampling/_prototype_generation/tests/test_cluster_centroids.py",
    "under_sampling/_prototype_selection/tests/test_allknn.py",
    "under_sampling/_prototype_selection/tests/test_condensed_nearest_neighbour.py",
    "under_sampling/_prototype_selection/tests/test_edited_nearest_neighbours.py",
    "under_sampling/_prototype_selection/tests/test_instance_hardness_threshold.py",
    "under_sampling/_prototype_selection/tests/test_nearmiss.py",
    "under_sampling/_prototype_selection/tests/test_neighbourhood_cleaning_rule.py",
    "under_sampling/_prototype_selection/tests/test_one_sided_selection.py",
    "under_sampling/_prototype_selection/tests/test_random_under_sampler.py",
    "under_sampling/_prototype_selection/tests/test_repeated_edited_nearest_neighbours.py",
    "under_sampling/_prototype_selection/tests/test_tomek_links.py",
    "combine/tests/test_smote_enn.py",
    "combine/tests/test_smote_tomek.py",
    "ensemble/tests/test_bagging.py",
    "ensemble/tests/test_easy_ensemble.py",
    "ensemble/tests/test_forest.py",
    "ensemble/tests/test_weight_boosting.py",
    "tests/test_pipeline.py",
    "model_selection/tests/test_split.py",
    "datasets/tests/test_imbalance.py",
    "utils/tests/test_validation.py",
    "utils/tests/test_docstring.py",
)


def _ours(module_name):
    """Names exported by the imbestimators counterpart of an imblearn module."""
    counterpart = "imbestimators" + module_name[len("imblearn") :]
    try:
        module = importlib.import_module(counterpart)
    except ImportError:
        return set()
    return set(getattr(module, "__all__", ()))


def _split_import(node, ours):
    """The statements replacing one ``from imblearn.x import ...`` node."""
    mine = [alias for alias in node.names if alias.name in ours]
    theirs = [alias for alias in node.names if alias.name not in ours]
    target = "imbestimators" + node.module[len("imblearn") :]
    statements = []
    for module, aliases in ((target, mine), (node.module, theirs)):
        if aliases:
            names = ", ".join(ast.unparse(alias) for alias in aliases)
            statements.append(f"from {module} import {names}")
    return statements


def rewrite_imports(source):
    """Import our samplers where ``source`` imports imbalanced-learn's.

    Returns the rewritten source and the sorted names now imported from
    imbestimators. Each rewritten statement occupies the lines of the
    original one (same indentation, padded with blank lines).
    """
    lines = source.splitlines(keepends=True)
    substituted = set()
    nodes = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and node.level == 0
        and node.module
        and node.module.split(".")[0] == "imblearn"
    ]
    # bottom-up, so that the line numbers of earlier nodes stay valid
    for node in sorted(nodes, key=lambda node: node.lineno, reverse=True):
        ours = _ours(node.module)
        mine = [
            alias.asname or alias.name for alias in node.names if alias.name in ours
        ]
        if not mine:
            continue
        substituted.update(mine)
        text = " " * node.col_offset + "; ".join(_split_import(node, ours))
        padding = ["\n"] * (node.end_lineno - node.lineno)
        lines[node.lineno - 1 : node.end_lineno] = [text + "\n", *padding]
    return "".join(lines), sorted(substituted)


#: the name of the pseudo-package that holds the rewritten test modules
_PACKAGE = "imbestimators_conformance"


def load_module(path):
    """Execute a rewritten imblearn test file as a fresh module.

    Its ``substituted`` attribute lists the names imported from imbestimators;
    a file where none is substituted would test imbalanced-learn itself, so
    it raises a RuntimeError.
    """
    source, substituted = rewrite_imports(path.read_text(encoding="utf-8"))
    if not substituted:
        raise RuntimeError(
            f"{path}: no 'from imblearn.<subpackage> import <sampler>' statement "
            "names a sampler of ours; its tests would run imbalanced-learn's."
        )
    module = types.ModuleType(f"{_PACKAGE}.{path.stem}")
    module.__file__ = str(path)
    # registered, so that pickle (joblib's memory cache, in test_pipeline.py)
    # finds the classes a test file defines
    sys.modules.setdefault(_PACKAGE, types.ModuleType(_PACKAGE))
    sys.modules[module.__name__] = module
    exec(compile(source, str(path), "exec"), module.__dict__)
    module.substituted = substituted
    return module


def _fixture_parts(obj):
    """(function, marker) of a pytest fixture definition; None for other objects."""
    marker = getattr(obj, "_fixture_function_marker", None)  # pytest >= 8.4
    if marker is not None:
        return obj.__wrapped__, marker
    marker = getattr(obj, "_pytestfixturefunction", None)  # pytest < 8.4
    if marker is not None:
        return obj.__pytest_wrapped__.obj, marker
    return None


def _class_fixture(function, marker):
    """A module fixture re-declared as a class method of the test class."""

    if inspect.isgeneratorfunction(function):

        def fixture(cls, **kwargs):
            yield from function(**kwargs)

    else:

        def fixture(cls, **kwargs):
            return function(**kwargs)

    cls_param = inspect.Parameter("cls", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    parameters = inspect.signature(function).parameters.values()
    fixture.__signature__ = inspect.Signature([cls_param, *parameters])
    fixture.__name__ = function.__name__
    # one class per module: the class scope caches a module-scoped fixture
    scope = "class" if marker.scope in ("module", "package", "session") else "function"
    name = marker.name or function.__name__
    return pytest.fixture(scope=scope, name=name)(classmethod(fixture))


def make_test_class(relative_path, root):
    """A pytest class holding the tests of one imblearn test file.

    The executed module is the class attribute ``module``.
    """
    path = Path(root) / relative_path
    module = load_module(path)
    attributes = {"__doc__": f"imblearn/{relative_path}", "module": module}
    for name, obj in vars(module).items():
        fixture = _fixture_parts(obj)
        if fixture is not None:
            attributes[name] = _class_fixture(*fixture)
        elif name.startswith("test") and inspect.isfunction(obj):
            attributes[name] = staticmethod(obj)
    return type(_class_name(path), (), attributes)


def _class_name(path):
    stem = path.stem.removeprefix("test_")
    return "Test" + "".join(part.capitalize() for part in stem.split("_"))
