"""Benchmark MCDDClassifier against common OOD baselines on multi-class tables.

Protocol
--------
For each data set, each class in turn is held out as OOD. The remaining (ID)
classes are split into stratified folds. For every fold:

1. features are standardised with a StandardScaler fitted on the training
   fold only, and the same scaler is applied to the test fold and to the
   held-out class;
2. every method is trained on the training fold (classifiers with labels,
   outlier detectors without);
3. ID accuracy is measured on the test fold (classifiers only);
4. the OOD metrics (AUROC, AUPR-In, AUPR-Out, TNR at TPR 85% and 95% with ID
   as positive, detection accuracy) compare the test-fold ID rows with all
   rows of the held-out class.

Nothing is tuned on the test fold: every method trains for a fixed budget
with fixed settings, and the last epoch is the one evaluated.

``--folds 1`` means one stratified 80/20 split instead of k-fold; with
``--folds k`` (k >= 2) each test fold contains 1/k of the ID rows.

Small classes
-------------
- As OOD: a held-out class with fewer than ``--min-ood-rows`` rows (default
  20) is skipped with a printed note, because its metrics would rest on a
  handful of rows (shuttle classes 6 and 7, with 10 and 13 rows). Classes
  with more rows are kept; the ``n_ood`` column shows how many rows each
  result rests on (shuttle class 2 has 50).
- As ID: a class with fewer rows than the stratification needs (``folds``
  rows, and at least 2) goes entirely into every training fold, so it is
  still learnt but never tested. The other classes are stratified as usual.

Methods
-------
``mcdd``
    ``MCDDClassifier`` with default parameters; OOD score
    ``decision_function``.
``mcdd_reference``
    The Deep-MCDD reference recipe: hidden layers (128, 128), latent 128,
    Adam 1e-3, batch 200, 10 epochs, reg_lambda 1.
``msp``, ``energy``, ``mahalanobis``
    One softmax MLP of the same size, trained with cross-entropy for the
    same number of epochs as ``mcdd``. Three methods score it: maximum
    softmax probability, energy (-logsumexp of the logits) and the minimum
    Mahalanobis distance on its penultimate features (class means, pooled
    covariance). The network is trained once per fold and shared, and its
    training time is reported in the ``fit_seconds`` of all three.
``iforest``, ``lof``, ``ocsvm``
    scikit-learn's IsolationForest, LocalOutlierFactor(novelty=True) and
    OneClassSVM with default parameters, fitted on a subsample of at most
    ``_baselines.SUBSAMPLE_LIMITS`` training rows (LOF 10,000, OneClassSVM
    2,000); the ``n_fit_rows`` column records the rows used.
``ecod``, ``knn``, ``deepsvdd``
    PyOD's detectors (KNN subsampled to 10,000 rows, DeepSVDD to 5,000 rows
    and 20 epochs of batch 64). They are skipped with a note when ``pyod``
    cannot be imported.

Outputs in ``--output-dir``: ``results.csv`` (one row per data set, held-out
class, fold and method, rewritten after every row), ``summary.md`` (mean and
standard deviation over held-out classes and folds) and ``auroc.png``.
``--from-csv`` rebuilds the summary and the plot from earlier CSV files
without running anything, for example to combine a rerun of some methods
with an earlier run of the others.

Run from the repository root, for example::

    python benchmarks/ood_benchmark.py --data-home ../shared/data \
        --datasets segmentation satimage --folds 5 --output-dir results/ood
"""

import argparse
import os
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baselines import MLPBaseline, make_detector, pyod_available  # noqa: E402

from mcdd_sklearn import MCDDClassifier  # noqa: E402
from mcdd_sklearn.datasets import load_dataset  # noqa: E402
from mcdd_sklearn.metrics import ood_report  # noqa: E402

SHARED_DATASETS = (
    "shuttle", "gas_drift", "sensorless_drive", "mnist", "letter",
    "satimage", "pendigits", "optdigits", "segmentation",
)
MLP_METHODS = ("msp", "energy", "mahalanobis")
DETECTOR_METHODS = ("iforest", "lof", "ocsvm")
PYOD_METHODS = ("ecod", "knn", "deepsvdd")
ALL_METHODS = ("mcdd", "mcdd_reference", *MLP_METHODS, *DETECTOR_METHODS, *PYOD_METHODS)

REFERENCE_RECIPE = {
    "hidden_layer_sizes": (128, 128),
    "latent_dim": 128,
    "learning_rate": 1e-3,
    "batch_size": 200,
    "max_epochs": 10,
    "reg_lambda": 1.0,
}

