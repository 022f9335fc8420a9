"""MCDDClassifier in scikit-learn workflows: labels, DataFrames, search, persistence."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from mcdd_sklearn import MCDDClassifier


def test_fit_sets_fitted_attributes(fitted_wine, wine):
    """classes_, n_features_in_, net_, history_ and n_epochs_ after fit."""
    X, y = wine
    assert_array_equal(fitted_wine.classes_, [0, 1, 2])
    assert fitted_wine.n_features_in_ == 13
    assert fitted_wine.n_epochs_ == 60
    assert len(fitted_wine.history_) == 60
    assert fitted_wine.history_[-1, "train_loss"] < fitted_wine.history_[0, "train_loss"]
    assert fitted_wine.score(X, y) > 0.95


def test_output_shapes_and_directions(fitted_wine, wine):
    """Shapes, probabilities summing to 1, and score_samples = -decision_function."""
    X, _ = wine
    proba = fitted_wine.predict_proba(X)
    assert proba.shape == (178, 3)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_allclose(np.exp(fitted_wine.predict_log_proba(X)), proba, rtol=1e-10)
    ood = fitted_wine.decision_function(X)
    assert ood.shape == (178,)
    assert_allclose(fitted_wine.score_samples(X), -ood)
    assert_allclose(ood, fitted_wine.class_distances(X).min(axis=1))


def test_far_rows_score_higher(fitted_wine, wine):
    """Rows far from the training data get a higher OOD score than training rows."""
    X, _ = wine
    far = X[:20] + 8.0
    assert fitted_wine.decision_function(far).min() > np.quantile(
        fitted_wine.decision_function(X), 0.99
    )


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["red", "rose", "white"]),
        np.array([-5, 10, 99]),
        np.array(["b", "a", "c"], dtype=object),
    ],
    ids=["strings", "non_contiguous_ints", "object_strings"],
)
def test_any_label_type(wine, labels):
    """predict returns labels of the type given to fit, in classes_ order."""
    X, y = wine
    y_named = labels[y]
    clf = MCDDClassifier(max_epochs=30, random_state=0).fit(X, y_named)
    assert_array_equal(clf.classes_, np.sort(labels))
    pred = clf.predict(X)
    assert pred.dtype == y_named.dtype
    assert set(pred) <= set(labels)
    assert (pred == y_named).mean() > 0.9


def test_boolean_and_categorical_labels(wine):
    """Boolean labels and a pandas Categorical Series work as targets."""
    X, y = wine
    y_bool = y == 0
    clf = MCDDClassifier(max_epochs=30, random_state=0).fit(X, y_bool)
    assert_array_equal(clf.classes_, [False, True])
    assert (clf.predict(X) == y_bool).mean() > 0.9

    y_cat = pd.Series(pd.Categorical.from_codes(y, ["barolo", "grignolino", "barbera"]))
    clf = MCDDClassifier(max_epochs=30, random_state=0).fit(X, y_cat)
    assert set(clf.classes_) == {"barolo", "grignolino", "barbera"}
    assert (clf.predict(X) == y_cat.to_numpy()).mean() > 0.9


def test_dataframe_input_sets_feature_names(wine):
    """A DataFrame sets feature_names_in_; a wrong column order is rejected."""
    X, y = wine
    columns = [f"f{i}" for i in range(X.shape[1])]
    df = pd.DataFrame(X, columns=columns)
    clf = MCDDClassifier(max_epochs=20, random_state=0).fit(df, pd.Series(y))
    assert_array_equal(clf.feature_names_in_, columns)
    with pytest.warns(UserWarning, match="valid feature names"):
        from_array = clf.decision_function(X)
    assert_allclose(clf.decision_function(df), from_array)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(df[columns[::-1]])


def test_int_and_float64_inputs_give_float32_results(iris):
    """int, float64 and float32 inputs of the same values give the same model."""
    X, y = iris
    X_int = np.round(X * 10).astype(np.int64)
    results = []
    for X_cast in (X_int, X_int.astype(np.float64), X_int.astype(np.float32)):
        clf = MCDDClassifier(max_epochs=10, random_state=0).fit(X_cast, y)
        results.append(clf.decision_function(X_cast))
    assert_allclose(results[0], results[1])
    assert_allclose(results[0], results[2])


def test_same_random_state_same_results(wine):
    """Two fits with the same integer random_state give identical outputs."""
    X, y = wine
    a = MCDDClassifier(max_epochs=15, random_state=3).fit(X, y).decision_function(X)
    b = MCDDClassifier(max_epochs=15, random_state=3).fit(X, y).decision_function(X)
    c = MCDDClassifier(max_epochs=15, random_state=4).fit(X, y).decision_function(X)
    assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_fit_leaves_global_torch_rng_alone(wine):
    """fit seeds its own random stream and restores torch's global state."""
    X, y = wine
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    MCDDClassifier(max_epochs=2, random_state=0).fit(X, y)
    assert_array_equal(torch.rand(3).numpy(), expected.numpy())


