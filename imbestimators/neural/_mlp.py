"""A scikit-learn classifier that trains an MLP with the focal loss through skorch.

The estimator is a plain scikit-learn estimator that *builds* a skorch net as
``net_`` in ``fit`` (composition): a bare skorch ``NeuralNetClassifier`` fails
most of scikit-learn's estimator checks (float64 input, a fixed input size,
attributes made in ``__init__``, no input validation), and with a custom
criterion its ``predict_proba`` returns logits.
"""

import numbers
import warnings

import numpy as np
import torch
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import average_precision_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping
from torch import nn

from imbestimators.class_weight import SCHEMES, compute_class_weight
from imbestimators.class_weight._class_weight import _check_sample_weight
from imbestimators.exceptions import DeviceFallbackWarning
from imbestimators.neural._losses import FocalLoss
from imbestimators.neural._module import ACTIVATIONS, MLPModule
from imbestimators.neural._sampler import BalancedBatchSampler
from imbestimators.utils._param_validation import (
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
    validate_data,
)
from imbestimators.utils._validation import label_repr

__all__ = ["FocalLossMLPClassifier"]

_OPTIMIZERS = {
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    # scikit-learn's MLPClassifier defaults for solver='sgd'
    "sgd": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
}

# rows per forward pass at prediction time: no gradients are kept, so larger
# batches than in training cost little memory and save per-batch overhead
_PREDICT_BATCH_SIZE = 4096

# batch losses copied to the host at once: one wait for the device per this
# many batches instead of one per batch, and bounded device memory
_LOSSES_PER_COPY = 1024

# callback hooks that the lean training epoch of _FocalNet does not call
_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_grad_computed")


class _TensorDataset(torch.utils.data.Dataset):
    """Rows of ``X`` with ``(target, sample weight)``, indexed by whole batches."""

    def __init__(self, X, y=None, sample_weight=None):
        self.X, self.y, self.sample_weight = X, y, sample_weight

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        if self.y is None:
            return self.X[index], None
        weight = None if self.sample_weight is None else self.sample_weight[index]
        return self.X[index], (self.y[index], weight)


class _BatchIterator:
    """Mini-batches by slicing tensors, as skorch's ``iterator_train``.

    A DataLoader fetches rows one by one and collates them, which costs more
    than the forward and backward passes of a small MLP; slicing whole batches
    out of tensors already on the device does not. The shuffling permutation is
    drawn on that device too, so that no index crosses from the host to a GPU.
    """

    def __init__(self, dataset, batch_size, shuffle=False, class_ratio=None, seed=0):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle
        self._device = dataset.X.device
        self._sampler = None
        if class_ratio is not None:
            self._sampler = BalancedBatchSampler(
                dataset.y.cpu().numpy(),
                batch_size=min(batch_size, len(dataset)),
                class_ratio=class_ratio or None,
                random_state=seed,
            )
        self._generator = torch.Generator(device=self._device).manual_seed(seed)

    def __len__(self):
        if self._sampler is not None:
            return len(self._sampler)
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        if self._sampler is not None:
            for batch in self._sampler:
                yield self.dataset[torch.as_tensor(batch, device=self._device)]
            return
        n_rows = len(self.dataset)
        order = None
        if self.shuffle:
            order = torch.randperm(
                n_rows, generator=self._generator, device=self._device
            )
        for start in range(0, n_rows, self.batch_size):
            stop = min(start + self.batch_size, n_rows)
            yield self.dataset[
                slice(start, stop) if order is None else order[start:stop]
            ]


