"""The exact k-nearest-neighbours engine on torch: a CUDA GPU, or torch's CPU.

:class:`TorchNeighborsIndex` answers the questions of
:class:`~imbestimators.utils.NeighborsIndex` with the same result: the same
neighbours, the same float64 distances, the same tie rules. It is the NumPy
engine (``imbestimators/utils/_neighbors.py``) with its screening step moved to
the device; everything else is inherited:

1. *Screening*, on the device, in the input's precision (float32 stays
   float32; TF32 and bfloat16 matrix products are switched off meanwhile, so
   the engine's rounding bound holds): one ``addmm`` gives a block of
   ``|r|^2 - 2 q.r`` and ``topk`` keeps the ``m`` candidates per query row
   the engine asks for. Blocks are sized to the GPU's free memory, or to
   ``working_memory`` on the CPU.
2. *Refinement and certification*, on the host, by the NumPy engine's own
   code: the candidates' distances are recomputed in float64 from the
   coordinate differences, and rows that the screening error bound does not
   certify are screened again with more candidates.

Because the second stage is the NumPy engine's, distances are equal to the
last bit and tied rows are ordered (or included) the same way. Sparse data, a
custom ``estimator`` and ``algorithm="kd_tree"`` stay with the NumPy engine,
as does everything when the device setting is ``"cpu"`` (or ``"auto"`` without
a GPU).

torch is imported only when a torch device is asked for.
"""

import contextlib
import functools
import importlib.util

import numpy as np
from scipy import sparse

from imbestimators._config import _check_device, get_config
from imbestimators.utils._neighbors import NeighborsIndex, _row_sq_norms
from imbestimators.utils._optional import import_optional

__all__ = ["TorchNeighborsIndex", "resolve_device"]

# a screening block holds at most this many reference columns: wider rows
# are screened in column chunks whose candidates are merged
_MAX_COLUMNS = 2**18
# rows per block when the block is as wide as _MAX_COLUMNS allows
_MIN_BLOCK_ROWS = 256
# on a GPU, a block takes at most half the free memory, and at most this
_MAX_CUDA_BLOCK_BYTES = 4 * 2**30


