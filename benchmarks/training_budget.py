"""Compare training budgets of MCDDClassifier on the shared UCI tables.

For each data set, a few classes are held out in turn as OOD. The other
classes are split 80/20 (stratified, seeded); features are standardised on the
training part. Each budget trains on the same split and reports ID accuracy,
OOD AUROC and TNR at TPR 95% (ID as positive) on the test part versus the
held-out class.

Budgets compared:
- ``reference``: the Deep-MCDD reference recipe, 10 epochs;
- ``fixed100``: 100 epochs whatever the table size;
- ``auto``: the default ``max_epochs="auto"`` (about 3,000 gradient updates,
  kept between 10 and 100 epochs);
- ``auto_cap200``: an earlier candidate, about 3,000 gradient updates kept
  between 10 and 200 epochs;
- ``early_stopping``: at most 200 epochs, stopped when the loss on a
  stratified 10% of the training rows has not improved for 10 epochs.

Run from the repository root, for example::

    python benchmarks/training_budget.py --data-home ../shared/data \
        --output benchmarks/results/training_budget.csv
"""

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier
from mcdd_sklearn.datasets import load_dataset
from mcdd_sklearn.metrics import auroc, tnr_at_tpr

DEFAULT_DATASETS = (
    "digits", "segmentation", "sensorless_drive", "satimage", "optdigits",
    "pendigits", "letter", "gas_drift", "shuttle", "mnist",
)
BUDGETS = {
    "reference": 10,
    "fixed100": 100,
    "auto": "auto",
    "auto_cap200": "auto_cap200",
    "early_stopping": 200,
}


def resolve_max_epochs(budget, n_train, batch_size=200):
    """Return the ``max_epochs`` value that ``budget`` gives for ``n_train`` rows."""
    max_epochs = BUDGETS[budget]
    if max_epochs != "auto_cap200":
        return max_epochs
    batches_per_epoch = -(-n_train // batch_size)
    return min(200, max(10, -(-3000 // batches_per_epoch)))


def held_out_classes(y, n_held_out, seed):
    """Pick ``n_held_out`` classes at random (seeded) to hold out in turn."""
    classes = np.unique(y)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(classes, size=min(n_held_out, len(classes)), replace=False))


def evaluate(X, y, held_out, budget, seed):
    """Train on the ID classes and score ID test rows against the held-out class."""
    is_id = y != held_out
    X_train, X_test, y_train, y_test = train_test_split(
        X[is_id], y[is_id], test_size=0.2, random_state=seed, stratify=y[is_id]
    )
    scaler = StandardScaler().fit(X_train)
    max_epochs = resolve_max_epochs(budget, len(y_train))
    # id_acceptance=None trains on every ID training row, so the budgets are
    # compared without the 10% that the default holds out for threshold_.
    clf = MCDDClassifier(
        max_epochs=max_epochs,
        early_stopping=budget == "early_stopping",
        id_acceptance=None,
        random_state=seed,
    )
    start = time.perf_counter()
    clf.fit(scaler.transform(X_train), y_train)
    fit_seconds = time.perf_counter() - start

    id_scores = clf.decision_function(scaler.transform(X_test))
    ood_scores = clf.decision_function(scaler.transform(X[~is_id]))
    is_ood = np.r_[np.zeros(len(id_scores)), np.ones(len(ood_scores))]
    scores = np.r_[id_scores, ood_scores]
    return {
        "accuracy": clf.score(scaler.transform(X_test), y_test),
        "AUROC": auroc(is_ood, scores),
        "TNR@TPR95": tnr_at_tpr(is_ood, scores, tpr=0.95),
        "epochs": clf.n_epochs_,
        "fit_seconds": fit_seconds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-home",
                        default=os.environ.get("MCDD_SKLEARN_DATA", "../shared/data"),
                        help="folder with the offline .npz copies (default: %(default)s)")
    parser.add_argument("--datasets", nargs="+", default=list(DEFAULT_DATASETS),
                        help="data set names (default: all shared tables and digits)")
    parser.add_argument("--held-out", type=int, default=3,
                        help="number of classes held out in turn per data set (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--budgets", nargs="+", default=["reference", "fixed100", "auto"],
                        choices=list(BUDGETS),
                        help="budgets to compare (default: reference fixed100 auto)")
    parser.add_argument("--output", type=Path, default=None, help="CSV file for the per-run rows")
    args = parser.parse_args()

    rows = []
    for name in args.datasets:
        X, y = load_dataset(name, data_home=args.data_home, return_X_y=True,
                            download_if_missing=False)
        for held_out in held_out_classes(y, args.held_out, args.seed):
            for budget in args.budgets:
                result = evaluate(X, y, held_out, budget, args.seed)
                rows.append({"dataset": name, "held_out": held_out, "budget": budget, **result})
                print(f"{name:17s} held out {held_out!s:>3s} {budget:9s} "
                      f"acc {result['accuracy']:.3f} AUROC {result['AUROC']:.3f} "
                      f"TNR@95 {result['TNR@TPR95']:.3f} epochs {result['epochs']:3d} "
                      f"{result['fit_seconds']:6.1f} s", flush=True)
                if args.output is not None:
                    args.output.parent.mkdir(parents=True, exist_ok=True)
                    pd.DataFrame(rows).to_csv(args.output, index=False)

    means = pd.DataFrame(rows).groupby(["dataset", "budget"]).mean(numeric_only=True)
    for metric in ("accuracy", "AUROC", "TNR@TPR95", "epochs", "fit_seconds"):
        print(f"\nmean {metric} over the held-out classes")
        print(means[metric].unstack("budget")[args.budgets].round(3).to_string())


if __name__ == "__main__":
    main()
