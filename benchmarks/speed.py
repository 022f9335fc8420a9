"""Compare the training throughput of MCDDClassifier with two plain torch loops.

All three train the same network (MLP 48-128-128-128 plus the class-distance
layer), with the same loss, Adam, batch size 200 and one thread setting, on
the same rows, in one process:

* reference: a ``DataLoader`` over a ``TensorDataset`` (one ``__getitem__``
  per row, then collation) and distances through an (n, K, d) repeat of the
  latent vectors, as in the original Deep-MCDD code;
* hand-written: batches sliced from tensors by a permuted index and
  distances through ``||z||^2 - 2 z.mu + ||mu||^2``, with torch's default
  Adam, as a user would write it;
* hand-written, fused Adam: the same loop with ``Adam(fused=True)``, which
  the library uses by default; it shows how much of the difference comes
  from the optimizer;
* library: ``MCDDClassifier(max_epochs=1).fit(X, y)``, timed as a whole
  (input validation, building the skorch net and the epoch), with
  validation and early stopping off.

Each round runs one epoch of each, in turn, so that load from other jobs on
the machine affects all three alike. The script reports medians over rounds
of the wall-clock time and of the CPU time of the process. With one torch
thread (``--threads 1``) the CPU time leaves out the time the process waited
for a core, so it is the steadier figure on a machine shared with other jobs.

Data: the offline Sensorless Drive subset (2,200 rows x 48 real-valued
features, 11 classes), restricted to its first 10 classes and standardised.
It is resampled with replacement to the requested number of rows, with
Gaussian noise of standard deviation 0.05 added (see
``load_sensorless_resampled``).

Run from the repository root::

    python benchmarks/speed.py            # 46,000 rows, 7 rounds
    python benchmarks/speed.py --rounds 3 --n-rows 10000
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mcdd_sklearn import MCDDClassifier  # noqa: E402
from mcdd_sklearn._net import has_fused_adam  # noqa: E402

# The offline UCI copies, found as the tests find them: $MCDD_SKLEARN_DATA,
# else a shared/data folder beside the repository folder.
DEFAULT_DATA_DIR = Path(
    os.environ.get("MCDD_SKLEARN_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
SENSORLESS_FILE = "sensorless_drive_subset.npz"

# Standard deviation of the Gaussian noise added to each resampled row, in
# units of the standardised features: the resampled rows stay distinct and the
# class structure stays that of the real data.
NOISE_SCALE = 0.05

BATCH_SIZE = 200
HIDDEN = 128
LATENT = 128
LEARNING_RATE = 1e-3

# Throughput goals of the library, as ratios of rows per second.
GOAL_VS_HANDWRITTEN = 0.9
GOAL_VS_REFERENCE = 2.0


def load_sensorless_resampled(n_rows, *, n_classes=10, data_dir=None, seed=0):
    """Draw ``n_rows`` noisy rows from the Sensorless Drive subset.

    The stored subset has 2,200 rows x 48 real-valued features and 11
    classes of 200 rows. The first ``n_classes`` classes are kept, the
    features are standardised, and rows are drawn with replacement and
    perturbed by Gaussian noise of standard deviation ``NOISE_SCALE``.

    Parameters
    ----------
    n_rows : int
        Number of rows to return.
    n_classes : int, default=10
        Number of classes to keep, between 2 and 11.
    data_dir : str or Path or None, default=None
        Folder that contains ``sensorless_drive_subset.npz``. None uses
        ``DEFAULT_DATA_DIR``: ``$MCDD_SKLEARN_DATA``, else ``shared/data``
        beside the repository folder.
    seed : int, default=0
        Seed of the resampling and the noise.

    Returns
    -------
    X : ndarray of shape (n_rows, 48), float64
    y : ndarray of shape (n_rows,), int64
        Class indices in ``[0, n_classes)``.
    """
    path = Path(data_dir or DEFAULT_DATA_DIR) / SENSORLESS_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found. Pass --data-dir with the folder that contains "
            f"{SENSORLESS_FILE}."
        )
    with np.load(path) as archive:
        X_base, y_base = archive["X"], archive["y"]

    labels = np.unique(y_base)[:n_classes]
    keep = np.isin(y_base, labels)
    X_base = X_base[keep]
    y_base = np.searchsorted(labels, y_base[keep]).astype(np.int64)
    X_base = (X_base - X_base.mean(axis=0)) / X_base.std(axis=0)

    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(X_base), size=n_rows)
    noise = rng.normal(scale=NOISE_SCALE, size=(n_rows, X_base.shape[1]))
    return X_base[rows] + noise, y_base[rows]


def _mlp(n_features):
    return nn.Sequential(
        nn.Linear(n_features, HIDDEN),
        nn.ReLU(),
        nn.Linear(HIDDEN, HIDDEN),
        nn.ReLU(),
        nn.Linear(HIDDEN, LATENT),
    )


class _CenterNet(nn.Module):
    """MLP plus class centers, log-scales and biases, with two distance formulas."""

    def __init__(self, n_features, n_classes, *, expanded_norm):
        super().__init__()
        self.mlp = _mlp(n_features)
        self.centers = nn.Parameter(torch.empty(n_classes, LATENT))
        nn.init.xavier_uniform_(self.centers)
        self.log_scales = nn.Parameter(torch.zeros(n_classes))
        self.biases = nn.Parameter(torch.zeros(n_classes))
        self.expanded_norm = expanded_norm

    def forward(self, X):
        z = self.mlp(X)
        if self.expanded_norm:
            squared = (
                (z * z).sum(1, keepdim=True)
                - 2.0 * z @ self.centers.T
                + (self.centers * self.centers).sum(1)
            ).clamp_min(0.0)
        else:
            n_classes = self.centers.shape[0]
            repeated = z.unsqueeze(1).repeat(1, n_classes, 1)
            squared = ((repeated - self.centers.unsqueeze(0)) ** 2).sum(2)
        log_sigma = F.relu(self.log_scales)
        distances = squared * 0.5 * torch.exp(-2.0 * log_sigma) + LATENT * log_sigma
        return distances, self.biases - distances


def _train_step(model, optimizer, Xi, yi):
    distances, logits = model(Xi)
    loss = distances.gather(1, yi.unsqueeze(1)).mean() + F.cross_entropy(logits, yi)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


class ReferenceLoop:
    """One epoch per call: DataLoader over a TensorDataset, repeated distances."""

    def __init__(self, X, y, n_classes):
        self.loader = DataLoader(
            TensorDataset(torch.tensor(X, dtype=torch.float32), torch.as_tensor(y)),
            batch_size=BATCH_SIZE,
            shuffle=True,
        )
        self.model = _CenterNet(X.shape[1], n_classes, expanded_norm=False)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE)

    def run_epoch(self):
        self.model.train()
        for Xi, yi in self.loader:
            loss = _train_step(self.model, self.optimizer, Xi, yi)
        return loss.item()


class HandwrittenLoop:
    """One epoch per call: tensor slicing by a permuted index, expanded norms."""

    def __init__(self, X, y, n_classes, *, fused=None):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.as_tensor(y)
        self.model = _CenterNet(X.shape[1], n_classes, expanded_norm=True)
        self.optimizer = torch.optim.Adam(
            self.model.parameters(), lr=LEARNING_RATE, fused=fused
        )

    def run_epoch(self):
        self.model.train()
        order = torch.randperm(len(self.X))
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start : start + BATCH_SIZE]
            loss = _train_step(self.model, self.optimizer, self.X[rows], self.y[rows])
        return loss.item()


class LibraryFit:
    """One call = ``MCDDClassifier(max_epochs=1).fit(X, y)`` on the float64 input.

    ``id_acceptance=None`` turns off the held-out split for the OOD
    threshold, so that the library trains on every row, as the loops do.
    """

    def __init__(self, X, y, n_classes):
        self.X, self.y = X, y
        self.seed = 0
        # Wall-clock seconds of the epoch alone, from skorch's history.
        self.epoch_seconds = []

    def run_epoch(self):
        self.seed += 1
        clf = MCDDClassifier(
            hidden_layer_sizes=(HIDDEN, HIDDEN),
            latent_dim=LATENT,
            learning_rate=LEARNING_RATE,
            batch_size=BATCH_SIZE,
            max_epochs=1,
            early_stopping=False,
            id_acceptance=None,
            random_state=self.seed,
        )
        clf.fit(self.X, self.y)
        n_batches = clf.history_[-1, "train_batch_count"]
        if n_batches != math.ceil(len(self.X) / BATCH_SIZE):
            raise RuntimeError(
                f"The library ran {n_batches} batches, not one per "
                f"{BATCH_SIZE} rows of the {len(self.X)} rows, so it did not "
                "train on the same rows as the loops."
            )
        self.epoch_seconds.append(clf.history_[-1, "dur"])
        return clf.history_[-1, "train_loss"]


def time_interleaved(runners, n_rounds):
    """Run one epoch of each runner per round.

    Returns
    -------
    wall, cpu : dict of str to list of float
        Wall-clock and process CPU seconds of each epoch, per runner.
    """
    wall = {name: [] for name in runners}
    cpu = {name: [] for name in runners}
    for _ in range(n_rounds):
        for name, runner in runners.items():
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            runner.run_epoch()
            wall[name].append(time.perf_counter() - wall_start)
            cpu[name].append(time.process_time() - cpu_start)
    return wall, cpu


def print_summary(label, seconds, n_rows):
    """Print the median seconds and rows/s of each runner and the two goal ratios."""
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    print(f"\n{label}, median of {len(seconds['library'])} epochs (min-max in brackets):")
    for name, values in seconds.items():
        print(
            f"  {name:<24} {medians[name]:6.3f} s  [{min(values):.3f}-{max(values):.3f}]"
            f"  {n_rows / medians[name]:>9,.0f} rows/s"
        )
    vs_handwritten = medians["hand-written"] / medians["library"]
    vs_reference = medians["reference"] / medians["library"]
    print(f"  library / hand-written = {vs_handwritten:.2f}  (goal >= {GOAL_VS_HANDWRITTEN})")
    print(f"  library / reference    = {vs_reference:.2f}  (goal >= {GOAL_VS_REFERENCE})")
    if "hand-written, fused Adam" in medians:
        vs_fused = medians["hand-written, fused Adam"] / medians["library"]
        print(f"  library / hand-written, fused Adam = {vs_fused:.2f}  (no goal)")


def print_library_overhead(runners, wall, n_rows):
    """Print the library's per-fit set-up and its per-batch cost over the fused-Adam loop.

    The set-up is the median fit time minus the median epoch time that
    skorch records. The per-batch cost compares that epoch time with the
    hand-written loop that uses the same (fused) Adam.
    """
    library = runners["library"]
    epoch = statistics.median(library.epoch_seconds[-len(wall["library"]):])
    setup = statistics.median(wall["library"]) - epoch
    print(f"\nlibrary, wall-clock: epoch {epoch:.3f} s, per-fit set-up {1e3 * setup:.1f} ms")
    if "hand-written, fused Adam" in wall:
        n_batches = math.ceil(n_rows / BATCH_SIZE)
        extra = epoch - statistics.median(wall["hand-written, fused Adam"])
        print(
            f"  epoch minus the fused-Adam loop: {1e3 * extra / n_batches:.3f} ms "
            f"per batch ({n_batches} batches)"
        )


def add_data_arguments(parser):
    """Add the ``--n-rows``, ``--threads`` and ``--data-dir`` options of the speed scripts."""
    parser.add_argument("--n-rows", type=int, default=46_000, help="training rows")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads (default: torch's choice)")
    parser.add_argument("--data-dir", default=None,
                        help=f"folder with {SENSORLESS_FILE} (default: {DEFAULT_DATA_DIR})")


def prepare_data(args):
    """Set torch's threads and seed from ``args``, print the set-up, return X, y, n_classes."""
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    X, y = load_sensorless_resampled(args.n_rows, data_dir=args.data_dir)
    n_classes = int(y.max()) + 1
    print(
        f"data: {X.shape[0]} rows x {X.shape[1]} features, {n_classes} classes; "
        f"batch {BATCH_SIZE}; torch {torch.__version__}, "
        f"{torch.get_num_threads()} intra-op threads"
    )
    return X, y, n_classes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--rounds", type=int, default=7, help="timed epochs per loop")
    args = parser.parse_args(argv)
    X, y, n_classes = prepare_data(args)

    runners = {
        "reference": ReferenceLoop(X, y, n_classes),
        "hand-written": HandwrittenLoop(X, y, n_classes),
    }
    if has_fused_adam("cpu"):
        runners["hand-written, fused Adam"] = HandwrittenLoop(X, y, n_classes, fused=True)
    runners["library"] = LibraryFit(X, y, n_classes)
    time_interleaved(runners, 1)  # warm-up: allocator, thread pool, imports
    wall, cpu = time_interleaved(runners, args.rounds)
    print("ratios: rows/s of the library divided by rows/s of the loop")
    print_summary("wall-clock time", wall, len(X))
    print_summary("process CPU time", cpu, len(X))
    print_library_overhead(runners, wall, len(X))


if __name__ == "__main__":
    main()
