"""Progress output of verbose fits: the per-epoch table and the progress bar."""

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier


def _table_rows(text):
    """Return the lines of skorch's table that start with an epoch number."""
    return [line for line in text.splitlines() if line.strip()[:1].isdigit()]


def test_verbose_prints_loss_terms(wine, capsys):
    """verbose=1 prints one row per epoch with the pull and push columns."""
    X, y = wine
    clf = MCDDClassifier(max_epochs=3, reg_lambda=0.5, random_state=0, verbose=1)
    clf.fit(X, y)
    out = capsys.readouterr().out

    header = out.splitlines()[0].split()
    assert header == ["epoch", "train_loss", "train_pull", "train_push", "dur"]
    assert len(_table_rows(out)) == 3

    for epoch in clf.history_:
        expected = 0.5 * epoch["train_pull"] + epoch["train_push"]
        assert epoch["train_loss"] == pytest.approx(expected, rel=1e-5)
    assert clf.history_[-1, "train_pull"] < clf.history_[0, "train_pull"]


def test_verbose_shows_validation_terms(wine, capsys):
    """With early stopping the table adds validation loss, pull and push."""
    X, y = wine
    clf = MCDDClassifier(
        max_epochs=2, early_stopping=True, random_state=0, verbose=1
    ).fit(X, y)
    out = capsys.readouterr().out

    header = out.splitlines()[0].split()
    assert header == [
        "epoch",
        "train_loss",
        "train_pull",
        "train_push",
        "valid_loss",
        "valid_pull",
        "valid_push",
        "dur",
    ]
    for epoch in clf.history_:
        expected = epoch["valid_pull"] + epoch["valid_push"]
        assert epoch["valid_loss"] == pytest.approx(expected, rel=1e-5)


def test_silent_by_default(wine, capsys):
    """verbose=0 prints nothing and records no loss terms."""
    X, y = wine
    clf = MCDDClassifier(max_epochs=2, random_state=0).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert "train_pull" not in clf.history_[-1]


def test_verbose_two_shows_progress_bar(wine, capsys):
    """verbose=2 adds a tqdm bar over the batches of each epoch."""
    X, y = wine
    clf = MCDDClassifier(max_epochs=2, batch_size=50, random_state=0, verbose=2).fit(X, y)
    captured = capsys.readouterr()
    # 178 rows, or 160 with 10% held out for threshold_, make 4 batches of 50.
    assert "/4 [" in captured.err
    # tqdm draws the postfix only when a refresh interval has passed, so the
    # configuration is checked instead of the timing-dependent output.
    progress_bar = dict(clf.net_.callbacks_)["progress_bar"]
    assert "train_pull" in progress_bar.postfix_keys
    assert len(_table_rows(captured.out)) == 2


def test_verbose_does_not_change_training(wine):
    """Recording the loss terms leaves the trained model unchanged."""
    X, y = wine
    silent = MCDDClassifier(max_epochs=3, random_state=0).fit(X, y)
    loud = MCDDClassifier(max_epochs=3, random_state=0, verbose=1).fit(X, y)
    np.testing.assert_array_equal(
        silent.decision_function(X), loud.decision_function(X)
    )


def test_grid_search_is_silent(wine, capsys):
    """GridSearchCV over reg_lambda prints nothing with the default verbose."""
    X, y = wine
    search = GridSearchCV(
        MCDDClassifier(max_epochs=2, random_state=0),
        {"reg_lambda": [0.1, 1.0]},
        cv=2,
    ).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert search.best_params_["reg_lambda"] in (0.1, 1.0)


def test_verbose_with_outlier_exposure(capsys):
    """Verbose output works when known OOD rows take part in training."""
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = np.where(y == 2, -1, y)
    clf = MCDDClassifier(
        ood_label=-1, outlier_exposure=1.0, max_epochs=3, verbose=1, random_state=0
    ).fit(X, y)
    assert np.isfinite(clf.history_[-1, "train_pull"])
    assert "train_pull" in capsys.readouterr().out