class TorchNeighborsIndex(NeighborsIndex):
    """Exact k-nearest-neighbour queries computed with torch.

    A drop-in for :class:`~imbestimators.utils.NeighborsIndex` (same
    parameters, methods and results) that screens the candidates on a torch
    device: a CUDA GPU, or torch on the CPU. Sparse input, a custom
    ``estimator`` and ``algorithm="kd_tree"`` are answered by the NumPy
    engine.

    Parameters
    ----------
    reference : {ndarray, sparse matrix} of shape (n_reference, n_features)
        Rows among which neighbours are searched. Floating dtype; never
        modified. A dense reference is copied once to the device.
    algorithm : {"auto", "brute", "kd_tree"}, default="auto"
        ``"auto"`` and ``"brute"`` screen by brute force on the device;
        ``"kd_tree"`` uses the NumPy engine's tree.
    estimator : object with ``fit`` and ``kneighbors``, default=None
        A scikit-learn style neighbours estimator that answers every query
        instead (on the CPU), as in the NumPy engine.
    working_memory : int, default=None
        Bound, in bytes, on the temporary distance blocks. ``None`` means
        256 MiB on the CPU and half the free GPU memory (at most 4 GiB) on a
        GPU.
    device : str, default=None
        ``"cpu-torch"``, ``"cuda"``, ``"cuda:N"``, ``"auto"`` or ``"cpu"``
        (the NumPy engine), as in :func:`imbestimators.set_config`. ``None``
        reads the current setting.

    Attributes
    ----------
    device : torch.device or None
        The device that screens; ``None`` when the NumPy engine answers.

    See Also
    --------
    imbestimators.set_config : Choose the device of every neighbour search.

    Examples
    --------
    >>> import numpy as np
    >>> from imbestimators.utils._neighbors_torch import TorchNeighborsIndex
    >>> X = np.array([[0.0], [1.0], [3.0], [4.0]])
    >>> index = TorchNeighborsIndex(X, device="cpu-torch")
    >>> index.kneighbors(1)  # each row's nearest other row
    array([[1],
           [0],
           [3],
           [2]])
    """

    def __init__(
        self,
        reference,
        *,
        algorithm="auto",
        estimator=None,
        working_memory=None,
        device=None,
    ):
        on_torch = (
            estimator is None
            and algorithm in ("auto", "brute")
            and not sparse.issparse(reference)
        )
        self.device = resolve_device(device) if on_torch else None
        # the NumPy state (squared norms, or the tree or estimator) serves the
        # certification and every question the device does not answer
        super().__init__(
            reference,
            algorithm="brute" if self.device is not None else algorithm,
            estimator=estimator,
            working_memory=working_memory,
        )
        self._memory_cap = working_memory

    def _index_reference(self):
        super()._index_reference()
        # the device's copies of the reference, per dtype, made when needed
        self._device_data = {}

    def nearest_distance_bound(self, query):
        """A lower bound on each query row's distance to its nearest reference row.

        One matrix product and one row minimum per block, on the device.

        Parameters
        ----------
        query : {ndarray, sparse matrix} of shape (n_query, n_features)
            Query rows (sparse ones are answered by the NumPy engine).

        Returns
        -------
        bound : ndarray of shape (n_query,)
            float64 values, at most the exact Euclidean distance to the
            nearest reference row.
        """
        if self.device is None or sparse.issparse(query):
            return super().nearest_distance_bound(query)
        query = self._check_features(query)
        if self._rescaling(query):
            # the NumPy engine scales the data, then asks this method again
            return super().nearest_distance_bound(query)
        q_sq_norms = _row_sq_norms(query)
        dtype = self._screening_dtype(query, q_sq_norms)
        with _ieee_matmul():
            shifted = self._screen_minima(query, dtype)
        sq_bound = shifted + q_sq_norms - self._screening_error(q_sq_norms, dtype)
        return np.sqrt(np.maximum(sq_bound, 0.0))

    def _screen_brute(self, query, q_sq_norms, m, exclude, sign):
        """Keep, per query row, the ``m`` smallest approximate signed distances.

        The NumPy engine's screening step, on the device: it returns the
        candidate indices and, per row, a lower bound on the exact signed
        squared distance of every reference row that was not kept. The NumPy
        engine refines and certifies them.
        """
        if self.device is None or sparse.issparse(query):
            return super()._screen_brute(query, q_sq_norms, m, exclude, sign)
        query = self._check_features(query)
        dtype = self._screening_dtype(query, q_sq_norms)
        with _ieee_matmul():
            candidates, kept_max = self._screen(query, m, exclude, sign, dtype)
        # values were screened without the |q|^2 term (constant along a row)
        kept_max += sign * q_sq_norms
        return candidates, kept_max - self._screening_error(q_sq_norms, dtype)

    def _check_features(self, query):
        query = np.asarray(query)
        if query.ndim != 2 or query.shape[1] != self.n_features:
            raise ValueError(
                f"query must have shape (n_query, {self.n_features}), the "
                f"reference's number of features; got shape {query.shape}."
            )
        return query

    def _screen(self, query, m, exclude, sign, dtype):
        """The ``m`` smallest ``sign * (|r|^2 - 2 q.r)`` of each row, screened
        on the device: their indices, and each row's largest kept value (no
        reference row left out screened below it), as float64."""
        torch = _torch()
        reference, ref_sq_norms = self._on_device(dtype)
        shift = ref_sq_norms if sign > 0 else -ref_sq_norms
        query = _to_device(query, dtype, self.device)
        if exclude is not None:
            exclude = torch.from_numpy(np.asarray(exclude, dtype=np.int64))
            exclude = exclude.to(self.device)
        n_query = query.shape[0]
        n_rows, width = self._block_shape(n_query, dtype)
        candidates = torch.empty((n_query, m), dtype=torch.int64, device=self.device)
        kept_max = torch.empty(n_query, dtype=query.dtype, device=self.device)
        buffer = torch.empty(n_rows * width, dtype=query.dtype, device=self.device)
        for start in range(0, n_query, n_rows):
            rows = slice(start, start + n_rows)
            values, ind = _smallest_in_block(
                query[rows],
                reference,
                shift,
                m,
                None if exclude is None else exclude[rows],
                sign,
                width,
                buffer,
            )
            candidates[rows] = ind
            kept_max[rows] = values.amax(dim=1)
        return (
            candidates.cpu().numpy().astype(np.intp, copy=False),
            kept_max.cpu().numpy().astype(np.float64),
        )

    def _screen_minima(self, query, dtype):
        """Each row's smallest screened ``|r|^2 - 2 q.r``, as float64."""
        torch = _torch()
        reference, ref_sq_norms = self._on_device(dtype)
        query = _to_device(query, dtype, self.device)
        n_rows, width = self._block_shape(query.shape[0], dtype)
        minima = torch.full(
            (query.shape[0],), float("inf"), dtype=query.dtype, device=self.device
        )
        buffer = torch.empty(n_rows * width, dtype=query.dtype, device=self.device)
        for start in range(0, query.shape[0], n_rows):
            rows = slice(start, start + n_rows)
            blocks = _column_blocks(
                query[rows], reference, ref_sq_norms, 1.0, width, buffer
            )
            for _, block in blocks:
                torch.minimum(minima[rows], block.amin(dim=1), out=minima[rows])
        return minima.cpu().numpy().astype(np.float64)

    # -- the device's copies and memory ------------------------------------------
    def _on_device(self, dtype):
        """The reference and its squared norms on the device, in ``dtype``."""
        key = np.dtype(dtype).name
        if key not in self._device_data:
            torch = _torch()
            reference = _to_device(self.reference, dtype, self.device)
            norms = torch.from_numpy(self._ref_sq_norms).to(self.device)
            self._device_data[key] = (reference, norms.to(reference.dtype))
        return self._device_data[key]

    def _block_shape(self, n_query, dtype):
        """Rows and columns of one screening block, from the memory it may take."""
        # the block of distances, and as much again for topk's work space
        entries = max(1, self._block_bytes() // (2 * np.dtype(dtype).itemsize))
        width = max(1, min(self.n_reference, _MAX_COLUMNS, entries // _MIN_BLOCK_ROWS))
        n_rows = max(1, min(n_query, entries // width))
        return n_rows, width

    def _block_bytes(self):
        if self.device.type != "cuda":
            return self.working_memory
        torch = _torch()
        free, _ = torch.cuda.mem_get_info(self.device)
        # memory torch has reserved but does not use is free for our blocks
        cached = torch.cuda.memory_reserved(self.device) - torch.cuda.memory_allocated(
            self.device
        )
        budget = min((free + cached) // 2, _MAX_CUDA_BLOCK_BYTES)
        if self._memory_cap is not None:
            budget = min(budget, self._memory_cap)
        return budget


def resolve_device(device=None):
    """The torch device of a ``device`` setting, or None for the NumPy engine.

    Parameters
    ----------
    device : str, default=None
        A value accepted by :func:`imbestimators.set_config`; ``None`` reads
        the current setting.

    Returns
    -------
    device : torch.device or None
        ``None`` for ``"cpu"``, and for ``"auto"`` when torch or a CUDA GPU is
        missing.

    Raises
    ------
    ImportError
        If the device needs torch and torch is not installed.
    ValueError
        If a CUDA device is asked for and torch sees none, or not that one.

    Examples
    --------
    >>> from imbestimators.utils._neighbors_torch import resolve_device
    >>> resolve_device("cpu") is None
    True
    >>> resolve_device("cpu-torch")
    device(type='cpu')
    """
    device = get_config()["device"] if device is None else _check_device(device)
    if device == "cpu":
        return None
    if device == "auto":
        if importlib.util.find_spec("torch") is None:
            return None
        torch = _torch()
        return _cuda_device(torch, "cuda") if torch.cuda.is_available() else None
    torch = import_optional("torch", purpose=f"for device={device!r}")
    if device == "cpu-torch":
        return torch.device("cpu")
    return _cuda_device(torch, device)


def _cuda_device(torch, device):
    if not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} (imbestimators.set_config) needs a CUDA GPU, but "
            f"torch {torch.__version__} sees none (torch.cuda.is_available() is "
            "False). Use device='cpu', or device='auto' to take a GPU only when "
            "there is one."
        )
    count = torch.cuda.device_count()
    resolved = torch.device(device)
    if resolved.index is None:
        return torch.device("cuda", torch.cuda.current_device())
    if resolved.index >= count:
        raise ValueError(
            f"device={device!r} (imbestimators.set_config) names GPU "
            f"{resolved.index}, but torch sees {count} CUDA device(s), numbered "
            f"0 to {count - 1}."
        )
    return resolved


@functools.cache
def _torch():
    return import_optional("torch", purpose="for the torch neighbours engine")


@contextlib.contextmanager
def _ieee_matmul():
    """Full float32 precision in matrix products: TF32 or bfloat16 products
    would break the screening's error bound. The setting is process-wide in
    torch, so the user's is restored on exit."""
    torch = _torch()
    backends = [torch.backends.cuda.matmul, torch.backends.mkldnn.matmul]
    if all(hasattr(backend, "fp32_precision") for backend in backends):
        # torch >= 2.9: reading the legacy setting after a change through the
        # new one raises, so only the new one is touched
        saved = [backend.fp32_precision for backend in backends]
        try:
            for backend in backends:
                backend.fp32_precision = "ieee"
            yield
        finally:
            for backend, value in zip(backends, saved):
                backend.fp32_precision = value
    else:
        saved = torch.get_float32_matmul_precision()
        try:
            torch.set_float32_matmul_precision("highest")
            yield
        finally:
            torch.set_float32_matmul_precision(saved)


def _to_device(array, dtype, device):
    """A C-contiguous ``dtype`` copy of ``array`` on ``device`` (shared on the
    CPU when it already is one; torch only reads it)."""
    array = np.asarray(array)
    if array.dtype != dtype or not (array.flags.c_contiguous and array.flags.writeable):
        # torch warns on read-only arrays even though it will not write
        array = np.array(array, dtype=dtype, order="C")
    return _torch().from_numpy(array).to(device)


def _smallest_in_block(query, reference, shift, m, exclude, sign, width, buffer):
    """The ``m`` smallest ``shift + sign * (-2 q.r)`` of each query row.

    Columns are screened ``width`` at a time; each chunk's ``m`` smallest are
    merged with the best so far, so the result is the ``m`` smallest of the
    whole row whatever the chunking.
    """
    torch = _torch()
    best_val = best_ind = None
    for first, block in _column_blocks(query, reference, shift, sign, width, buffer):
        if exclude is not None:
            _mask_excluded(block, exclude, first, first + block.shape[1])
        val, ind = torch.topk(
            block, min(m, block.shape[1]), dim=1, largest=False, sorted=False
        )
        ind += first
        if best_val is not None:
            val, ind = torch.cat((best_val, val), dim=1), torch.cat((best_ind, ind), 1)
            if val.shape[1] > m:
                val, pick = torch.topk(val, m, dim=1, largest=False, sorted=False)
                ind = ind.gather(1, pick)
        best_val, best_ind = val, ind
    return best_val, best_ind


def _column_blocks(query, reference, shift, sign, width, buffer):
    """Yield ``(first, block)``, the block ``shift + sign * (-2 q.r)`` of the
    reference rows ``first:first + width``, computed into the flat ``buffer``
    (a fresh block per chunk costs page faults on the CPU: 3x slower)."""
    torch = _torch()
    n_rows, n_reference = query.shape[0], reference.shape[0]
    for first in range(0, n_reference, width):
        last = min(first + width, n_reference)
        block = buffer[: n_rows * (last - first)].view(n_rows, last - first)
        torch.addmm(
            shift[first:last],
            query,
            reference[first:last].T,
            alpha=-2.0 * sign,
            out=block,
        )
        yield first, block


def _mask_excluded(block, exclude, first, last):
    """Set each row's excluded column to +inf, without a host synchronisation.

    Rows whose excluded index lies outside ``first:last`` write back their
    current value at a clamped column.
    """
    inside = ((exclude >= first) & (exclude < last)).unsqueeze(1)
    columns = (exclude - first).clamp(0, last - first - 1).unsqueeze(1)
    current = block.gather(1, columns)
    block.scatter_(1, columns, current.masked_fill(inside, float("inf")))
