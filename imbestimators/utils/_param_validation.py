"""The one module that imports scikit-learn's private validation helpers.

scikit-learn's parameter-validation machinery (``_fit_context``,
``_param_validation``) is private. imbalanced-learn reaches it the same way;
keeping every such import here means a scikit-learn release that moves them
breaks exactly one file.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    MissingValues,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.metadata_routing import _raise_for_params, _routing_enabled
from sklearn.utils.validation import (
    _check_method_params,
    _check_sample_weight,
    _num_samples,
    validate_data,
)

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "MissingValues",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_check_method_params",
    "_check_sample_weight",
    "_fit_context",
    "_num_samples",
    "_raise_for_params",
    "_routing_enabled",
    "validate_data",
    "validate_params",
]
