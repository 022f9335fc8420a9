"""Bad input gets a clear error before training, never NaN scores."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

from mcdd_sklearn import MCDDClassifier


@pytest.fixture
def clf():
    return MCDDClassifier(max_epochs=3, random_state=0)


def test_nan_in_X_rejected(clf, wine):
    X, y = wine
    X = X.copy()
    X[5, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.fit(X, y)


def test_inf_in_X_rejected(clf, wine):
    X, y = wine
    X = X.copy()
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clf.fit(X, y)


def test_nan_at_predict_rejected(fitted_wine, wine):
    X, _ = wine
    X = X[:4].copy()
    X[1, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        fitted_wine.decision_function(X)


def test_empty_X_rejected(clf):
    with pytest.raises(ValueError, match="0 sample"):
        clf.fit(np.empty((0, 3)), np.array([]))


def test_single_class_rejected(clf, wine):
    X, _ = wine
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 'a'"):
        clf.fit(X, np.full(len(X), "a"))


def test_length_mismatch_rejected(clf, wine):
    X, y = wine
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.fit(X, y[:-1])


def test_wrong_feature_count_at_predict(fitted_wine, wine):
    X, _ = wine
    with pytest.raises(ValueError, match="X has 12 features, but MCDDClassifier is expecting 13"):
        fitted_wine.predict(X[:, :12])


def test_non_numeric_dataframe_columns_named(clf):
    df = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0], "color": ["r", "g", "b", "r"]})
    with pytest.raises(ValueError, match=r"columns \['color'\] are not numeric.*OneHotEncoder"):
        clf.fit(df, [0, 1, 0, 1])


def test_string_array_rejected(clf):
    X = np.array([["a", "b"], ["c", "d"], ["e", "f"]], dtype=object)
    with pytest.raises(ValueError, match="convert"):
        clf.fit(X, [0, 1, 0])


def test_one_dimensional_X_rejected(clf):
    with pytest.raises(ValueError, match="Expected a 2-dimensional container|Reshape your data"):
        clf.fit(np.arange(10.0), np.arange(10) % 2)


def test_continuous_y_rejected(clf, wine):
    X, _ = wine
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X, np.linspace(0, 1, len(X)))


def test_not_fitted_error(clf, wine):
    from sklearn.exceptions import NotFittedError

    X, _ = wine
    with pytest.raises(NotFittedError, match="not fitted yet"):
        clf.decision_function(X)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"reg_lambda": -1.0}, "'reg_lambda' parameter"),
        ({"learning_rate": 0.0}, "'learning_rate' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"max_epochs": "forever"}, "'max_epochs' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
    ],
)
def test_invalid_parameters_named(wine, params, match):
    X, y = wine
    with pytest.raises(ValueError, match=match):
        MCDDClassifier(**params).fit(X, y)


def test_unavailable_cuda_device(wine):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    X, y = wine
    with pytest.raises(ValueError, match="no CUDA device.*device='cpu'"):
        MCDDClassifier(device="cuda", max_epochs=1).fit(X, y)


def test_divergence_raises_with_cause(wine):
    """Unscaled features with a huge learning rate diverge; fit raises, not NaN scores."""
    X, y = load_wine(return_X_y=True)
    clf = MCDDClassifier(learning_rate=1e3, max_epochs=30, random_state=0)
    with pytest.warns(UserWarning, match="look unscaled"):
        with pytest.raises(FloatingPointError, match="StandardScaler.*learning_rate=1000"):
            clf.fit(X * 1e8, y)


def test_values_beyond_float32_rejected(clf, wine):
    X, y = wine
    X = X.copy()
    X[3, 3] = 1e300
    with pytest.raises(ValueError, match="too large for float32"):
        clf.fit(X, y)


def test_unscaled_features_warn():
    """Raw wine (a column with mean 747) warns and names the StandardScaler fix."""
    X, y = load_wine(return_X_y=True)
    with pytest.warns(UserWarning, match=r"look unscaled.*747.*StandardScaler"):
        MCDDClassifier(max_epochs=1, random_state=0).fit(X, y)


def test_scaled_features_do_not_warn(wine):
    import warnings

    X, y = wine
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        MCDDClassifier(max_epochs=1, random_state=0).fit(X, y)


@pytest.mark.parametrize("scaled", [False, True])
def test_unscaled_check_on_large_table(scaled):
    """Beyond UNSCALED_CHECK_ROWS rows the check samples rows and still decides right."""
    import warnings

    from sklearn.preprocessing import StandardScaler

    from mcdd_sklearn._validation import UNSCALED_CHECK_ROWS, warn_if_unscaled

    X, _ = load_wine(return_X_y=True)
    X = np.tile(X, (3 * UNSCALED_CHECK_ROWS // len(X), 1))
    assert len(X) > 2 * UNSCALED_CHECK_ROWS
    if scaled:
        X = StandardScaler().fit_transform(X)
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            warn_if_unscaled(X)
    else:
        with pytest.warns(UserWarning, match=r"look unscaled.*7\d\d"):
            warn_if_unscaled(X)
