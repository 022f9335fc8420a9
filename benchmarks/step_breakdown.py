"""Split the time of one training batch of the hand-written loop into its phases.

The loop is the hand-written one of ``benchmarks/speed.py``: the reference
network (MLP 48-128-128-128 plus the class-distance layer), the Deep-MCDD
loss, Adam and batches of 200 rows sliced from tensors by a permuted index.
The script prints:

* the milliseconds per batch of each phase (taking the batch, forward pass,
  loss, backward pass, optimizer step), with torch's default for-each Adam
  and with the fused Adam that ``MCDDClassifier`` uses by default;
* the share of one epoch that torch's profiler attributes to matrix
  products (``aten::mm`` and ``aten::addmm``), the part that no change of
  the data path or the optimizer can remove;
* the microseconds per batch of taking 200 rows of X and y with
  ``tensor[rows]`` and with ``index_select``.

Run from the repository root::

    python benchmarks/step_breakdown.py --threads 1
"""

import argparse
import sys
import time
from pathlib import Path

import torch
from torch.nn import functional as F
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import (  # noqa: E402
    BATCH_SIZE,
    HandwrittenLoop,
    add_data_arguments,
    has_fused_adam,
    prepare_data,
)

PHASES = ("take batch", "forward", "loss", "backward", "optimizer step")
MATRIX_PRODUCTS = ("aten::mm", "aten::addmm")


def time_phases(loop, n_epochs):
    """Return the mean milliseconds per batch of each phase over ``n_epochs`` epochs."""
    totals = dict.fromkeys(PHASES, 0.0)
    n_batches = 0
    for _ in range(n_epochs):
        order = torch.randperm(len(loop.X))
        for start in range(0, len(order), BATCH_SIZE):
            t0 = time.perf_counter()
            rows = order[start : start + BATCH_SIZE]
            Xi, yi = loop.X[rows], loop.y[rows]
            t1 = time.perf_counter()
            distances, logits = loop.model(Xi)
            t2 = time.perf_counter()
            loss = distances.gather(1, yi.unsqueeze(1)).mean() + F.cross_entropy(logits, yi)
            t3 = time.perf_counter()
            loop.optimizer.zero_grad()
            loss.backward()
            t4 = time.perf_counter()
            loop.optimizer.step()
            t5 = time.perf_counter()
            for phase, seconds in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                totals[phase] += seconds
            n_batches += 1
    return {phase: 1e3 * seconds / n_batches for phase, seconds in totals.items()}


def matrix_product_share(loop):
    """Return the fraction of one profiled epoch's CPU time spent in matrix products."""
    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        loop.run_epoch()
    events = profiler.key_averages()
    total = sum(event.self_cpu_time_total for event in events)
    products = sum(
        event.self_cpu_time_total for event in events if event.key in MATRIX_PRODUCTS
    )
    return products / total


def time_row_selection(X, y, n_rounds=3):
    """Return the microseconds per batch of ``tensor[rows]`` and of ``index_select``."""
    order = torch.randperm(len(X))
    methods = {
        "tensor[rows]": lambda rows: (X[rows], y[rows]),
        "index_select": lambda rows: (X.index_select(0, rows), y.index_select(0, rows)),
    }
    best = {}
    for name, take in methods.items():
        timings = []
        for _ in range(n_rounds):
            start = time.perf_counter()
            for first in range(0, len(order), BATCH_SIZE):
                take(order[first : first + BATCH_SIZE])
            timings.append(time.perf_counter() - start)
        n_batches = -(-len(order) // BATCH_SIZE)
        best[name] = 1e6 * min(timings) / n_batches
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per Adam version")
    args = parser.parse_args(argv)
    X, y, n_classes = prepare_data(args)

    print("\nmilliseconds per batch of the hand-written loop:")
    print(f"  {'Adam':<9}" + "".join(f"{phase:>16}" for phase in PHASES) + f"{'total':>10}")
    versions = [("for-each", None)]
    if has_fused_adam("cpu"):
        versions.append(("fused", True))
    for name, fused in versions:
        loop = HandwrittenLoop(X, y, n_classes, fused=fused)
        loop.run_epoch()  # warm-up
        phases = time_phases(loop, args.epochs)
        row = "".join(f"{phases[phase]:>16.3f}" for phase in PHASES)
        print(f"  {name:<9}{row}{sum(phases.values()):>10.3f}")

    share = matrix_product_share(HandwrittenLoop(X, y, n_classes, fused=fused))
    print(f"\nmatrix products (aten::mm, aten::addmm): {share:.0%} of an epoch's CPU time")

    selection = time_row_selection(loop.X, loop.y)
    print(f"\nmicroseconds per batch to take {BATCH_SIZE} rows of X and y:")
    for name, microseconds in selection.items():
        print(f"  {name:<14}{microseconds:6.1f}")


if __name__ == "__main__":
    main()
