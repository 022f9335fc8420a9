"""skorch glue: a batch iterator that slices arrays and a divergence check."""

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
            Xi = X[rows]
            if isinstance(Xi, np.ndarray):
                # torch cannot wrap read-only arrays (e.g. DataFrame values) safely.
                Xi = np.require(Xi, dtype=np.float32, requirements="W")
            Xi = torch.as_tensor(Xi, dtype=torch.float32)
            yi = None if y is None else torch.as_tensor(y[rows])
            yield Xi, yi


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
