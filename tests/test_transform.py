"""The latent embedding f(x): transform, feature names and pandas output."""

import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_global_output_transform_pandas,
    check_set_output_transform,
    check_set_output_transform_pandas,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier

FAST = {"max_epochs": 10, "random_state": 0}


def test_transform_is_latent_embedding(fitted_wine, wine):
    """transform returns f(x) of the trained extractor, in float64."""
    X, _ = wine
    latent = fitted_wine.transform(X)
    module = fitted_wine.net_.module_
    with torch.no_grad():
        expected = module.embed(torch.as_tensor(X, dtype=torch.float32)).numpy()

    assert latent.shape == (len(X), 128)
    assert latent.dtype == np.float64
    assert_allclose(latent, expected, rtol=1e-4, atol=1e-5)


def test_distances_follow_from_embedding(fitted_wine, wine):
    """class_distances equals D_k computed from transform and the class parameters."""
    X, _ = wine
    latent = fitted_wine.transform(X)
    layer = fitted_wine.net_.module_.distance_layer
    centers = layer.centers.detach().double().numpy()
    log_sigma = np.maximum(layer.log_scales.detach().double().numpy(), 0.0)
    squared = ((latent[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    expected = squared / (2 * np.exp(2 * log_sigma)) + latent.shape[1] * log_sigma

    assert_allclose(fitted_wine.class_distances(X), expected, rtol=1e-9, atol=1e-9)


def test_feature_names_out(fitted_wine):
    """get_feature_names_out names each latent column after the estimator."""
    names = fitted_wine.get_feature_names_out()
    assert names.shape == (128,)
    assert names[0] == "mcddclassifier0"
    assert names[-1] == "mcddclassifier127"


def test_pandas_output(wine):
    """set_output(transform='pandas') gives a DataFrame with the input's index."""
    X, y = wine
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame.index = frame.index + 1000
    clf = MCDDClassifier(latent_dim=4, **FAST).set_output(transform="pandas")
    latent = clf.fit(frame, y).transform(frame)

    assert isinstance(latent, pd.DataFrame)
    assert list(latent.columns) == [f"mcddclassifier{i}" for i in range(4)]
    assert_array_equal(latent.index, frame.index)
    assert_allclose(latent.to_numpy(), clf.set_output(transform="default").transform(frame))


def test_pipeline_embedding_step(wine):
    """In a Pipeline, the classifier's embedding feeds the next step."""
    X, y = wine
    pipe = make_pipeline(StandardScaler(), MCDDClassifier(latent_dim=3, **FAST))
    pipe.fit(X, y)
    latent = pipe.transform(X)
    assert latent.shape == (len(X), 3)
    assert_array_equal(pipe.get_feature_names_out(), ["mcddclassifier0", "mcddclassifier1", "mcddclassifier2"])


def test_fit_transform_equals_fit_then_transform(wine):
    """fit_transform gives what fit followed by transform gives."""
    X, y = wine
    direct = MCDDClassifier(latent_dim=5, **FAST).fit_transform(X, y)
    separate = MCDDClassifier(latent_dim=5, **FAST).fit(X, y).transform(X)
    assert_allclose(direct, separate)


def test_custom_extractor_width():
    """A custom extractor's output width sets the number of output features."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 6))
    y = np.repeat([0, 1, 2], 20)
    extractor = torch.nn.Sequential(torch.nn.Linear(6, 7), torch.nn.Tanh())
    clf = MCDDClassifier(feature_extractor=extractor, **FAST).fit(X, y)
    assert clf.transform(X).shape == (60, 7)
    assert len(clf.get_feature_names_out()) == 7


def test_transform_before_fit_raises():
    """transform and get_feature_names_out raise NotFittedError before fit."""
    clf = MCDDClassifier()
    with pytest.raises(NotFittedError):
        clf.transform(np.zeros((2, 3)))
    with pytest.raises(NotFittedError):
        clf.get_feature_names_out()


@pytest.mark.filterwarnings("ignore:X (does not have valid|has) feature names")
@pytest.mark.parametrize(
    "check",
    [
        check_set_output_transform,
        check_set_output_transform_pandas,
        check_global_output_transform_pandas,
    ],
)
def test_sklearn_set_output_checks(check):
    """scikit-learn's set_output checks pass; parametrize_with_checks skips them."""
    check("MCDDClassifier", MCDDClassifier(max_epochs=2, random_state=0))
