"""Focal losses on logits: softmax (multiclass) and sigmoid (binary).

Both subclass the matching PyTorch loss, so code that dispatches on the loss
type treats them as such: skorch's ``predict_nonlinearity='auto'`` applies a
softmax after :class:`FocalLoss` and a sigmoid after :class:`BinaryFocalLoss`
instead of returning raw logits.

The modulating factor ``(1 - p_t) ** gamma`` is computed as
``exp(gamma * log(1 - p_t))`` with ``log(1 - p_t)`` taken from log-sum-exps of
the logits, never from ``1 - exp(log p_t)``: the value and its gradient stay
finite for logits of any size, including ``p_t == 1`` with ``gamma < 1``, where
the derivative of ``x ** gamma`` at 0 is infinite.
"""

import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["BinaryFocalLoss", "FocalLoss"]

_REDUCTIONS = ("none", "mean", "sum")


def _check_gamma(gamma):
    if (
        isinstance(gamma, bool)
        or not isinstance(gamma, numbers.Real)
        or not math.isfinite(gamma)
        or gamma < 0
    ):
        raise ValueError(f"gamma must be a finite number >= 0; got {gamma!r}.")
    return float(gamma)


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"reduction must be one of {', '.join(map(repr, _REDUCTIONS))}; "
            f"got {reduction!r}."
        )
    return reduction


def _as_weight_tensor(values, name):
    """Non-negative finite weights as a float tensor (dtype kept), or None."""
    if values is None:
        return None
    weight = torch.as_tensor(values)
    if not weight.is_floating_point():
        weight = weight.to(torch.get_default_dtype())
    if not torch.isfinite(weight).all() or (weight < 0).any():
        raise ValueError(f"{name} must be finite and non-negative; got {values!r}.")
    return weight


def _reduce(loss, reduction, normaliser):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / normaliser


class FocalLoss(nn.CrossEntropyLoss):
    """Softmax focal loss for multiclass classification, on logits.

    ``FL(p_t) = -alpha_t (1 - p_t) ** gamma log(p_t)`` with ``p_t`` the softmax
    probability of the true class (Lin et al. [1]_). The factor
    ``(1 - p_t) ** gamma`` shrinks the loss of well-classified samples, so
    training concentrates on the hard ones. With ``gamma=0`` it is
    :class:`torch.nn.CrossEntropyLoss` with ``weight=alpha``, reductions
    included.

    Parameters
    ----------
    alpha : array-like of shape (n_classes,), default=None
        Weight of each class, as ``weight`` of ``CrossEntropyLoss`` (for
        example from :func:`imbestimators.class_weight.compute_class_weight`).
        None weights every class 1. Stored as the buffer ``weight``.
    gamma : float, default=2.0
        Focusing parameter, >= 0; Lin et al. found 2 best.
    reduction : {'mean', 'sum', 'none'}, default='mean'
        ``'mean'`` divides the sum by the total ``alpha`` of the counted
        targets (by their number without ``alpha``), as ``CrossEntropyLoss``.
    ignore_index : int, default=-100
        Targets with this value add nothing to the loss nor to the ``'mean'``
        denominator.

    Notes
    -----
    Inputs are logits of shape ``(N, C)`` or ``(N, C, d1, ...)`` and targets
    class indices of shape ``(N,)`` or ``(N, d1, ...)``; class probabilities
    as targets are not supported.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for
       Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> import torch
    >>> from imbestimators.neural import FocalLoss
    >>> logits = torch.tensor([[4.0, 0.0, 0.0], [0.0, 0.5, 0.0]])
    >>> target = torch.tensor([0, 2])
    >>> FocalLoss(gamma=2.0)(logits, target)
    tensor(0.3411)
    >>> FocalLoss(gamma=0.0)(logits, target)  # plain cross-entropy
    tensor(0.6652)
    """

    def __init__(self, alpha=None, gamma=2.0, reduction="mean", ignore_index=-100):
        super().__init__(
            weight=_as_weight_tensor(alpha, "alpha"),
            ignore_index=ignore_index,
            reduction=_check_reduction(reduction),
        )
        self.gamma = _check_gamma(gamma)

    @property
    def alpha(self):
        """The class weights (the ``weight`` buffer), or None."""
        return self.weight

    def forward(self, input, target):
        if input.dim() < 2:
            raise ValueError(
                "FocalLoss expects logits of shape (N, C) or (N, C, d1, ...); got "
                f"shape {tuple(input.shape)}."
            )
        if target.is_floating_point():
            raise TypeError(
                "FocalLoss expects class indices as target (an integer tensor); "
                f"got dtype {target.dtype}."
            )
        keep = target != self.ignore_index
        # one check per batch buys the common case (nothing ignored, no alpha)
        # five fewer tensor operations
        all_kept = bool(keep.all())
        if not all_kept:
            target = torch.where(keep, target, torch.zeros_like(target))
        index = target.unsqueeze(1)
        log_norm = torch.logsumexp(input, dim=1)
        loss = log_norm - input.gather(1, index).squeeze(1)  # -log(p_t)
        if self.gamma:
            # log(1 - p_t): log-sum-exp of the other classes' logits
            log_others = torch.logsumexp(input.scatter(1, index, -math.inf), dim=1)
            loss = loss * torch.exp(self.gamma * (log_others - log_norm))
        weight = None
        if self.weight is not None:
            weight = self.weight.to(loss.dtype)[target]
        if not all_kept:
            weight = keep.to(loss.dtype) if weight is None else weight * keep
        if weight is None:
            return _reduce(loss, self.reduction, loss.numel())
        return _reduce(loss * weight, self.reduction, weight.sum())


