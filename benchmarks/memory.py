"""Measure the peak memory of MCDDClassifier's scoring methods on a large input.

Each method runs in a fresh Python process, so that one measurement does not
inherit the freed memory or the peak of another. In that process:

1. a classifier is fitted on 2,000 rows x 48 features (the Sensorless Drive
   data of ``speed.py``; the fitted weights do not change the memory use);
2. the input, ``--n-rows`` x 48 float64 standard-normal values, is created
   and the method is called once on its first 1,000 rows, so that torch's
   lazy set-up is not counted;
3. the peak resident set size (RSS) is reset by writing ``5`` to
   ``/proc/self/clear_refs`` (Linux), the method is called on the whole
   input, and ``VmHWM`` from ``/proc/self/status`` gives the peak RSS
   during the call. RSS counts everything: numpy, torch's allocator, the
   float64 copy of the module and the Python objects;
4. the method is called again under ``tracemalloc``, whose peak counts the
   numpy arrays allocated during the call (outputs and per-batch copies)
   but not torch's own allocations.

The goal: the peak RSS during the call, measured from the RSS before the
input existed, stays under the input's size plus 300 MB.

Run from the repository root::

    python benchmarks/memory.py                  # 2,000,000 rows
    python benchmarks/memory.py --n-rows 200000

``--package-root`` imports ``mcdd_sklearn`` from another folder, for example
an older version extracted with ``git archive``, to compare before and after.
"""

import argparse
import gc
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
METHODS = ("predict", "predict_proba", "decision_function", "score_samples")
N_FEATURES = 48
BUDGET_OVER_INPUT_MB = 300
MB = 1e6


def _status_kib(field):
    """Read one ``kB`` field of /proc/self/status, such as ``VmRSS``."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/self/status")


def _reset_peak_rss():
    """Set the kernel's peak RSS (VmHWM) of this process to its current RSS."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def measure_method(method, n_rows, data_dir):
    """Fit a small classifier, then measure ``method`` on ``n_rows`` rows (child process)."""
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from mcdd_sklearn import MCDDClassifier
    from speed import load_sensorless_resampled

    X_train, y_train = load_sensorless_resampled(2000, data_dir=data_dir)
    clf = MCDDClassifier(max_epochs=2, random_state=0).fit(X_train, y_train)
    score = getattr(clf, method)

    gc.collect()
    rss_without_input = _status_kib("VmRSS") * 1024
    X = np.random.default_rng(0).standard_normal((n_rows, N_FEATURES))
    score(X[:1000])
    gc.collect()
    rss_before = _status_kib("VmRSS") * 1024

    _reset_peak_rss()
    start = time.perf_counter()
    output = score(X)
    seconds = time.perf_counter() - start
    peak_rss = _status_kib("VmHWM") * 1024
    output_bytes = output.nbytes
    del output
    gc.collect()

    tracemalloc.start()
    score(X)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    return {
        "method": method,
        "seconds": seconds,
        "input_mb": X.nbytes / MB,
        "output_mb": output_bytes / MB,
        "rss_increase_mb": (peak_rss - rss_before) / MB,
        "peak_over_baseline_mb": (peak_rss - rss_without_input) / MB,
        "tracemalloc_peak_mb": traced_peak / MB,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-rows", type=int, default=2_000_000, help="rows to score")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--data-dir", default=None,
                        help="folder with sensorless_drive_subset.npz")
    parser.add_argument("--package-root", default=str(REPO_ROOT),
                        help="folder to import mcdd_sklearn from")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        sys.path.insert(0, args.package_root)
        print(json.dumps(measure_method(args.child, args.n_rows, args.data_dir)))
        return

    print(f"scoring {args.n_rows:,} rows x {N_FEATURES} features (float64), "
          f"mcdd_sklearn from {args.package_root}")
    header = (f"{'method':<18} {'time s':>7} {'input MB':>9} {'output MB':>9} "
              f"{'RSS +MB':>8} {'peak-base MB':>12} {'budget MB':>9} {'numpy MB':>9}")
    print(header)
    for method in args.methods:
        command = [sys.executable, __file__, "--child", method,
                   "--n-rows", str(args.n_rows), "--package-root", args.package_root]
        if args.data_dir:
            command += ["--data-dir", args.data_dir]
        completed = subprocess.run(command, capture_output=True, text=True, check=True)
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        budget = result["input_mb"] + BUDGET_OVER_INPUT_MB
        verdict = "ok" if result["peak_over_baseline_mb"] < budget else "OVER BUDGET"
        print(f"{method:<18} {result['seconds']:7.1f} {result['input_mb']:9.0f} "
              f"{result['output_mb']:9.0f} {result['rss_increase_mb']:8.0f} "
              f"{result['peak_over_baseline_mb']:12.0f} {budget:9.0f} "
              f"{result['tracemalloc_peak_mb']:9.1f}  {verdict}")
    print("\nRSS +MB: peak RSS during the call minus RSS just before it (input loaded).")
    print("peak-base MB: peak RSS during the call minus RSS before the input existed;")
    print(f"  the goal is peak-base < budget = input + {BUDGET_OVER_INPUT_MB} MB.")
    print("numpy MB: tracemalloc peak of a second call (numpy arrays only).")


if __name__ == "__main__":
    main()
