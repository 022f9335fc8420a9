"""Measure how MCDDClassifier's fit time scales with rows and with joblib workers.

Part 1, rows: one epoch of ``fit`` (batch 200, default network, validation
off) on 10,000, 100,000 and 1,000,000 rows of the resampled Sensorless Drive
data of ``speed.py``. The sizes are interleaved within each round and the
script reports medians of the wall-clock time of the whole ``fit`` and of
the process CPU time. Linear scaling shows as a constant rows/s. With
``--threads 1`` the CPU time leaves out the time spent waiting for a core,
so it is the steadier figure on a machine shared with other jobs.

Part 2, joblib workers: the same ``GridSearchCV`` (4 candidates x 3 folds
on 20,000 rows, 2 epochs per fit) with ``n_jobs=1`` and ``n_jobs=2``, plus
two thread-based variants that show oversubscription and its fix:

* ``n_jobs=2``: joblib's default process-based backend (loky), which starts
  each worker with ``OMP_NUM_THREADS=cpu_count // n_jobs``, so torch runs
  one thread per worker on 2 cores;
* ``threading, n_threads=None``: two threads of this process, each running
  torch with its default thread count;
* ``threading, n_threads=1``: the same with ``MCDDClassifier(n_threads=1)``.

Each configuration runs once untimed first (loky starts its workers, and
each worker imports torch), then the configurations take turns for
``--rounds`` rounds.

Run from the repository root::

    python benchmarks/scaling.py
    python benchmarks/scaling.py --threads 1 --skip-grid
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mcdd_sklearn import MCDDClassifier  # noqa: E402
from speed import load_sensorless_resampled  # noqa: E402

ROW_COUNTS = (10_000, 100_000, 1_000_000)
GRID = {"reg_lambda": [0.1, 1.0], "learning_rate": [1e-3, 3e-3]}
GRID_ROWS = 20_000
GRID_FOLDS = 3
GRID_EPOCHS = 2


def _classifier(**params):
    # id_acceptance=None trains on every row, with no held-out split.
    return MCDDClassifier(id_acceptance=None, random_state=0, **params)


def time_rows(n_rounds, data_dir):
    """Print the median epoch time of ``fit`` for each size in ``ROW_COUNTS``."""
    X_all, y_all = load_sensorless_resampled(max(ROW_COUNTS), data_dir=data_dir)
    data = {n: (X_all[:n], y_all[:n]) for n in ROW_COUNTS}
    _classifier(max_epochs=1).fit(*data[ROW_COUNTS[0]])  # warm-up

    wall = {n: [] for n in ROW_COUNTS}
    cpu = {n: [] for n in ROW_COUNTS}
    for _ in range(n_rounds):
        for n, (X, y) in data.items():
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            _classifier(max_epochs=1).fit(X, y)
            wall[n].append(time.perf_counter() - wall_start)
            cpu[n].append(time.process_time() - cpu_start)

    print(f"\none-epoch fit, median of {n_rounds} rounds")
    print(f"  {'rows':>9}  {'wall s':>7}  {'rows/s':>9}  {'CPU s':>7}  {'rows/CPU s':>10}")
    for n in ROW_COUNTS:
        wall_median = statistics.median(wall[n])
        cpu_median = statistics.median(cpu[n])
        print(
            f"  {n:>9,}  {wall_median:7.2f}  {n / wall_median:>9,.0f}  "
            f"{cpu_median:7.2f}  {n / cpu_median:>10,.0f}"
        )


def time_grid_search(n_rounds, data_dir):
    """Print the median wall-clock time of the same grid search per configuration."""
    X, y = load_sensorless_resampled(GRID_ROWS, data_dir=data_dir)
    configurations = {
        "n_jobs=1": (1, "loky", None),
        "n_jobs=2": (2, "loky", None),
        "n_jobs=2, threading, n_threads=None": (2, "threading", None),
        "n_jobs=2, threading, n_threads=1": (2, "threading", 1),
    }
    seconds = {name: [] for name in configurations}
    for round_index in range(n_rounds + 1):
        for name, (n_jobs, backend, n_threads) in configurations.items():
            search = GridSearchCV(
                _classifier(max_epochs=GRID_EPOCHS, n_threads=n_threads),
                GRID,
                cv=GRID_FOLDS,
                n_jobs=n_jobs,
            )
            start = time.perf_counter()
            with parallel_config(backend=backend):
                search.fit(X, y)
            if round_index > 0:  # round 0 is the untimed warm-up
                seconds[name].append(time.perf_counter() - start)

    n_fits = GRID_FOLDS * len(GRID["reg_lambda"]) * len(GRID["learning_rate"]) + 1
    print(
        f"\nGridSearchCV: {n_fits} fits of {GRID_EPOCHS} epochs on {GRID_ROWS:,} rows "
        f"({GRID_FOLDS}-fold, refit included), median of {n_rounds} rounds"
    )
    base = statistics.median(seconds["n_jobs=1"])
    for name, values in seconds.items():
        median = statistics.median(values)
        print(
            f"  {name:<36} {median:6.2f} s  [{min(values):.2f}-{max(values):.2f}]"
            f"  speed-up over n_jobs=1: {base / median:.2f}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per part")
    parser.add_argument("--skip-rows", action="store_true", help="skip part 1")
    parser.add_argument("--skip-grid", action="store_true", help="skip part 2")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads in the main process "
                        "(default: torch's choice); loky workers are not affected")
    parser.add_argument("--data-dir", default=None,
                        help="folder with sensorless_drive_subset.npz")
    args = parser.parse_args(argv)

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads "
          "in the main process")
    if not args.skip_rows:
        time_rows(args.rounds, args.data_dir)
    if not args.skip_grid:
        time_grid_search(args.rounds, args.data_dir)


if __name__ == "__main__":
    main()
