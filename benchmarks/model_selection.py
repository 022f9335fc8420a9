"""Which reg_lambda each model-selection route picks, and what outlier exposure adds.

For each data set two classes are taken out of the ID data: a "seen" OOD
class, whose rows join the development data under the label -1, and an
"unseen" OOD class, used only for the final evaluation. The ID classes are
split 70/30 (stratified, seeded) into development and test rows.

On the development data, a 3-fold ``StratifiedKFold`` (which keeps the -1
rows in every fold) scores each reg_lambda of the grid with:

- ``real OOD``: ``ood_auroc_scorer``, the AUROC of the validation ID rows
  against the validation rows of the seen OOD class;
- ``permute``: ``make_synthetic_ood_scorer(kind="permute")``, the AUROC of
  the validation ID rows against the same rows with each column shuffled;
- ``uniform``: ``make_synthetic_ood_scorer(kind="uniform")``, against rows
  drawn uniformly from the feature ranges widened by half the range;
- ``accuracy``: the ID accuracy (``MCDDClassifier.score``), the default of
  ``GridSearchCV``.

Each route picks the reg_lambda with the best mean score. Then every
reg_lambda is refitted on all the development data, with and without
outlier exposure on the seen OOD rows. Each refit is scored on the test ID
rows against the unseen OOD class (``test AUROC``), which is the target
that the routes try to predict.

Run from the repository root, with ``DATA_DIR`` a folder of the ``.npz``
copies that ``load_dataset`` reads::

    python benchmarks/model_selection.py --data-home DATA_DIR

The other mode measures the acceptance rate of ``threshold_`` on held-out
ID rows with the default parameters::

    python benchmarks/model_selection.py acceptance --data-home DATA_DIR
"""

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier
from mcdd_sklearn.datasets import load_dataset
from mcdd_sklearn.metrics import auroc
from mcdd_sklearn.scorers import make_synthetic_ood_scorer, ood_auroc_scorer

OOD = -1
# Seen and unseen OOD class per data set, in the data set's label codes.
HELD_OUT = {
    "segmentation": (5, 2),  # SKY seen, FOLIAGE unseen
    "satimage": (2, 4),  # cotton crop seen, damp grey soil unseen
    "optdigits": (3, 7),
}
ROUTES = {
    "real OOD": ood_auroc_scorer,
    "permute": make_synthetic_ood_scorer(kind="permute"),
    "uniform": make_synthetic_ood_scorer(kind="uniform"),
    "accuracy": lambda estimator, X, y: estimator.score(X, y),
}


def make_model(reg_lambda, max_epochs, outlier_exposure=0.0):
    """Return the StandardScaler + MCDDClassifier pipeline of one grid point."""
    return make_pipeline(
        StandardScaler(),
        MCDDClassifier(
            reg_lambda=reg_lambda,
            max_epochs=max_epochs,
            ood_label=OOD,
            outlier_exposure=outlier_exposure,
            n_threads=1,
            random_state=0,
        ),
    )


def split_data(X, y, seen, unseen, seed):
    """Return the development set (ID + seen OOD as -1) and the test set."""
    is_id = ~np.isin(y, [seen, unseen])
    X_dev, X_test, y_dev, _ = train_test_split(
        X[is_id], y[is_id], test_size=0.3, random_state=seed, stratify=y[is_id]
    )
    X_dev = np.r_[X_dev, X[y == seen]]
    y_dev = np.r_[y_dev, np.full((y == seen).sum(), OOD)]
    return X_dev, y_dev, X_test, X[y == unseen]


def run_dataset(name, data_home, grid, max_epochs, seed):
    """Return one row per reg_lambda: CV scores of each route and test AUROCs."""
    X, y = load_dataset(name, data_home=data_home, return_X_y=True)
    seen, unseen = HELD_OUT[name]
    X_dev, y_dev, X_test, X_unseen = split_data(X, y, seen, unseen, seed)
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    is_unseen = np.r_[np.zeros(len(X_test)), np.ones(len(X_unseen))]

    rows = []
    for reg_lambda in grid:
        start = time.perf_counter()
        cv_result = cross_validate(
            make_model(reg_lambda, max_epochs), X_dev, y_dev, cv=cv, scoring=ROUTES
        )
        row = {"dataset": name, "reg_lambda": reg_lambda}
        for route in ROUTES:
            row[route] = cv_result[f"test_{route}"].mean()

        for label, weight in (("test AUROC", 0.0), ("test AUROC, OE", 1.0)):
            model = make_model(reg_lambda, max_epochs, outlier_exposure=weight)
            model.fit(X_dev, y_dev)
            scores = model.decision_function(np.r_[X_test, X_unseen])
            row[label] = auroc(is_unseen, scores)
        row["seconds"] = time.perf_counter() - start
        rows.append(row)
        print(pd.DataFrame([row]).to_string(index=False, header=len(rows) == 1), flush=True)
    return pd.DataFrame(rows)


def summarize(results):
    """Return, per data set, the reg_lambda that each route picks."""
    picks = []
    for name, table in results.groupby("dataset", sort=False):
        pick = {"dataset": name}
        for column in [*ROUTES, "test AUROC", "test AUROC, OE"]:
            pick[column] = table.loc[table[column].idxmax(), "reg_lambda"]
        picks.append(pick)
    return pd.DataFrame(picks)


def run_acceptance(data_home, names, seed):
    """Print the accepted fraction of held-out ID rows with default parameters."""
    for name in names:
        X, y = load_dataset(name, data_home=data_home, return_X_y=True)
        X_train, X_test, y_train, _ = train_test_split(
            X, y, test_size=0.25, random_state=seed, stratify=y
        )
        start = time.perf_counter()
        model = make_pipeline(
            StandardScaler(), MCDDClassifier(n_threads=1, random_state=seed)
        ).fit(X_train, y_train)
        clf = model[-1]
        accepted = np.mean(clf.predict_ood(model[:-1].transform(X_test)) == 1)
        n_holdout = int(np.ceil(clf.validation_fraction * len(X_train)))
        print(
            f"{name}: target {clf.id_acceptance:.2f}, accepted {accepted:.4f} of "
            f"{len(X_test)} test ID rows (threshold from about {n_holdout} "
            f"held-out rows, {time.perf_counter() - start:.0f} s)",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="selection", choices=["selection", "acceptance"])
    parser.add_argument("--data-home", required=True, help="folder of the .npz copies")
    parser.add_argument(
        "--datasets", nargs="+", default=None, help="data sets (default: all of the mode)"
    )
    parser.add_argument("--grid", nargs="+", type=float, default=[0.01, 1.0, 100.0])
    parser.add_argument("--max-epochs", type=int, default=50, help="epochs per fit")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    if args.mode == "acceptance":
        run_acceptance(args.data_home, args.datasets or ["shuttle", "satimage"], args.seed)
        return

    results = pd.concat(
        [
            run_dataset(name, args.data_home, args.grid, args.max_epochs, args.seed)
            for name in args.datasets or list(HELD_OUT)
        ]
    )
    print()
    print(results.round(4).to_markdown(index=False))
    print()
    print(summarize(results).to_markdown(index=False))


if __name__ == "__main__":
    main()
