"""Neural networks for imbalanced data: focal losses, balanced batches, an MLP.

The only subpackage that imports torch and skorch (the ``torch`` extra:
``pip install 'imbestimators[torch]'``); ``import imbestimators`` does not.
"""

from imbestimators.utils._optional import import_optional

import_optional("torch", purpose="by imbestimators.neural")
import_optional("skorch", purpose="by imbestimators.neural")

from imbestimators.exceptions import DeviceFallbackWarning  # noqa: E402
from imbestimators.neural._losses import BinaryFocalLoss, FocalLoss  # noqa: E402
from imbestimators.neural._mlp import FocalLossMLPClassifier  # noqa: E402
from imbestimators.neural._module import MLPModule  # noqa: E402
from imbestimators.neural._sampler import BalancedBatchSampler  # noqa: E402

__all__ = [
    "BalancedBatchSampler",
    "BinaryFocalLoss",
    "DeviceFallbackWarning",
    "FocalLoss",
    "FocalLossMLPClassifier",
    "MLPModule",
]
