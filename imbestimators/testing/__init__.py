"""Hypothesis strategies and reusable property checks for imbalanced learning.

Needs the ``testing`` extra (``pip install 'imbestimators[testing]'``), which
installs hypothesis; this is the only subpackage that imports it, and
``import imbestimators`` does not load it.

Run every property check on your own sampler in one line, as with
scikit-learn's ``parametrize_with_checks``::

    from imbestimators.testing import parametrize_with_property_checks

    @parametrize_with_property_checks([MySampler()])
    def test_my_sampler_properties(sampler, check):
        check(sampler)
"""

from imbestimators.utils._optional import import_optional

import_optional("hypothesis", purpose="for imbestimators.testing")

from imbestimators.testing._checks import (  # noqa: E402
    Case,
    check_class_counts,
    check_dtype_kept,
    check_input_not_modified,
    check_originals_first,
    check_pandas_in_pandas_out,
    check_same_random_state_same_output,
    check_sample_indices,
    check_shuffled_rows_same_counts,
    check_untargeted_classes_untouched,
)
from imbestimators.testing._degenerate import (  # noqa: E402
    check_sampler_degenerate_inputs,
)
from imbestimators.testing._row_order import (  # noqa: E402
    check_sampler_row_order_invariance,
)
from imbestimators.testing._runner import (  # noqa: E402
    check_sampler_properties,
    parametrize_with_property_checks,
)
from imbestimators.testing._strategies import (  # noqa: E402
    DEGENERATE_CASES,
    TargetCounts,
    class_weights,
    degenerate_datasets,
    imbalanced_datasets,
    sampling_strategies,
    tied_datasets,
)

__all__ = [
    "DEGENERATE_CASES",
    "Case",
    "TargetCounts",
    "check_class_counts",
    "check_dtype_kept",
    "check_input_not_modified",
    "check_originals_first",
    "check_pandas_in_pandas_out",
    "check_same_random_state_same_output",
    "check_sample_indices",
    "check_sampler_degenerate_inputs",
    "check_sampler_properties",
    "check_sampler_row_order_invariance",
    "check_shuffled_rows_same_counts",
    "check_untargeted_classes_untouched",
    "class_weights",
    "degenerate_datasets",
    "imbalanced_datasets",
    "parametrize_with_property_checks",
    "sampling_strategies",
    "tied_datasets",
]