METRIC_COLUMNS = (
    "AUROC", "AUPR-In", "AUPR-Out", "TNR@TPR85", "TNR@TPR95", "detection_accuracy",
)
CSV_COLUMNS = (
    "dataset", "held_out", "fold", "method", "n_train", "n_test_id", "n_ood",
    "n_fit_rows", "accuracy", *METRIC_COLUMNS, "fit_seconds", "score_seconds",
)


# --------------------------------------------------------------------------
# Splits
# --------------------------------------------------------------------------


def choose_held_out(y, *, max_held_out=None, min_ood_rows=20, seed=0):
    """Choose the classes to hold out in turn, skipping classes that are too small.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class labels.
    max_held_out : int or None, default=None
        If set and smaller than the number of eligible classes, pick this
        many of them at random (seeded) instead of all.
    min_ood_rows : int, default=20
        Classes with fewer rows are never held out.
    seed : int, default=0
        Seed of the random pick.

    Returns
    -------
    held_out : list
        Classes to hold out, in sorted order.
    skipped : list of tuple
        ``(class, n_rows)`` for each class skipped as too small.
    """
    classes, counts = np.unique(y, return_counts=True)
    eligible = classes[counts >= min_ood_rows]
    skipped = [(c, int(n)) for c, n in zip(classes, counts) if n < min_ood_rows]
    if max_held_out is not None and max_held_out < len(eligible):
        rng = np.random.default_rng(seed)
        eligible = np.sort(rng.choice(eligible, size=max_held_out, replace=False))
    return eligible.tolist(), skipped


def split_folds(y, *, n_folds=5, seed=0):
    """Return stratified ``(train_index, test_index)`` pairs for the ID rows.

    ``n_folds=1`` gives one stratified 80/20 split. Classes with fewer rows
    than the stratification needs (``max(n_folds, 2)``) go entirely into
    every training fold, so they are learnt but never tested.
    """
    classes, counts = np.unique(y, return_counts=True)
    rare = classes[counts < max(n_folds, 2)]
    always_train = np.flatnonzero(np.isin(y, rare))
    splittable = np.flatnonzero(~np.isin(y, rare))

    if n_folds == 1:
        train, test = train_test_split(
            splittable, test_size=0.2, random_state=seed, stratify=y[splittable]
        )
        pairs = [(train, test)]
    else:
        kfold = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        pairs = [
            (splittable[train], splittable[test])
            for train, test in kfold.split(splittable, y[splittable])
        ]
    return [(np.sort(np.r_[train, always_train]), np.sort(test)) for train, test in pairs]


# --------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def _mcdd_results(params, X_train, y_train, X_test, y_test, X_ood):
    clf = MCDDClassifier(**params)
    _, fit_seconds = _timed(clf.fit, X_train, y_train)
    start = time.perf_counter()
    accuracy = clf.score(X_test, y_test)
    id_scores = clf.decision_function(X_test)
    ood_scores = clf.decision_function(X_ood)
    score_seconds = time.perf_counter() - start
    return {
        "accuracy": accuracy, "id_scores": id_scores, "ood_scores": ood_scores,
        "n_fit_rows": len(X_train), "fit_seconds": fit_seconds,
        "score_seconds": score_seconds,
    }


def _mlp_results(mlp_params, X_train, y_train, X_test, y_test, X_ood):
    """Train one softmax MLP and return the results of all three MLP scores."""
    mlp = MLPBaseline(**mlp_params)
    _, fit_seconds = _timed(mlp.fit, X_train, y_train)
    start = time.perf_counter()
    accuracy = float(np.mean(mlp.predict(X_test) == y_test))
    id_scores = mlp.ood_scores(X_test)
    ood_scores = mlp.ood_scores(X_ood)
    score_seconds = time.perf_counter() - start
    return {
        name: {
            "accuracy": accuracy, "id_scores": id_scores[name],
            "ood_scores": ood_scores[name], "n_fit_rows": len(X_train),
            "fit_seconds": fit_seconds, "score_seconds": score_seconds,
        }
        for name in MLP_METHODS
    }


def _detector_results(name, seed, X_train, X_test, X_ood):
    detector = make_detector(name, n_features=X_train.shape[1], seed=seed)
    _, fit_seconds = _timed(detector.fit, X_train)
    start = time.perf_counter()
    id_scores = detector.ood_scores(X_test)
    ood_scores = detector.ood_scores(X_ood)
    score_seconds = time.perf_counter() - start
    return {
        "accuracy": np.nan, "id_scores": id_scores, "ood_scores": ood_scores,
        "n_fit_rows": detector.n_fit_rows_, "fit_seconds": fit_seconds,
        "score_seconds": score_seconds,
    }