@pytest.mark.parametrize("dump_load", ["pickle", "joblib"])
def test_persistence_round_trip(fitted_wine, wine, tmp_path, dump_load):
    """pickle and joblib round trips give identical outputs."""
    X, _ = wine
    if dump_load == "pickle":
        restored = pickle.loads(pickle.dumps(fitted_wine))
    else:
        path = tmp_path / "model.joblib"
        joblib.dump(fitted_wine, path)
        restored = joblib.load(path)
    assert_array_equal(restored.decision_function(X), fitted_wine.decision_function(X))
    assert_array_equal(restored.predict_proba(X), fitted_wine.predict_proba(X))
    assert_array_equal(restored.predict(X), fitted_wine.predict(X))


def test_clone_is_unfitted_with_same_params(fitted_wine):
    """clone copies the parameters and not the fitted net."""
    cloned = clone(fitted_wine)
    assert cloned.get_params() == fitted_wine.get_params()
    assert not hasattr(cloned, "net_")


def test_pipeline_grid_search_over_reg_lambda(iris):
    """GridSearchCV over the pipeline's reg_lambda fits and refits."""
    X, y = iris
    pipe = make_pipeline(StandardScaler(), MCDDClassifier(max_epochs=20, random_state=0))
    search = GridSearchCV(pipe, {"mcddclassifier__reg_lambda": [0.1, 1.0, 10.0]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["mcddclassifier__reg_lambda"] in (0.1, 1.0, 10.0)
    assert len(search.cv_results_["mean_test_score"]) == 3
    assert search.best_score_ > 0.85
    assert search.best_estimator_[-1].reg_lambda == search.best_params_[
        "mcddclassifier__reg_lambda"
    ]


def test_cross_val_score_accuracy(iris, scaled_mcdd):
    """cross_val_score with the default accuracy scorer is well above chance."""
    X, y = iris
    scores = cross_val_score(scaled_mcdd, X, y, cv=3)
    assert scores.shape == (3,)
    assert scores.mean() > 0.85


def test_user_callbacks_run_and_are_copied(wine):
    """A skorch callback passed in `callbacks` runs; the object passed in is untouched."""

    class CountEpochs(Callback):
        def initialize(self):
            self.count = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.count += 1

    X, y = wine
    counter = CountEpochs()
    clf = MCDDClassifier(max_epochs=7, callbacks=[counter], random_state=0).fit(X, y)
    assert dict(clf.net_.callbacks_)["user_callback_0"].count == 7
    assert not hasattr(counter, "count")


def test_early_stopping_stops_and_records_validation(wine):
    """early_stopping holds out rows, records valid_loss and stops before max_epochs."""
    X, y = wine
    clf = MCDDClassifier(
        max_epochs=500, early_stopping=True, n_iter_no_change=3,
        learning_rate=1e-2, random_state=0,
    ).fit(X, y)
    assert clf.n_epochs_ < 500
    assert np.isfinite(clf.history_[-1, "valid_loss"])
    assert clf.score(X, y) > 0.9


def test_auto_epochs_scale_with_table_size():
    """max_epochs='auto' gives about 3,000 updates, between 10 and 100 epochs."""
    from mcdd_sklearn.classifier import _auto_max_epochs

    assert _auto_max_epochs(150, 200) == 100
    assert _auto_max_epochs(6_000, 200) == 100
    assert _auto_max_epochs(8_000, 200) == 75
    assert _auto_max_epochs(20_000, 200) == 30
    assert _auto_max_epochs(1_000_000, 200) == 10


def test_auto_epochs_count_training_rows_only(wine):
    """The auto budget counts the rows trained on, not the threshold hold-out."""
    X, y = wine
    clf = MCDDClassifier(batch_size=4, id_acceptance=0.95, random_state=0).fit(X, y)
    # 10% of 178 rows (stratified, 18 rows) are held out, so 160 rows make 40
    # batches and 3,000 updates take 75 epochs. All 178 rows would give 67.
    assert clf.n_epochs_ == 75
