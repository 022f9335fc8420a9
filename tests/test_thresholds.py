"""threshold_, predict_ood and predict_with_reject, and the acceptance on real data."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier
from mcdd_sklearn.datasets import load_dataset
from mcdd_sklearn.thresholds import (
    OOD_TARGET,
    _holdout_split,
    ood_threshold,
    split_training_rows,
)

FAST = {"max_epochs": 15, "random_state": 0}


@pytest.mark.parametrize(
    "scores, id_acceptance, expected",
    [
        # n=4: k = ceil(5 * 0.5) = 3, the 3rd smallest.
        ([0.4, 0.1, 0.3, 0.2], 0.5, 0.3),
        # n=19: k = ceil(20 * 0.95) = 19, the largest.
        (np.arange(19.0), 0.95, 18.0),
        # n=10: k = ceil(11 * 0.95) = 11 > n, capped at the largest.
        (np.arange(10.0), 0.95, 9.0),
        # n=100: k = ceil(101 * 0.95) = 96, so 96 of 100 scores are accepted.
        (np.arange(100.0)[::-1], 0.95, 95.0),
        # Ties: k = ceil(6 * 0.5) = 3, and the 3rd smallest is the tied 1.0.
        ([1.0, 1.0, 1.0, 2.0, 0.0], 0.5, 1.0),
    ],
)
def test_ood_threshold_values(scores, id_acceptance, expected):
    """ood_threshold returns the k-th smallest score, k = ceil((n + 1) q) capped at n."""
    assert ood_threshold(scores, id_acceptance) == expected


@pytest.mark.parametrize(
    "scores, id_acceptance, match",
    [
        ([], 0.95, "non-empty 1-D"),
        ([[0.1, 0.2]], 0.95, "non-empty 1-D"),
        ([0.1, np.nan], 0.95, "finite"),
        ([0.1, 0.2], 1.0, r"in \(0, 1\)"),
        ([0.1, 0.2], 0, r"in \(0, 1\)"),
    ],
)
def test_ood_threshold_invalid(scores, id_acceptance, match):
    """Empty, non-finite or 2-D scores and targets outside (0, 1) raise."""
    with pytest.raises(ValueError, match=match):
        ood_threshold(scores, id_acceptance)


def test_holdout_split_keeps_ood_and_singletons():
    """OOD rows and singleton classes stay in training; the rest is stratified."""
    y = np.array([0] * 40 + [1] * 20 + [2] + [OOD_TARGET] * 5)
    train, holdout, stratified = _holdout_split(y, 0.25, seed=0)

    assert stratified
    assert len(np.intersect1d(train, holdout)) == 0
    assert_array_equal(np.sort(np.r_[train, holdout]), np.arange(len(y)))
    assert set(np.flatnonzero(y == OOD_TARGET)) <= set(train)
    assert 60 in train  # the single row of class 2
    assert np.bincount(y[holdout]).tolist() == [10, 5]


def test_holdout_split_too_few_rows():
    """Fewer than 2 eligible rows give an empty hold-out."""
    y = np.array([0, 1, OOD_TARGET])
    train, holdout, stratified = _holdout_split(y, 0.1, seed=0)
    assert holdout.size == 0
    assert not stratified
    assert_array_equal(np.sort(train), [0, 1, 2])


def test_split_training_rows_without_holdout():
    """Without a hold-out and OOD rows, every row trains (None, no copy)."""
    y = np.array([0, 1, 0, 1])
    train, holdout, _ = split_training_rows(
        y, fraction=0.1, hold_out=False, train_on_ood=False, seed=0
    )
    assert train is None
    assert holdout.size == 0

    y = np.array([0, OOD_TARGET, 1, 1])
    train, _, _ = split_training_rows(
        y, fraction=0.1, hold_out=False, train_on_ood=False, seed=0
    )
    assert_array_equal(train, [0, 2, 3])


def test_threshold_from_heldout_rows(wine):
    """threshold_ is ood_threshold of the decision_function of the held-out rows."""
    X, y = wine
    clf = MCDDClassifier(**FAST).fit(X, y)

    # fit draws its split seed from random_state like this.
    seed = int(np.random.RandomState(0).randint(np.iinfo(np.int32).max))
    train, holdout, _ = _holdout_split(y.astype(np.int64), 0.1, seed)
    assert len(holdout) == 18
    expected = ood_threshold(clf.decision_function(X[holdout]), 0.95)
    assert clf.threshold_ == pytest.approx(expected, rel=1e-12)


def test_early_stopping_shares_holdout(wine):
    """With early stopping the threshold rows are the validation rows."""
    X, y = wine
    clf = MCDDClassifier(early_stopping=True, n_iter_no_change=3, **FAST).fit(X, y)
    seed = int(np.random.RandomState(0).randint(np.iinfo(np.int32).max))
    _, holdout, _ = _holdout_split(y.astype(np.int64), 0.1, seed)
    valid_X = clf.net_.train_split.keywords["valid_ds"].X
    assert_array_equal(valid_X.numpy(), X[holdout].astype(np.float32))


def test_no_threshold_without_acceptance(wine):
    """id_acceptance=None sets threshold_ to None and the decisions raise."""
    X, y = wine
    clf = MCDDClassifier(id_acceptance=None, **FAST).fit(X, y)
    assert clf.threshold_ is None
    with pytest.raises(AttributeError, match="id_acceptance=None"):
        clf.predict_ood(X)
    with pytest.raises(AttributeError, match="id_acceptance=None"):
        clf.predict_with_reject(X)


def test_predict_ood_follows_threshold(fitted_wine, wine):
    """predict_ood is +1 exactly where decision_function <= threshold_, else -1."""
    X, _ = wine
    decisions = fitted_wine.predict_ood(X)
    expected = np.where(fitted_wine.decision_function(X) <= fitted_wine.threshold_, 1, -1)
    assert_array_equal(decisions, expected)
    far = X[:5] + 50.0
    assert_array_equal(fitted_wine.predict_ood(far), [-1] * 5)


def test_predict_with_reject(fitted_wine, wine):
    """Accepted rows get predict's class and rejected rows the reject label."""
    X, _ = wine
    rows = np.r_[X[:20], X[:5] + 50.0]
    y_pred = fitted_wine.predict_with_reject(rows)
    accepted = fitted_wine.predict_ood(rows) == 1

    assert_array_equal(y_pred[accepted], fitted_wine.predict(rows)[accepted])
    assert_array_equal(y_pred[~accepted], -1)
    assert (~accepted[-5:]).all()
    assert y_pred.dtype.kind == "i"