def iter_method_results(methods, X_train, y_train, X_test, y_test, X_ood, *,
                        seed=0, mcdd_params=None, mlp_params=None):
    """Fit each method on one fold and yield ``(method, result)`` as each finishes.

    ``result`` contains ``accuracy`` (NaN for unsupervised detectors),
    ``id_scores`` and ``ood_scores`` (higher = more OOD), ``n_fit_rows``,
    ``fit_seconds`` and ``score_seconds``. ``mcdd_params`` are extra
    MCDDClassifier parameters for the ``mcdd`` method; ``mlp_params`` are
    extra MLPBaseline parameters.
    """
    data = (X_train, y_train, X_test, y_test, X_ood)
    mlp_cache = None
    for method in methods:
        if method == "mcdd":
            params = {"random_state": seed, **(mcdd_params or {})}
            yield method, _mcdd_results(params, *data)
        elif method == "mcdd_reference":
            yield method, _mcdd_results({**REFERENCE_RECIPE, "random_state": seed}, *data)
        elif method in MLP_METHODS:
            if mlp_cache is None:
                mlp_cache = _mlp_results({"random_state": seed, **(mlp_params or {})}, *data)
            yield method, mlp_cache[method]
        else:
            yield method, _detector_results(method, seed, X_train, X_test, X_ood)


# --------------------------------------------------------------------------
# Benchmark loop
# --------------------------------------------------------------------------


class Progress:
    """Print one line per finished task with the elapsed time and an estimate of the time left."""

    def __init__(self, n_tasks, stream=None):
        self.n_tasks = n_tasks
        self.n_done = 0
        self.start = time.perf_counter()
        self.stream = sys.stdout if stream is None else stream

    def update(self, message):
        self.n_done += 1
        elapsed = time.perf_counter() - self.start
        left = elapsed / self.n_done * (self.n_tasks - self.n_done)
        print(f"[{self.n_done:4d}/{self.n_tasks}] {_clock(elapsed)} elapsed, "
              f"~{_clock(left)} left | {message}", file=self.stream, flush=True)


def _clock(seconds):
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{seconds:02d}"


def run_benchmark(datasets, *, methods=ALL_METHODS, n_folds=5, max_held_out=None,
                  min_ood_rows=20, data_home=None, seed=0, mcdd_params=None,
                  mlp_params=None, csv_path=None, stream=None):
    """Run the protocol on each data set and return one row per run as a DataFrame.

    Parameters
    ----------
    datasets : sequence of str
        Names accepted by :func:`mcdd_sklearn.datasets.load_dataset`.
    methods : sequence of str, default=ALL_METHODS
        Methods to run, in order; see the module docstring.
    n_folds : int, default=5
        Number of stratified folds of the ID rows; 1 means one 80/20 split.
    max_held_out : int or None, default=None
        Maximum number of held-out classes per data set, picked at random
        (seeded) among the eligible ones; None holds out every eligible class.
    min_ood_rows : int, default=20
        Classes with fewer rows are not held out.
    data_home : str or path-like, default=None
        Folder of the local data copies. Nothing is downloaded.
    seed : int, default=0
        Seed of the splits, the held-out pick and every method.
    mcdd_params, mlp_params : dict or None, default=None
        Extra parameters for the ``mcdd`` method and the softmax MLP.
    csv_path : path-like or None, default=None
        If set, the rows are written there after every run.
    stream : file-like, default=sys.stdout
        Where progress lines go.

    Returns
    -------
    pandas.DataFrame
        One row per data set, held-out class, fold and method, with the
        columns in ``CSV_COLUMNS``.
    """
    plans = []
    for name in datasets:
        X, y = load_dataset(name, data_home=data_home, return_X_y=True,
                            download_if_missing=False)
        held_out, skipped = choose_held_out(
            y, max_held_out=max_held_out, min_ood_rows=min_ood_rows, seed=seed
        )
        for label, n_rows in skipped:
            print(f"{name}: class {label} has {n_rows} rows (< {min_ood_rows}), "
                  f"so it is not held out as OOD; it stays an ID class.",
                  file=stream, flush=True)
        plans.append((name, np.asarray(X), np.asarray(y), held_out))

    n_tasks = sum(len(held_out) for *_, held_out in plans) * n_folds * len(methods)
    progress = Progress(n_tasks, stream=stream)
    rows = []
    for name, X, y, held_out in plans:
        for label in held_out:
            is_ood = y == label
            X_id, y_id, X_ood_raw = X[~is_ood], y[~is_ood], X[is_ood]
            for fold, (train, test) in enumerate(split_folds(y_id, n_folds=n_folds, seed=seed)):
                scaler = StandardScaler().fit(X_id[train])
                X_train = scaler.transform(X_id[train])
                X_test = scaler.transform(X_id[test])
                X_ood = scaler.transform(X_ood_raw)
                results = iter_method_results(
                    methods, X_train, y_id[train], X_test, y_id[test], X_ood,
                    seed=seed, mcdd_params=mcdd_params, mlp_params=mlp_params,
                )
                for method, result in results:
                    report = ood_report(result["id_scores"], result["ood_scores"],
                                        higher_is_ood=True)
                    row = {
                        "dataset": name, "held_out": label, "fold": fold,
                        "method": method, "n_train": len(train),
                        "n_test_id": len(test), "n_ood": int(is_ood.sum()),
                        "n_fit_rows": result["n_fit_rows"],
                        "accuracy": result["accuracy"],
                        **{key: report[key] for key in METRIC_COLUMNS},
                        "fit_seconds": result["fit_seconds"],
                        "score_seconds": result["score_seconds"],
                    }
                    rows.append(row)
                    if csv_path is not None:
                        pd.DataFrame(rows, columns=CSV_COLUMNS).to_csv(csv_path, index=False)
                    progress.update(
                        f"{name} held out {label} fold {fold} {method}: "
                        f"AUROC {row['AUROC']:.3f} TNR@95 {row['TNR@TPR95']:.3f} "
                        f"({row['fit_seconds'] + row['score_seconds']:.1f} s)"
                    )
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