class BinaryFocalLoss(nn.BCEWithLogitsLoss):
    """Sigmoid focal loss for binary (or multi-label) targets, on logits.

    ``FL = -[alpha y (1 - p) ** gamma log(p) * pos_weight
    + (1 - alpha) (1 - y) p ** gamma log(1 - p)]`` with ``p = sigmoid(x)``
    (Lin et al. [1]_); soft targets in [0, 1] are accepted. With ``gamma=0``
    and ``alpha=None`` it is :class:`torch.nn.BCEWithLogitsLoss` with the same
    ``pos_weight``.

    Parameters
    ----------
    alpha : float in [0, 1], default=None
        Weight of the positive class, ``1 - alpha`` of the negative one; Lin et
        al. use 0.25 with ``gamma=2``. None weights both terms 1.
    gamma : float, default=2.0
        Focusing parameter, >= 0.
    pos_weight : float or array-like of shape (n_outputs,), default=None
        Extra weight of the positive term, as in ``BCEWithLogitsLoss`` (for
        example ``n_negative / n_positive``).
    reduction : {'mean', 'sum', 'none'}, default='mean'
        ``'mean'`` averages over all elements, as ``BCEWithLogitsLoss``.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for
       Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> import torch
    >>> from imbestimators.neural import BinaryFocalLoss
    >>> logits = torch.tensor([3.0, -1.0, 0.5])
    >>> target = torch.tensor([1.0, 0.0, 1.0])
    >>> BinaryFocalLoss(alpha=0.25, gamma=2.0)(logits, target)
    tensor(0.0113)
    >>> BinaryFocalLoss(gamma=0.0)(logits, target)  # plain BCE with logits
    tensor(0.2786)
    """

    def __init__(self, alpha=None, gamma=2.0, pos_weight=None, reduction="mean"):
        super().__init__(
            reduction=_check_reduction(reduction),
            pos_weight=_as_weight_tensor(pos_weight, "pos_weight"),
        )
        if alpha is not None and (
            isinstance(alpha, bool)
            or not isinstance(alpha, numbers.Real)
            or not 0 <= alpha <= 1
        ):
            raise ValueError(f"alpha must be None or a float in [0, 1]; got {alpha!r}.")
        self.alpha = None if alpha is None else float(alpha)
        self.gamma = _check_gamma(gamma)

    def forward(self, input, target):
        if input.shape != target.shape:
            raise ValueError(
                "BinaryFocalLoss expects target of the shape of input; got "
                f"{tuple(target.shape)} and {tuple(input.shape)}."
            )
        target = target.to(input.dtype)
        log_p, log_1m_p = F.logsigmoid(input), F.logsigmoid(-input)
        pos, neg = -target * log_p, -(1 - target) * log_1m_p
        if self.gamma:
            pos = pos * torch.exp(self.gamma * log_1m_p)
            neg = neg * torch.exp(self.gamma * log_p)
        if self.pos_weight is not None:
            pos = pos * self.pos_weight.to(pos.dtype)
        if self.alpha is not None:
            pos, neg = self.alpha * pos, (1 - self.alpha) * neg
        loss = pos + neg
        return _reduce(loss, self.reduction, loss.numel())