def test_reject_label_choices(fitted_wine, wine):
    """A string reject label gives an object array; a class label raises."""
    X, _ = wine
    far = X[:3] + 50.0
    y_pred = fitted_wine.predict_with_reject(far, reject_label="unknown")
    assert y_pred.dtype == object
    assert y_pred.tolist() == ["unknown"] * 3
    with pytest.raises(ValueError, match="reject_label=1 is one of the classes"):
        fitted_wine.predict_with_reject(far, reject_label=1)


def test_string_classes_default_reject_label(wine):
    """String classes without ood_label are rejected as 'OOD'."""
    X, y = wine
    names = np.array(["a", "b", "c"])[y]
    clf = MCDDClassifier(**FAST).fit(X, names)
    y_pred = clf.predict_with_reject(X[:3] + 50.0)
    assert y_pred.tolist() == ["OOD"] * 3


@pytest.mark.parametrize(
    "name, n_train, n_test",
    [("shuttle", 10_000, 6_000), ("letter", 10_000, 6_000)],
)
def test_heldout_acceptance_near_target(shared_data_dir, name, n_train, n_test):
    """On new ID rows of real data, the accepted fraction is within 2 points of 0.95."""
    X, y = load_dataset(name, data_home=shared_data_dir, return_X_y=True)
    X_train, X_test, y_train, _ = train_test_split(
        X, y, train_size=n_train, test_size=n_test, random_state=0, stratify=y
    )
    model = make_pipeline(
        StandardScaler(),
        MCDDClassifier(
            max_epochs=4, validation_fraction=0.2, id_acceptance=0.95, random_state=0
        ),
    ).fit(X_train, y_train)

    # Pipeline forwards only scikit-learn's method names, so call the last step.
    accepted = np.mean(model[-1].predict_ood(model[:-1].transform(X_test)) == 1)
    print(f"{name}: accepted {accepted:.4f} of {n_test} held-out ID rows")
    assert abs(accepted - 0.95) <= 0.02