# --------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------


def summary_tables(results, metrics=("AUROC", "TNR@TPR95")):
    """Return {metric: DataFrame of "mean ± std"} with data sets as rows and methods as columns.

    The mean and std are over held-out classes and folds. A last row
    ``mean`` averages the per-data-set means, so each data set weighs the
    same. The best mean per row is in bold.
    """
    methods = list(dict.fromkeys(results["method"]))
    datasets = list(dict.fromkeys(results["dataset"]))
    tables = {}
    for metric in metrics:
        grouped = results.groupby(["dataset", "method"])[metric]
        means = grouped.mean().unstack("method").reindex(index=datasets, columns=methods)
        stds = grouped.std(ddof=0).unstack("method").reindex(index=datasets, columns=methods)
        cells = means.map(lambda v: f"{v:.3f}") + " ± " + stds.map(lambda v: f"{v:.3f}")
        overall = means.mean(axis=0)
        cells.loc["mean"] = overall.map(lambda v: f"{v:.3f}")
        for index, row_means in list(means.iterrows()) + [("mean", overall)]:
            if row_means.notna().any():
                best = row_means.idxmax()
                cells.loc[index, best] = f"**{cells.loc[index, best]}**"
        tables[metric] = cells
    return tables


def timing_table(results):
    """Return total and mean fit + score seconds per method."""
    seconds = results["fit_seconds"] + results["score_seconds"]
    # The three MLP scores share one training run, so count it once.
    shared = results["method"].isin(MLP_METHODS[1:])
    seconds = seconds.where(~shared, results["score_seconds"])
    table = seconds.groupby(results["method"]).agg(["sum", "mean"])
    table.columns = ["total seconds", "mean seconds per run"]
    return table.reindex(list(dict.fromkeys(results["method"]))).round(1)


def write_markdown(results, path):
    """Write the summary tables for all metrics and the timings to ``path``."""
    metrics = ("AUROC", "TNR@TPR95", "TNR@TPR85", "detection_accuracy",
               "AUPR-In", "AUPR-Out", "accuracy")
    parts = []
    for metric, table in summary_tables(results, metrics).items():
        parts.append(f"### {metric} (mean ± std over held-out classes and folds)\n")
        parts.append(table.to_markdown() + "\n")
    parts.append("### Wall time per method (seconds, fit + score)\n")
    parts.append(timing_table(results).to_markdown() + "\n")
    Path(path).write_text("\n".join(parts))