class _FocalNet(NeuralNet):
    """A skorch net whose loss averages per-sample losses with sample weights.

    Its training epoch is a plain PyTorch loop. skorch's own epoch notifies
    every callback before and after each batch and copies each batch's loss to
    the host (``loss.item()``), which makes the CPU wait for a GPU after every
    batch. Without callbacks on batch events (the estimator adds none), the
    losses are copied in blocks instead and recorded in ``history`` as skorch
    records them; with any, skorch's epoch runs.
    """

    def _set_training(self, training=True):
        # skorch sets the mode of every submodule before every batch; skip it
        # when the module and criterion are already in that mode: per-batch
        # Python overhead is what separates skorch from a bare loop on small nets
        if (
            getattr(self, "module_", None) is None
            or self.module_.training is not training
            or self.criterion_.training is not training
        ):
            super()._set_training(training)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        target, weight = y_true
        loss = self.criterion_(y_pred, target)  # reduction='none'
        if weight is None:
            return loss.mean()
        return (loss * weight).sum() / weight.sum()

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if iterator is None or not training or fit_params or self._batch_callbacks():
            super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)
            return
        self._set_training(True)
        losses, pending, sizes = [], [], []
        for X, y_true in iterator:
            pending.append(self._train_batch(X, y_true).detach())
            sizes.append(len(X))
            if len(pending) == _LOSSES_PER_COPY:
                losses += torch.stack(pending).tolist()
                pending = []
        if pending:
            losses += torch.stack(pending).tolist()
        for loss, size in zip(losses, sizes, strict=True):
            self.history.new_batch()
            self.history.record_batch(f"{prefix}_loss", loss)
            self.history.record_batch(f"{prefix}_batch_size", size)
        self.history.record(f"{prefix}_batch_count", len(losses))

    def _train_batch(self, X, y_true):
        """One optimizer step, as skorch's ``train_step``: the first loss."""
        losses = []

        def closure():  # some optimizers (LBFGS) evaluate the loss more than once
            self.optimizer_.zero_grad()
            loss = self.get_loss(self.module_(X), y_true, X=X, training=True)
            loss.backward()
            losses.append(loss)
            return loss

        self.optimizer_.step(closure)
        return losses[0]

    def _batch_callbacks(self):
        """Names of the callbacks that act on batch events (none by default)."""
        return [
            name
            for name, callback in self.callbacks_
            if any(
                getattr(type(callback), hook) is not getattr(Callback, hook)
                for hook in _BATCH_HOOKS
            )
        ]

    def __setstate__(self, state):
        # A model fitted on a device missing here (a GPU) is loaded on the
        # CPU: skorch maps every tensor to the device it finds in the state as
        # it unpickles them. One warning of ours replaces skorch's two.
        fitted_on = state["device"]
        state["device"] = _available_device(fitted_on)
        super().__setstate__(state)
        if state["device"] != fitted_on:
            warnings.warn(
                f"FocalLossMLPClassifier: the model was fitted on device "
                f"{fitted_on!r}, which torch {torch.__version__} cannot use here "
                f"({_why_unavailable(fitted_on)}); it was loaded on 'cpu' and "
                "predicts there. Call to_device(...) to move it to another device.",
                DeviceFallbackWarning,
                stacklevel=2,
            )


def _why_unavailable(device):
    """Why torch cannot use ``device`` here, or None when it can."""
    device = torch.device(device)
    if device.type != "cuda":
        return None
    if not torch.cuda.is_available():
        return "CUDA is not available"
    if device.index is not None and device.index >= torch.cuda.device_count():
        return f"it has {torch.cuda.device_count()} CUDA device(s)"
    return None


def _available_device(device):
    """``device`` when torch can use it here, else 'cpu'."""
    if device is None or _why_unavailable(device) is None:
        return device
    return "cpu"


class _ValidAveragePrecision(Callback):
    """Record the average precision on a held-out set after each epoch."""

    def __init__(self, dataset, y, minority):
        self.dataset, self.y, self.minority = dataset, y, minority

    def on_epoch_end(self, net, **kwargs):
        logits = net.forward(self.dataset).numpy().astype(np.float64)
        proba = softmax(logits, axis=1)
        net.history.record("valid_ap", _average_precision(self.y, proba, self.minority))

    def on_train_end(self, net, **kwargs):
        # the held-out rows are not part of the model: keep pickles small
        self.dataset = self.y = None


def _average_precision(y, proba, minority):
    """Average precision of the minority class; macro one-vs-rest for more classes.

    With two classes the rare one is the class of interest whatever the label
    order (with string labels, ``classes_[1]`` is often the frequent class).
    """
    if proba.shape[1] == 2:
        return average_precision_score(y == minority, proba[:, minority])
    indicator = label_binarize(y, classes=np.arange(proba.shape[1]))
    return average_precision_score(indicator, proba, average="macro")


