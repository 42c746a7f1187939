"""Scorers of the imbalanced metrics, by name or object, for model selection.

:func:`get_scorer` knows our names and falls back to scikit-learn's, so one
call gives any scorer a ``GridSearchCV``/``cross_val_score`` accepts.
"""

import copy

from sklearn.metrics import average_precision_score, make_scorer
from sklearn.metrics import get_scorer as sklearn_get_scorer
from sklearn.metrics import get_scorer_names as sklearn_get_scorer_names

from imbestimators.metrics._classification import (
    expected_cost,
    geometric_mean_score,
    index_balanced_accuracy,
    sensitivity_score,
    specificity_score,
)
from imbestimators.utils._param_validation import validate_params

__all__ = ["SCORERS", "get_scorer", "get_scorer_names"]


def _averaged(name, func):
    """``name`` (binary, pos_label=1), ``name_macro`` and ``name_weighted``."""
    return {
        name: make_scorer(func),
        f"{name}_macro": make_scorer(func, average="macro"),
        f"{name}_weighted": make_scorer(func, average="weighted"),
    }


#: name -> scorer; decision metrics score ``predict``, ranking ones the scores
SCORERS = {
    **_averaged("sensitivity", sensitivity_score),
    **_averaged("specificity", specificity_score),
    **_averaged("index_balanced_accuracy", index_balanced_accuracy),
    "geometric_mean": make_scorer(geometric_mean_score),
    "geometric_mean_macro": make_scorer(geometric_mean_score, average="macro"),
    # unit costs: the error rate; use make_scorer(expected_cost, ...) for others
    "neg_expected_cost": make_scorer(
        expected_cost, greater_is_better=False, fp_cost=1.0, fn_cost=1.0
    ),
    # area under the precision-recall curve, from scores rather than decisions:
    # decision_function when the estimator has one, else predict_proba
    "pr_auc": make_scorer(
        average_precision_score,
        response_method=("decision_function", "predict_proba"),
    ),
}


@validate_params(
    {"scoring": [str, callable, None]},
    prefer_skip_nested_validation=True,
)
def get_scorer(scoring):
    """A scorer from its name (ours or scikit-learn's) or a scorer object.

    Parameters
    ----------
    scoring : str, callable or None
        A name from :func:`get_scorer_names`, or a callable returned as is.

    Returns
    -------
    scorer : callable or None
        ``scorer(estimator, X, y)``; a fresh copy for a name.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from imbestimators.metrics import get_scorer
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> scores = cross_val_score(
    ...     LogisticRegression(), X, y, scoring=get_scorer("geometric_mean")
    ... )
    >>> scores.shape
    (5,)
    """
    if isinstance(scoring, str) and scoring in SCORERS:
        return copy.deepcopy(SCORERS[scoring])
    if isinstance(scoring, str) and scoring not in sklearn_get_scorer_names():
        raise ValueError(
            f"{scoring!r} is not a valid scoring value: use "
            "imbestimators.metrics.get_scorer_names() to list the names (ours "
            "and scikit-learn's), or pass a scorer made with make_scorer."
        )
    return sklearn_get_scorer(scoring)


def get_scorer_names():
    """All scorer names :func:`get_scorer` accepts: ours and scikit-learn's.

    Returns
    -------
    list of str
        Sorted names.

    Examples
    --------
    >>> from imbestimators.metrics import get_scorer_names
    >>> "geometric_mean" in get_scorer_names() and "roc_auc" in get_scorer_names()
    True
    """
    return sorted(set(SCORERS) | set(sklearn_get_scorer_names()))