def plot_auroc(results, path):
    """Save a grouped bar chart of the mean AUROC per data set and method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = list(dict.fromkeys(results["method"]))
    datasets = list(dict.fromkeys(results["dataset"]))
    grouped = results.groupby(["dataset", "method"])["AUROC"]
    means = grouped.mean().unstack("method").reindex(index=datasets, columns=methods)
    stds = grouped.std(ddof=0).unstack("method").reindex(index=datasets, columns=methods)

    fig, ax = plt.subplots(figsize=(max(8, 1.3 * len(datasets)), 5))
    width = 0.8 / len(methods)
    positions = np.arange(len(datasets))
    # tab20 has enough distinct colours for all eleven methods.
    colors = plt.get_cmap("tab20").colors
    for i, method in enumerate(methods):
        ax.bar(positions + i * width - 0.4 + width / 2, means[method], width,
               yerr=stds[method], label=method, color=colors[i % len(colors)],
               capsize=1.5, error_kw={"lw": 0.6})
    ax.axhline(0.5, color="grey", lw=0.8, ls="--")
    ax.set_xticks(positions, datasets, rotation=20)
    ax.set_ylim(0.0, 1.0)
    ax.set_ylabel("AUROC (held-out class vs ID test rows)")
    ax.legend(ncol=6, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def merge_results(frames):
    """Concatenate result tables; a later row replaces an earlier one of the same run.

    A run is identified by data set, held-out class, fold and method. Rows
    keep the order of their first appearance.
    """
    keys = ["dataset", "held_out", "fold", "method"]
    combined = pd.concat(frames, ignore_index=True)
    first_position = combined.drop_duplicates(keys, keep="first")[keys]
    latest = combined.drop_duplicates(keys, keep="last")
    return first_position.merge(latest, on=keys, how="left")[list(combined.columns)]


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(SHARED_DATASETS),
                        help="data set names (default: the nine shared UCI tables)")
    parser.add_argument("--folds", type=int, default=5,
                        help="stratified folds of the ID rows; 1 means one 80/20 split "
                             "(default: %(default)s)")
    parser.add_argument("--methods", nargs="+", default=list(ALL_METHODS),
                        choices=ALL_METHODS, metavar="METHOD",
                        help=f"methods to run, from {', '.join(ALL_METHODS)} (default: all)")
    parser.add_argument("--data-home",
                        default=os.environ.get("MCDD_SKLEARN_DATA", "../shared/data"),
                        help="folder with the local data copies; nothing is downloaded "
                             "(default: %(default)s)")
    parser.add_argument("--held-out", type=int, default=None,
                        help="maximum number of held-out classes per data set, picked at "
                             "random with --seed (default: every class)")
    parser.add_argument("--min-ood-rows", type=int, default=20,
                        help="classes with fewer rows are not held out (default: %(default)s)")
    parser.add_argument("--max-epochs", default=None,
                        help="override the epochs of mcdd and the softmax MLP, an integer "
                             "or 'auto' (default: MCDDClassifier's default)")
    parser.add_argument("--mcdd-params", type=json.loads, default=None,
                        help='extra MCDDClassifier parameters for "mcdd" as JSON, '
                             'e.g. \'{"reg_lambda": 0.1}\'')
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch and BLAS threads (default: %(default)s)")
    parser.add_argument("--output-dir", type=Path, default=Path("benchmarks/results/ood"),
                        help="folder for results.csv, summary.md and auroc.png "
                             "(default: %(default)s)")
    parser.add_argument("--from-csv", type=Path, nargs="+", default=None, metavar="CSV",
                        help="run nothing, and write summary.md and auroc.png from these "
                             "results.csv files; for the same data set, held-out class, fold "
                             "and method, a row of a later file replaces one of an earlier file")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    methods = list(dict.fromkeys(args.methods))
    if not pyod_available() and any(m in PYOD_METHODS for m in methods):
        print(f"pyod is not installed, so {', '.join(PYOD_METHODS)} are skipped; "
              "install it with `pip install pyod` to include them.", flush=True)
        methods = [m for m in methods if m not in PYOD_METHODS]

    mcdd_params = dict(args.mcdd_params or {})
    mlp_params = {}
    if args.max_epochs is not None:
        epochs = args.max_epochs if args.max_epochs == "auto" else int(args.max_epochs)
        mcdd_params.setdefault("max_epochs", epochs)
        mlp_params["max_epochs"] = epochs

    args.output_dir.mkdir(parents=True, exist_ok=True)
    if args.from_csv is not None:
        results = merge_results([pd.read_csv(path) for path in args.from_csv])
        results.to_csv(args.output_dir / "results.csv", index=False)
    else:
        torch.set_num_threads(args.threads)
        with threadpool_limits(limits=args.threads):
            results = run_benchmark(
                args.datasets, methods=methods, n_folds=args.folds,
                max_held_out=args.held_out, min_ood_rows=args.min_ood_rows,
                data_home=args.data_home, seed=args.seed, mcdd_params=mcdd_params,
                mlp_params=mlp_params, csv_path=args.output_dir / "results.csv",
            )
    write_markdown(results, args.output_dir / "summary.md")
    plot_auroc(results, args.output_dir / "auroc.png")
    print((args.output_dir / "summary.md").read_text())
    return results


if __name__ == "__main__":
    main()
