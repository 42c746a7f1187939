"""A batch sampler whose every mini-batch has a chosen class composition."""

import math
import numbers
from collections.abc import Mapping

import numpy as np
from sklearn.utils import check_random_state
from torch.utils.data import Sampler

from imbestimators.utils._validation import label_repr

__all__ = ["BalancedBatchSampler"]


class BalancedBatchSampler(Sampler):
    """Yield mini-batches of indices with a fixed share of each class.

    Each batch holds ``batch_size * ratio[c]`` samples of class ``c``
    (rounded down; the few remaining slots go to classes drawn in proportion
    to the ratio). Within a class, indices are drawn without replacement from
    a shuffled pass over the class, reshuffled when exhausted: rare classes are
    repeated (over-sampled) and frequent ones visited in part, but every
    sample is used before any is reused. Use it as ``batch_sampler`` of any
    :class:`torch.utils.data.DataLoader`.

    Unlike a :class:`~torch.utils.data.WeightedRandomSampler`, the class
    counts of every batch are fixed, not random, so even a small batch sees
    every class.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class label of each sample of the dataset the indices refer to.
    batch_size : int
        Number of indices per batch.
    class_ratio : dict, default=None
        ``{label: share}`` for every class of ``y``; shares are normalised to
        sum to 1, a share of 0 leaves the class out. None gives every class the
        same share.
    n_batches : int, default=None
        Batches per pass (per epoch). None gives ``ceil(n_samples /
        batch_size)``, so an epoch has as many samples as the dataset.
    random_state : int, RandomState instance or None, default=None
        Seeds the draws. One generator is made here and drawn from pass after
        pass, so successive epochs differ but the sequence is reproducible.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from imbestimators.neural import BalancedBatchSampler
    >>> y = np.array([0] * 95 + [1] * 5)
    >>> sampler = BalancedBatchSampler(y, batch_size=10, random_state=0)
    >>> len(sampler)
    10
    >>> batch = next(iter(sampler))
    >>> sorted(Counter(y[batch].tolist()).items())
    [(0, 5), (1, 5)]
    """

    def __init__(
        self, y, *, batch_size, class_ratio=None, n_batches=None, random_state=None
    ):
        y = np.asarray(y)
        if y.ndim != 1 or y.size == 0:
            raise ValueError(
                f"y must be a non-empty 1-D array of labels; got shape {y.shape}."
            )
        self.batch_size = _check_positive_int(batch_size, "batch_size")
        self.classes, y_index = np.unique(y, return_inverse=True)
        self.ratio = _resolve_ratio(class_ratio, self.classes)
        if n_batches is None:
            n_batches = math.ceil(len(y) / self.batch_size)
        self.n_batches = _check_positive_int(n_batches, "n_batches")
        self._members = [np.flatnonzero(y_index == k) for k in range(len(self.classes))]
        self._rng = check_random_state(random_state)
        self._queues = [np.empty(0, dtype=np.intp) for _ in self._members]

    def __len__(self):
        return self.n_batches

    def __iter__(self):
        for _ in range(self.n_batches):
            batch = np.concatenate(
                [self._take(k, n) for k, n in enumerate(self._batch_counts())]
            )
            yield self._rng.permutation(batch).tolist()

    def _batch_counts(self):
        """Class counts of one batch: the floor of each share, then the rest."""
        counts = np.floor(self.batch_size * self.ratio).astype(np.intp)
        rest = self.batch_size - counts.sum()
        if rest:
            extra = self._rng.choice(len(self.ratio), size=rest, p=self.ratio)
            counts += np.bincount(extra, minlength=len(self.ratio))
        return counts

    def _take(self, k, n):
        """The next ``n`` indices of class ``k``, reshuffling at each pass."""
        queue = self._queues[k]
        while len(queue) < n:
            queue = np.concatenate([queue, self._rng.permutation(self._members[k])])
        self._queues[k] = queue[n:]
        return queue[:n]


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be an int >= 1; got {value!r}.")
    return int(value)


def _resolve_ratio(class_ratio, classes):
    if class_ratio is None:
        return np.full(len(classes), 1 / len(classes))
    if not isinstance(class_ratio, Mapping):
        raise TypeError(
            f"class_ratio must be None or a dict {{label: share}}; got {class_ratio!r}."
        )
    missing = [label_repr(c) for c in classes.tolist() if c not in class_ratio]
    unknown = [label_repr(c) for c in class_ratio if c not in set(classes.tolist())]
    if missing or unknown:
        raise ValueError(
            "class_ratio must give a share for each class of y and no other label; "
            f"missing: {', '.join(missing) or 'none'}; "
            f"not in y: {', '.join(unknown) or 'none'}."
        )
    shares = np.array([float(class_ratio[c]) for c in classes.tolist()])
    if not np.isfinite(shares).all() or (shares < 0).any() or shares.sum() == 0:
        raise ValueError(
            "class_ratio shares must be finite, non-negative and not all zero; "
            f"got {class_ratio!r}."
        )
    return shares / shares.sum()