def _weighted_rows(rows, sample_weight):
    """``rows`` (indices or a slice) without the rows of weight 0."""
    kept = sample_weight[rows] > 0
    if kept.all():
        return rows
    return np.arange(len(sample_weight))[rows][kept]


def _minority(y_encoded):
    """The rarest class (the last one among equally rare classes)."""
    counts = np.bincount(y_encoded)
    return len(counts) - 1 - int(np.argmin(counts[::-1]))


class FocalLossMLPClassifier(ClassifierMixin, BaseEstimator):
    """Multilayer perceptron trained with the focal loss, for imbalanced data.

    A scikit-learn classifier that builds and trains a PyTorch MLP through a
    skorch net (``net_``, made in ``fit``). The loss is the softmax
    :class:`FocalLoss` (Lin et al. [1]_) with per-class weights from any scheme
    of :mod:`imbestimators.class_weight` (Cui et al.'s class-balanced focal loss
    [2]_ with ``class_weight='effective_number'``); mini-batches can be drawn
    with a fixed class composition. Binary targets use two output units.

    Works in scikit-learn's tools like
    :class:`~sklearn.neural_network.MLPClassifier`: any numeric ``X`` (cast to
    float32 by default), pandas input, string or other labels,
    ``sample_weight``, cloning and pickling.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Width of each hidden layer.
    activation : {'relu', 'tanh', 'logistic', 'identity', 'gelu'}, default='relu'
        Activation of the hidden layers.
    dropout : float in [0, 1), default=0.0
        Dropout probability after each hidden activation.
    gamma : float, default=2.0
        Focusing parameter of the focal loss; 0 gives weighted cross-entropy.
    class_weight : {'balanced', 'inverse_sqrt', 'effective_number'}, dict or None, \
default=None
        Per-class weights of the loss (the focal loss's ``alpha``), computed on
        the training rows by :func:`~imbestimators.class_weight.compute_class_weight`;
        a dict maps labels to weights (for instance the output of
        :func:`~imbestimators.class_weight.class_weight_from_cost_matrix`).
    beta : float in [0, 1), default=0.999
        ``beta`` of ``class_weight='effective_number'``.
    balanced_batches : bool or dict, default=False
        True draws every mini-batch with the same number of samples of each
        class (:class:`BalancedBatchSampler`); a dict ``{label: share}`` sets
        the class shares instead. An epoch then has ``ceil(n / batch_size)``
        such batches.
    batch_size : int, default=200
        Samples per mini-batch (capped at the number of training samples).
    max_epochs : int, default=100
        Number of passes over the training data (fewer with early stopping).
    lr : float, default=1e-3
        Learning rate.
    optimizer : {'adam', 'adamw', 'sgd'} or torch optimizer class, default='adam'
        ``'sgd'`` uses Nesterov momentum 0.9, as MLPClassifier.
    weight_decay : float, default=0.0
        L2 penalty of the optimizer (decoupled for ``'adamw'``).
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the data, score it by
        the average precision of the minority class (the macro average of
        one-vs-rest average precisions for more than two classes) after each
        epoch, stop after ``patience`` epochs without improvement and restore
        the weights of the best epoch.
    validation_fraction : float in (0, 1), default=0.1
        Share of the data held out when ``early_stopping=True``.
    patience : int, default=10
        Epochs without improvement of the validation score before stopping.
    warm_start : bool, default=False
        Start a new ``fit`` from the weights of the previous one (same
        features, classes and architecture required); the optimizer restarts.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, dropout, shuffling and the validation
        split. With an int, two fits on the same CPU (same number of threads)
        give bit-identical weights; on a GPU the same batches, in the same
        order (the GPU's arithmetic is as reproducible as its kernels, see
        :func:`torch.use_deterministic_algorithms`). torch's global random
        state is left as it was.
    device : str, default='cpu'
        Torch device to train on: ``'cpu'``, ``'cuda'``, ``'cuda:1'``, ... or
        ``'auto'`` (CUDA when available), resolved at fit into ``device_``.
        See Notes to move a fitted model.
    dtype : {'float32', 'float64'}, default='float32'
        Precision of the weights and computations (``X`` is cast to it).
        float64 is slower, but exact enough that a sample weight of ``k``
        gives the model of ``k`` repeated rows to ~1e-14 (float32: ~1e-7).
    verbose : int, default=0
        0 prints nothing; 1 prints skorch's table of losses (and validation
        scores) after each epoch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    class_weight_ : ndarray of shape (n_classes,)
        Weight of each class in the loss.
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` is the :class:`MLPModule`.
    device_ : str
        The device the model is on, where it predicts: the one it was
        trained on, unless moved by ``to_device`` or loaded where that
        device is missing (then ``'cpu'``).
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        Mean training loss of each epoch.
    validation_scores_ : list of float or None
        Validation average precision of each epoch (with early stopping).
    best_validation_score_ : float or None
        Best validation score; its weights are the ones kept.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when they are strings.

    See Also
    --------
    FocalLoss : The loss.
    sklearn.neural_network.MLPClassifier : Cross-entropy MLP without class weights.

    Notes
    -----
    **Moving a fitted model between devices.** Train on a GPU and serve on a
    CPU: a model pickled on a GPU (``pickle``, ``joblib.dump``) loads on a
    machine without one, on the CPU, with one
    :class:`DeviceFallbackWarning`, and predicts the same probabilities there
    up to floating-point rounding. To move a fitted model explicitly, before
    pickling or after loading, call
    ``clf.to_device('cpu')`` (or ``'cuda'``, ``'auto'``): weights, loss and
    optimizer state move, ``device_`` follows. Neither changes the parameter
    ``device``, so a clone retrains where the original did; on a machine
    without a GPU, ``clone(clf).set_params(device='cpu')`` (or ``'auto'``).

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for
       Dense Object Detection", ICCV 2017.
    .. [2] Y. Cui, M. Jia, T.-Y. Lin, Y. Song, S. Belongie, "Class-Balanced Loss
       Based on Effective Number of Samples", CVPR 2019.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.neural import FocalLossMLPClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9, 0.1], random_state=0)
    >>> clf = FocalLossMLPClassifier(hidden_layer_sizes=(32,), max_epochs=20,
    ...                              class_weight="balanced", random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:2]).sum(axis=1)
    array([1., 1.])
    >>> clf.device_
    'cpu'
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "gamma": [Interval(numbers.Real, 0, None, closed="left")],
        "class_weight": [dict, StrOptions(set(SCHEMES)), None],
        "beta": [Interval(numbers.Real, 0, 1, closed="left")],
        "balanced_batches": ["boolean", dict],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(_OPTIMIZERS)), type],
        "weight_decay": [Interval(numbers.Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither")],
        "patience": [Interval(numbers.Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "device": [str],
        "dtype": [StrOptions({"float32", "float64"})],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=(100,),
        activation="relu",
        dropout=0.0,
        gamma=2.0,
        class_weight=None,
        beta=0.999,
        balanced_batches=False,
        batch_size=200,
        max_epochs=100,
        lr=1e-3,
        optimizer="adam",
        weight_decay=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        warm_start=False,
        random_state=None,
        device="cpu",
        dtype="float32",
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.gamma = gamma
        self.class_weight = class_weight
        self.beta = beta
        self.balanced_batches = balanced_batches
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.warm_start = warm_start
        self.random_state = random_state
        self.device = device
        self.dtype = dtype
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; any numeric dtype, cast to ``dtype``.
        y : array-like of shape (n_samples,)
            Class labels, of any type ``np.unique`` can sort.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss (and in the class counts of
            ``class_weight``). Rows of weight 0 are left out of training.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        device = self._resolve_device(self.device)
        optimizer, optimizer_kwargs = self._resolve_optimizer()
        hidden = self._resolve_hidden_layer_sizes()
        previous = self._warm_start_state()
        X, y = validate_data(self, X, y, dtype=self.dtype)
        check_classification_targets(y)
        sample_weight_given = sample_weight is not None
        sample_weight = _check_sample_weight(sample_weight, len(y))
        self.classes_ = np.unique(y)
        # a binary search per label: on a million labels, several times faster
        # than the sort behind np.unique(y, return_inverse=True)
        y_encoded = np.searchsorted(self.classes_, y)
        self._check_classes(y_encoded, sample_weight, previous)
        class_ratio = self._resolve_class_ratio()

        rng = check_random_state(self.random_state)
        train, valid = self._split(y_encoded, rng)
        train = _weighted_rows(train, sample_weight)
        self.class_weight_ = self._class_weight(y_encoded[train], sample_weight[train])
        self.device_ = device
        to_tensor = _TensorMaker(device, self.dtype)
        train_data = _TensorDataset(
            to_tensor(X[train]),
            to_tensor(y_encoded[train], torch.int64),
            to_tensor(sample_weight[train]) if sample_weight_given else None,
        )
        callbacks = self._validation_callbacks(X, y_encoded, train, valid, to_tensor)
        init_seed, shuffle_seed = rng.randint(np.iinfo(np.int32).max, size=2)
        self.net_ = self._build_net(
            n_features=X.shape[1],
            hidden=hidden,
            optimizer=optimizer,
            optimizer_kwargs=optimizer_kwargs,
            batch_size=min(self.batch_size, len(train_data)),
            class_ratio=class_ratio,
            shuffle_seed=int(shuffle_seed),
            callbacks=callbacks,
        )
        self._train(train_data, int(init_seed), previous)
        self._record_history(valid is not None)
        return self

    def _resolve_device(self, device, method=""):
        """The torch device name of ``device`` ('auto': CUDA when available)."""
        where = f"{type(self).__name__}{method}"
        if device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        try:
            resolved = torch.device(device)
        except (RuntimeError, TypeError, ValueError) as exc:
            raise ValueError(
                f"{where}: device must be 'cpu', 'cuda', 'cuda:<index>' or 'auto' "
                f"(or another torch device name); got {device!r}."
            ) from exc
        if resolved.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"{where}: device={device!r} but CUDA is not available to torch "
                f"{torch.__version__} (no GPU, or a CPU-only build of torch); use "
                "device='cpu' or device='auto'."
            )
        if _why_unavailable(resolved) is not None:
            raise ValueError(
                f"{where}: device={device!r} but torch cannot use it here "
                f"({_why_unavailable(resolved)}); use device='cuda' or 'cpu'."
            )
        return str(resolved)

    def _resolve_optimizer(self):
        if isinstance(self.optimizer, str):
            return _OPTIMIZERS[self.optimizer]
        if not issubclass(self.optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"{type(self).__name__}: optimizer must be 'adam', 'adamw', 'sgd' or a "
                f"subclass of torch.optim.Optimizer; got {self.optimizer!r}."
            )
        return self.optimizer, {}

    def _resolve_hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)
        if not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0
            for s in sizes
        ):
            raise ValueError(
                f"{type(self).__name__}: hidden_layer_sizes must hold positive "
                f"integers; got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    def _warm_start_state(self):
        """The previous fit's weights, classes and width, when warm starting."""
        if not (self.warm_start and hasattr(self, "net_")):
            return None
        state = {
            k: v.detach().clone() for k, v in self.net_.module_.state_dict().items()
        }
        return {
            "state": state,
            "classes": self.classes_,
            "n_features": self.n_features_in_,
        }

    def _check_classes(self, y_encoded, sample_weight, previous):
        name = type(self).__name__
        if len(self.classes_) < 2:
            raise ValueError(
                f"{name} needs at least 2 classes in y; got 1 class: "
                f"{label_repr(self.classes_[0])}."
            )
        weighted = np.flatnonzero(np.bincount(y_encoded, weights=sample_weight))
        if len(weighted) < 2:
            raise ValueError(
                f"{name} needs at least 2 classes with non-zero sample_weight; only "
                f"class {label_repr(self.classes_[weighted[0]])} has any."
            )
        if previous is not None and not np.array_equal(
            previous["classes"], self.classes_
        ):
            raise ValueError(
                f"{name}: warm_start=True needs the classes of the previous fit, "
                f"{previous['classes'].tolist()}; got {self.classes_.tolist()}. Set "
                "warm_start=False to train from scratch."
            )

    def _resolve_class_ratio(self):
        """``balanced_batches`` in encoded labels: None, {} (equal) or shares."""
        if isinstance(self.balanced_batches, dict):
            labels = self.classes_.tolist()
            missing = [label_repr(c) for c in labels if c not in self.balanced_batches]
            unknown = [
                label_repr(c) for c in self.balanced_batches if c not in set(labels)
            ]
            if missing or unknown:
                raise ValueError(
                    f"{type(self).__name__}: balanced_batches must give a share for "
                    f"each class and no other label; missing: "
                    f"{', '.join(missing) or 'none'}; not in y: "
                    f"{', '.join(unknown) or 'none'}."
                )
            shares = np.array([self.balanced_batches[c] for c in labels], dtype=float)
            if not np.isfinite(shares).all() or (shares < 0).any() or not shares.any():
                raise ValueError(
                    f"{type(self).__name__}: balanced_batches shares must be finite, "
                    f"non-negative and not all zero; got {self.balanced_batches!r}."
                )
            return dict(enumerate(shares.tolist()))
        return {} if self.balanced_batches else None

    def _split(self, y_encoded, rng):
        """Training and stratified validation rows.

        Without early stopping: every row, as a slice that copies nothing, and
        None.
        """
        if not self.early_stopping:
            return slice(None), None
        rows = np.arange(len(y_encoded))
        try:
            train, valid = train_test_split(
                rows,
                test_size=self.validation_fraction,
                stratify=y_encoded,
                random_state=rng,
            )
        except ValueError as exc:
            raise ValueError(
                f"{type(self).__name__}: early_stopping=True cannot hold out a "
                f"stratified validation_fraction={self.validation_fraction} of "
                f"{len(rows)} samples with {len(self.classes_)} classes ({exc}). "
                "Raise validation_fraction, add samples or set early_stopping=False."
            ) from exc
        return np.sort(train), np.sort(valid)

    def _class_weight(self, y_encoded, sample_weight):
        """``class_weight_`` of the training rows, from their class totals."""
        totals = np.bincount(
            y_encoded, weights=sample_weight, minlength=len(self.classes_)
        )
        # each class once, weighted by its total: the weights of the schemes
        # depend on these totals only, and no label is searched again
        return compute_class_weight(
            self.class_weight,
            classes=self.classes_,
            y=self.classes_,
            sample_weight=totals,
            beta=self.beta,
        )

    def _validation_callbacks(self, X, y_encoded, train, valid, to_tensor):
        """Score the held-out rows each epoch and stop early on that score."""
        if valid is None:
            return []
        scorer = _ValidAveragePrecision(
            _TensorDataset(to_tensor(X[valid])),
            y_encoded[valid],
            minority=_minority(y_encoded[train]),
        )
        stopper = EarlyStopping(
            monitor="valid_ap",
            patience=self.patience,
            lower_is_better=False,
            load_best=True,
        )
        return [("valid_ap", scorer), ("early_stopping", stopper)]

    def _build_net(
        self,
        *,
        n_features,
        hidden,
        optimizer,
        optimizer_kwargs,
        batch_size,
        class_ratio,
        shuffle_seed,
        callbacks,
    ):
        dtype = getattr(torch, self.dtype)
        alpha = None  # uniform weights: the loss skips the multiplication
        if np.any(self.class_weight_ != 1):
            alpha = torch.as_tensor(self.class_weight_, dtype=dtype)
        return _FocalNet(
            module=MLPModule,
            module__n_features=n_features,
            module__n_outputs=len(self.classes_),
            module__hidden_layer_sizes=hidden,
            module__activation=self.activation,
            module__dropout=self.dropout,
            module__dtype=dtype,
            criterion=FocalLoss,
            criterion__alpha=alpha,
            criterion__gamma=self.gamma,
            criterion__reduction="none",
            optimizer=optimizer,
            lr=self.lr,
            optimizer__weight_decay=self.weight_decay,
            **{f"optimizer__{k}": v for k, v in optimizer_kwargs.items()},
            max_epochs=self.max_epochs,
            batch_size=batch_size,
            iterator_train=_BatchIterator,
            iterator_train__shuffle=True,
            iterator_train__class_ratio=class_ratio,
            iterator_train__seed=shuffle_seed,
            iterator_valid=_BatchIterator,
            iterator_valid__batch_size=_PREDICT_BATCH_SIZE,
            train_split=None,
            callbacks=callbacks,
            predict_nonlinearity=nn.Softmax(dim=-1),
            device=self.device_,
            verbose=self.verbose,
            # skorch's PrintLog formats its table every epoch even when silent
            **({} if self.verbose else {"callbacks__print_log": None}),
        )

    def _train(self, train_data, seed, previous):
        """Initialise and train ``net_`` under a private, seeded torch RNG."""
        device = torch.device(self.device_)
        cuda = [device.index or 0] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda):
            torch.default_generator.manual_seed(seed)
            if cuda:
                torch.cuda.manual_seed(seed)
            self.net_.initialize()
            if previous is not None:
                self._load_previous(previous)
            self.net_.partial_fit(train_data)

    def _load_previous(self, previous):
        try:
            if previous["n_features"] != self.n_features_in_:
                raise RuntimeError("different number of features")
            self.net_.module_.load_state_dict(previous["state"])
        except RuntimeError as exc:
            raise ValueError(
                f"{type(self).__name__}: warm_start=True needs the features and "
                "hidden_layer_sizes of the previous fit; set warm_start=False to "
                f"train from scratch. ({exc})"
            ) from exc

    def _record_history(self, validated):
        history = self.net_.history
        self.n_iter_ = len(history)
        self.loss_curve_ = [float(v) for v in history[:, "train_loss"]]
        self.validation_scores_ = None
        self.best_validation_score_ = None
        if validated:
            self.validation_scores_ = [float(v) for v in history[:, "valid_ap"]]
            self.best_validation_score_ = max(self.validation_scores_)

    def _logits(self, X):
        check_is_fitted(self)
        # the dtype of the fitted weights, whatever set_params did since
        dtype = str(next(self.net_.module_.parameters()).dtype).removeprefix("torch.")
        X = validate_data(self, X, reset=False, dtype=dtype)
        data = _TensorDataset(_TensorMaker(self.device_, dtype)(X))
        return self.net_.forward(data).numpy().astype(np.float64)

    def to_device(self, device):
        """Move the fitted model to another torch device.

        The weights, the loss and the optimizer's state move; ``device_``
        becomes ``device`` and predictions run there. The parameter ``device``,
        where the next ``fit`` trains, is left as it is (change it with
        ``set_params``).

        Parameters
        ----------
        device : str
            Torch device: ``'cpu'``, ``'cuda'``, ``'cuda:1'``, ... or
            ``'auto'`` (CUDA when available).

        Returns
        -------
        self : object
            The classifier, on ``device``.
        """
        check_is_fitted(self)
        device = self._resolve_device(device, method=".to_device")
        net = self.net_
        net.module_.to(device)
        net.criterion_.to(device)
        # loading a state casts it to the device of the parameters, which
        # moves the optimizer's moments next to the weights they belong to
        net.optimizer_.load_state_dict(net.optimizer_.state_dict())
        net.set_params(device=device)
        self.device_ = device
        return self

    def __setstate__(self, state):
        super().__setstate__(state)
        # net_ is unpickled first, on the device it was fitted on or, when
        # that is missing here, on the CPU (with a DeviceFallbackWarning)
        net = self.__dict__.get("net_")
        if net is not None:
            self.device_ = net.device

    def predict_proba(self, X):
        """Class probabilities (softmax of the logits, in float64).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, columns in the order of ``classes_``;
            each row sums to 1.
        """
        return softmax(self._logits(X), axis=1)

    def predict_log_proba(self, X):
        """Log of the class probabilities, computed stably from the logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class.
        """
        return log_softmax(self._logits(X), axis=1)

    def predict(self, X):
        """The most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, from ``classes_``.
        """
        logits = self._logits(X)  # checks first that the model is fitted
        return self.classes_[np.argmax(logits, axis=1)]


class _TensorMaker:
    """C-ordered tensors on one device, copied only where they must be.

    C order, so that a DataFrame (often column-major) and an array train
    bit-identical models. An array already C-ordered, of the right dtype and
    on the CPU is shared, not copied: the tensors are only read. Read-only
    arrays (memory-mapped by joblib) are copied, as torch cannot share them.
    """

    def __init__(self, device, float_dtype):
        self.device, self.float_dtype = device, getattr(torch, float_dtype)

    def __call__(self, array, dtype=None):
        array = np.ascontiguousarray(array)
        dtype = dtype or self.float_dtype
        if not array.flags.writeable:
            return torch.tensor(array, dtype=dtype, device=self.device)
        return torch.from_numpy(array).to(self.device, dtype)
