"""Known OOD rows in y: ood_label, model selection on them and outlier exposure."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
)

from mcdd_sklearn import MCDDClassifier, metrics
from mcdd_sklearn.scorers import ood_auroc_scorer, ood_tnr_at_tpr95_scorer

OOD = -1
# A short, fixed budget: these tests check bookkeeping, not model quality.
FAST = {"max_epochs": 15, "random_state": 0}


@pytest.fixture(scope="module")
def wine_with_ood(wine):
    """Standardised wine with class 2 relabelled as the OOD label -1."""
    X, y = wine
    return X, np.where(y == 2, OOD, y)


def test_ood_rows_not_a_class(wine_with_ood):
    """classes_ excludes ood_label and predict never returns it."""
    X, y = wine_with_ood
    clf = MCDDClassifier(ood_label=OOD, **FAST).fit(X, y)
    assert_array_equal(clf.classes_, [0, 1])
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    assert clf.predict_proba(X).shape == (len(y), 2)


def test_ood_rows_never_trained_on(wine_with_ood):
    """Without outlier exposure, fitting with OOD rows equals fitting without them."""
    X, y = wine_with_ood
    is_id = y != OOD
    with_ood = MCDDClassifier(ood_label=OOD, **FAST).fit(X, y)
    id_only = MCDDClassifier(ood_label=OOD, **FAST).fit(X[is_id], y[is_id])

    assert_allclose(with_ood.decision_function(X), id_only.decision_function(X))
    assert with_ood.threshold_ == pytest.approx(id_only.threshold_)


def test_default_keeps_negative_labels(wine):
    """With ood_label=None the labels {-1, +1} are both classes."""
    X, y = wine
    binary = np.where(y == 0, -1, 1)
    clf = MCDDClassifier(**FAST).fit(X, binary)
    assert_array_equal(clf.classes_, [-1, 1])


def test_string_ood_label(wine):
    """A string ood_label marks string rows; the other strings are classes."""
    X, y = wine
    names = np.array(["barolo", "grignolino", "unknown"])[y]
    clf = MCDDClassifier(ood_label="unknown", **FAST).fit(X, names)
    assert_array_equal(clf.classes_, ["barolo", "grignolino"])
    rejected = clf.predict_with_reject(X)
    assert set(np.unique(rejected)) <= {"barolo", "grignolino", "unknown"}


def test_one_class_besides_ood_raises(wine_with_ood):
    """Only one ID class (or none) raises with the count found."""
    X, y = wine_with_ood
    one_class = np.where(y == 1, OOD, y)
    with pytest.raises(ValueError, match="only one class: 0"):
        MCDDClassifier(ood_label=OOD, **FAST).fit(X, one_class)
    with pytest.raises(ValueError, match="no class, only rows labelled ood_label=-1"):
        MCDDClassifier(ood_label=OOD, **FAST).fit(X, np.full(len(y), OOD))


def test_score_ignores_ood_rows(wine_with_ood):
    """score is the accuracy on the ID rows only."""
    X, y = wine_with_ood
    clf = MCDDClassifier(ood_label=OOD, **FAST).fit(X, y)
    is_id = y != OOD
    expected = np.mean(clf.predict(X[is_id]) == y[is_id])
    assert clf.score(X, y) == pytest.approx(expected)
    assert clf.score(X, y) > 0.9


def test_cross_val_score_matches_manual_folds(wine_with_ood):
    """cross_val_score with the AUROC scorer equals a manual loop over the folds."""
    X, y = wine_with_ood
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    model = MCDDClassifier(ood_label=OOD, **FAST)
    scores = cross_val_score(model, X, y, cv=cv, scoring=ood_auroc_scorer)

    expected = []
    for train, test in cv.split(X, y):
        fitted = MCDDClassifier(ood_label=OOD, **FAST).fit(X[train], y[train])
        is_ood = (y[test] == OOD).astype(int)
        expected.append(metrics.auroc(is_ood, fitted.decision_function(X[test])))
    assert_allclose(scores, expected)
    assert scores.min() > 0.8


def test_grid_search_on_ood_scorers(wine_with_ood):
    """GridSearchCV refits on the reg_lambda with the best mean OOD AUROC."""
    X, y = wine_with_ood
    search = GridSearchCV(
        MCDDClassifier(ood_label=OOD, **FAST),
        {"reg_lambda": [0.1, 10.0]},
        cv=3,
        scoring={"auroc": ood_auroc_scorer, "tnr95": ood_tnr_at_tpr95_scorer},
        refit="auroc",
    ).fit(X, y)

    means = search.cv_results_["mean_test_auroc"]
    assert np.isfinite(means).all()
    assert np.isfinite(search.cv_results_["mean_test_tnr95"]).all()
    assert search.best_params_["reg_lambda"] == [0.1, 10.0][int(np.argmax(means))]
    assert_array_equal(search.best_estimator_.classes_, [0, 1])


def test_unstratified_folds_give_nan(wine_with_ood):
    """Folds without OOD rows score NaN under the default error_score, with a warning."""
    X, y = wine_with_ood
    # ID rows in random order, then every OOD row: only the last fold has both.
    rng = np.random.RandomState(0)
    order = np.r_[rng.permutation(np.flatnonzero(y != OOD)), np.flatnonzero(y == OOD)]
    with pytest.warns(UserWarning, match="needs both"):
        scores = cross_val_score(
            MCDDClassifier(ood_label=OOD, **FAST),
            X[order],
            y[order],
            cv=KFold(n_splits=3),
            scoring=ood_auroc_scorer,
        )
    assert np.isnan(scores[0])
    assert np.isnan(scores[1])
    assert np.isfinite(scores[2])


def test_outlier_exposure_pushes_ood_rows_away(wine_with_ood):
    """With outlier exposure, the training OOD rows end up farther from every class."""
    X, y = wine_with_ood
    plain = MCDDClassifier(ood_label=OOD, **FAST).fit(X, y)
    exposed = MCDDClassifier(ood_label=OOD, outlier_exposure=1.0, **FAST).fit(X, y)

    is_ood = y == OOD
    plain_gap = np.median(plain.decision_function(X[is_ood])) / plain.threshold_
    exposed_gap = np.median(exposed.decision_function(X[is_ood])) / exposed.threshold_
    assert exposed_gap > plain_gap
    assert (exposed.predict_ood(X[is_ood]) == -1).mean() > 0.95


def test_outlier_exposure_without_ood_rows_equals_plain(wine):
    """outlier_exposure has no effect when y contains no OOD row."""
    X, y = wine
    plain = MCDDClassifier(ood_label=OOD, **FAST).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exposed = MCDDClassifier(ood_label=OOD, outlier_exposure=1.0, **FAST).fit(X, y)
    assert_allclose(plain.decision_function(X), exposed.decision_function(X))
