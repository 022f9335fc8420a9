"""skorch glue and batch helpers: slicing iterators, batched scoring, thread control."""

import contextlib
import math

import numpy as np
import torch
from skorch.callbacks import Callback
from skorch.dataset import Dataset
from torch.utils.data import DataLoader


class ArrayBatchIterator:
    """Iterate over a skorch ``Dataset`` in mini-batches by slicing its arrays.

    skorch's default ``DataLoader`` fetches one row at a time through
    ``Dataset.__getitem__`` and collates the rows again, which costs more
    than the forward pass of a small MLP. This iterator takes one slice (or
    one fancy-indexed copy when shuffling) per batch instead. Each batch of X
    is converted to float32 on its own, so a float64 input is never copied
    whole.

    skorch builds it as ``iterator_train`` / ``iterator_valid`` with
    ``dataset`` and the ``iterator_*__`` keyword arguments. Datasets other
    than a skorch ``Dataset`` over arrays or tensors go to a plain
    ``DataLoader``.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset
        Holds ``X`` (2-D array or tensor) and ``y`` (1-D array, tensor or None).
    batch_size : int
        Number of rows per batch; the last batch may be smaller.
    shuffle : bool, default=False
        Whether to draw a new permutation of the rows at each pass, from
        torch's default generator (which ``fit`` seeds from ``random_state``).
    **loader_kwargs
        Passed to ``DataLoader`` for datasets that cannot be sliced.
    """

    def __init__(self, dataset, batch_size, shuffle=False, **loader_kwargs):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.loader_kwargs = loader_kwargs

    def _can_slice(self):
        dataset = self.dataset
        if type(dataset) is not Dataset:
            return False
        sliceable = (np.ndarray, torch.Tensor)
        return isinstance(dataset.X, sliceable) and (
            dataset.y is None or isinstance(dataset.y, sliceable)
        )

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self):
        if not self._can_slice():
            yield from DataLoader(
                self.dataset,
                batch_size=self.batch_size,
                shuffle=self.shuffle,
                **self.loader_kwargs,
            )
            return

        X, y = self.dataset.X, self.dataset.y
        n_samples = len(X)
        order = torch.randperm(n_samples) if self.shuffle else None
        if order is not None and isinstance(X, np.ndarray):
            order = order.numpy()

        for start in range(0, n_samples, self.batch_size):
            if order is None:
                rows = slice(start, start + self.batch_size)
            else:
                rows = order[start : start + self.batch_size]
            yi = None if y is None else torch.as_tensor(_rows_of(y, rows))
            yield _float32_batch(_rows_of(X, rows)), yi


def _rows_of(array, rows):
    """Return ``array[rows]`` for a slice or an index array of rows.

    A tensor indexed by an index array goes through ``index_select``, which
    takes less than half the time of ``tensor[rows]`` on a batch of 200 rows
    (``benchmarks/step_breakdown.py``).
    """
    if isinstance(array, torch.Tensor) and not isinstance(rows, slice):
        return array.index_select(0, torch.as_tensor(rows))
    return array[rows]


def _float32_batch(Xi):
    """Return a batch of rows as a float32 CPU tensor, copying only when needed."""
    if isinstance(Xi, np.ndarray):
        # torch cannot wrap read-only arrays (e.g. DataFrame values) safely.
        Xi = np.require(Xi, dtype=np.float32, requirements="W")
    return torch.as_tensor(Xi, dtype=torch.float32)


def forward_in_batches(module, X, *, batch_size, device, dtype, reduce):
    """Apply ``reduce(*module(batch))`` to each batch of rows of X and fill the outputs.

    Each batch is sliced from X, rounded to float32 (the precision of
    training), then moved to ``device`` and cast to ``dtype`` in one step.
    The results of ``reduce`` are copied into arrays allocated once for all
    rows, so the memory used beyond the outputs themselves does not grow with
    the number of rows: one batch and its activations at a time.

    Parameters
    ----------
    module : torch.nn.Module
        Network in eval mode, on ``device``, with parameters of ``dtype``.
    X : ndarray or torch.Tensor of shape (n_samples, n_features)
        Rows to score; ``n_samples`` must be at least 1.
    batch_size : int
        Rows per forward pass.
    device : torch.device or str
        Device that ``module`` is on.
    dtype : torch.dtype
        Floating point type of ``module``'s parameters.
    reduce : callable
        Maps the module's output for a batch to one tensor, or a tuple of
        tensors, whose first dimension is the batch.

    Returns
    -------
    outputs : ndarray or tuple of ndarray
        The reduced results of all batches in row order, one array per
        tensor that ``reduce`` returns.
    """
    n_samples = len(X)
    outputs = None
    with torch.no_grad():
        for start in range(0, n_samples, batch_size):
            stop = min(start + batch_size, n_samples)
            Xi = _float32_batch(X[start:stop]).to(device, dtype)
            reduced = reduce(*module(Xi))
            parts = reduced if isinstance(reduced, tuple) else (reduced,)
            arrays = [part.cpu().numpy() for part in parts]
            if outputs is None:
                outputs = [
                    np.empty((n_samples, *array.shape[1:]), dtype=array.dtype)
                    for array in arrays
                ]
            for output, array in zip(outputs, arrays):
                output[start:stop] = array
    return tuple(outputs) if isinstance(reduced, tuple) else outputs[0]


def has_fused_adam(device):
    """Return whether torch has a fused Adam kernel for the type of ``device``.

    CUDA has one in every torch release this package supports, and the CPU
    has one from torch 2.4 on.
    """
    device = torch.device(device)
    if device.type == "cuda":
        return True
    major_minor = tuple(int(part) for part in torch.__version__.split(".")[:2])
    return device.type == "cpu" and major_minor >= (2, 4)


@contextlib.contextmanager
def torch_num_threads(n_threads):
    """Set torch's number of intra-op CPU threads inside the block, then restore it.

    ``None`` leaves torch's setting untouched. The previous value is restored
    even when the block raises. ``torch.set_num_threads`` acts on the whole
    process, so two threads of one process that set different values at the
    same time override each other.
    """
    if n_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class StopOnNonFiniteLoss(Callback):
    """Raise ``FloatingPointError`` as soon as an epoch's training loss is not finite.

    Without this check a diverged fit would return NaN scores for every row.
    """

    def on_epoch_end(self, net, **kwargs):
        epoch = net.history[-1]
        loss = epoch["train_loss"]
        if math.isfinite(loss):
            return
        raise FloatingPointError(
            f"Training diverged: the training loss is {loss} at epoch "
            f"{epoch['epoch']}. The usual causes are unscaled features (put a "
            "StandardScaler in front of the classifier) or a learning_rate "
            f"that is too high (got learning_rate={net.lr}; try a value 10 "
            "times smaller)."
        )
