"""The fitted model against a plain-numpy recomputation of the Deep-MCDD formulas."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose

from mcdd_sklearn import MCDDClassifier
from mcdd_sklearn.loss import MCDDLoss
from mcdd_sklearn.modules import ClassDistanceLayer, MLPFeatureExtractor


def _numpy_latent(module, X):
    """Run the default MLP feature extractor with numpy: Linear-ReLU-...-Linear."""
    linears = [m for m in module.feature_extractor.layers if isinstance(m, torch.nn.Linear)]
    h = X.astype(np.float64)
    for i, linear in enumerate(linears):
        W = linear.weight.detach().numpy().astype(np.float64)
        b = linear.bias.detach().numpy().astype(np.float64)
        h = h @ W.T + b
        if i < len(linears) - 1:
            h = np.maximum(h, 0.0)
    return h


def _numpy_distances(module, X):
    """D_k(x) = ||f(x) - mu_k||^2 / (2 sigma_k^2) + d log sigma_k, sigma_k = exp(relu(s_k))."""
    z = _numpy_latent(module, X)
    layer = module.distance_layer
    mu = layer.centers.detach().numpy().astype(np.float64)
    s = layer.log_scales.detach().numpy().astype(np.float64)
    sigma = np.exp(np.maximum(s, 0.0))
    d = z.shape[1]
    squared = ((z[:, None, :] - mu[None, :, :]) ** 2).sum(axis=2)
    return squared / (2.0 * sigma**2) + d * np.log(sigma)


@pytest.fixture(scope="module")
def fitted(wine):
    X, y = wine
    X = X.astype(np.float32)
    clf = MCDDClassifier(max_epochs=40, random_state=0).fit(X, y)
    # Training on wine keeps every s_k at or below 0 (sigma_k = 1). Setting
    # them by hand exercises both the sigma terms and the relu in exp(relu(s)).
    with torch.no_grad():
        clf.net_.module_.distance_layer.log_scales.copy_(torch.tensor([0.3, -0.2, 0.7]))
    return clf, X, y


def test_sigmas_use_relu_of_log_scales(fitted):
    """sigma_k = exp(relu(s_k)): a negative s_k gives sigma_k = 1."""
    clf, _, _ = fitted
    sigmas = clf.net_.module_.distance_layer.sigmas().detach().numpy()
    assert_allclose(sigmas, np.exp([0.3, 0.0, 0.7]), rtol=1e-6)


def test_distances_match_numpy(fitted):
    """class_distances equals the numpy formula to float32 precision."""
    clf, X, _ = fitted
    expected = _numpy_distances(clf.net_.module_, X)
    assert_allclose(clf.class_distances(X), expected, rtol=1e-5, atol=1e-5)


def test_ood_score_is_min_distance_without_bias(fitted):
    """decision_function is min_k D_k(x); score_samples is its negative."""
    clf, X, _ = fitted
    expected = _numpy_distances(clf.net_.module_, X).min(axis=1)
    assert_allclose(clf.decision_function(X), expected, rtol=1e-5, atol=1e-5)
    assert_allclose(clf.score_samples(X), -expected, rtol=1e-5, atol=1e-5)


def test_predictions_use_biased_logits(fitted):
    """predict is argmax(-D + b) and predict_proba is its softmax."""
    clf, X, _ = fitted
    module = clf.net_.module_
    biases = module.distance_layer.biases.detach().numpy().astype(np.float64)
    logits = -_numpy_distances(module, X) + biases
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    assert np.abs(biases).max() > 1e-3
    assert_allclose(clf.predict_proba(X), proba, rtol=1e-4, atol=1e-6)
    assert_allclose(clf.class_scores(X), logits, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[logits.argmax(axis=1)])


def test_loss_matches_numpy(fitted):
    """MCDDLoss equals reg_lambda * mean(D_y) + cross-entropy(-D + b, y)."""
    clf, X, y = fitted
    module = clf.net_.module_
    y_idx = np.searchsorted(clf.classes_, y)
    D = _numpy_distances(module, X)
    logits = -D + module.distance_layer.biases.detach().numpy().astype(np.float64)
    log_softmax = logits - logits.max(axis=1, keepdims=True)
    log_softmax -= np.log(np.exp(log_softmax).sum(axis=1, keepdims=True))
    rows = np.arange(len(y_idx))
    expected = 3.0 * D[rows, y_idx].mean() - log_softmax[rows, y_idx].mean()

    with torch.no_grad():
        outputs = module.eval()(torch.as_tensor(X))
        loss = MCDDLoss(reg_lambda=3.0)(outputs, torch.as_tensor(y_idx))
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_initialisation_follows_reference():
    """Xavier-uniform weights and centers, zero biases, s = b = 0."""
    torch.manual_seed(0)
    extractor = MLPFeatureExtractor(10, (128, 128), 128)
    layer = ClassDistanceLayer(n_classes=5, latent_dim=128)
    linears = [m for m in extractor.layers if isinstance(m, torch.nn.Linear)]
    assert [tuple(m.weight.shape) for m in linears] == [(128, 10), (128, 128), (128, 128)]
    for linear in linears:
        fan_out, fan_in = linear.weight.shape
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        assert linear.weight.abs().max().item() <= bound
        assert linear.weight.abs().max().item() > 0.9 * bound
        assert torch.count_nonzero(linear.bias).item() == 0
    center_bound = np.sqrt(6.0 / (5 + 128))
    assert layer.centers.abs().max().item() <= center_bound
    assert torch.count_nonzero(layer.log_scales).item() == 0
    assert torch.count_nonzero(layer.biases).item() == 0
    # No activation on the latent vector: the last module is the Linear layer.
    assert isinstance(extractor.layers[-1], torch.nn.Linear)


def test_distance_layer_memory_is_not_n_k_d():
    """Distances for many rows and classes fit where an (n, K, d) tensor would not.

    With n=20,000, K=50, d=256 an (n, K, d) float32 tensor takes 1 GB, while the
    expanded form needs only the (n, K) result and an (n, d) input.
    """
    layer = ClassDistanceLayer(n_classes=50, latent_dim=256)
    z = torch.randn(20_000, 256, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        direct = ((z[:200, None, :] - layer.centers[None]) ** 2).sum(-1) / 2
        expanded = layer(z)
    assert expanded.shape == (20_000, 50)
    assert_allclose(expanded[:200].numpy(), direct.numpy(), rtol=1e-4, atol=1e-3)
