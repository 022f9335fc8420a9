"""Torch modules of Deep-MCDD: the feature extractor and the class-distance layer.

Deep Multi-Class Data Description (Lee, Yu & Yu, KDD 2020) maps an input x to a
latent vector f(x) of size d and models each class k as a Gaussian-like ball
around a learnable center mu_k with scale sigma_k = exp(relu(s_k)). The distance
of x to class k is

    D_k(x) = ||f(x) - mu_k||^2 / (2 sigma_k^2) + d * log(sigma_k).

The class logits are -D_k(x) + b_k, and the OOD score of x is min_k D_k(x).
"""

import copy

import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "MLPFeatureExtractor",
    "ClassDistanceLayer",
    "MCDDModule",
    "make_feature_extractor",
]


class MLPFeatureExtractor(nn.Module):
    """Multi-layer perceptron with ReLU between layers and a linear latent output.

    The default sizes give the Deep-MCDD reference network for tabular data:
    Linear-ReLU-Linear-ReLU-Linear with width 128 and no activation on the
    latent vector. Weights are initialised Xavier-uniform and biases to zero.

    Parameters
    ----------
    n_features : int
        Number of input features.
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Width of each hidden layer, in order. An empty tuple gives a single
        linear map.
    latent_dim : int, default=128
        Size d of the latent vector f(x).
    """

    def __init__(self, n_features, hidden_layer_sizes=(128, 128), latent_dim=128):
        super().__init__()
        sizes = [n_features, *hidden_layer_sizes, latent_dim]
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            if i > 0:
                layers.append(nn.ReLU())
            layers.append(nn.Linear(n_in, n_out))
        self.layers = nn.Sequential(*layers)
        self.reset_parameters()

    def reset_parameters(self):
        """Initialise the weights Xavier-uniform and the biases to zero."""
        for layer in self.layers:
            if isinstance(layer, nn.Linear):
                nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)

    def forward(self, X):
        return self.layers(X)


class ClassDistanceLayer(nn.Module):
    """Per-class distances D_k(z) of latent vectors z to learnable class centers.

    Each class k has a center mu_k (Xavier-uniform initialised), a log-scale
    s_k and a bias b_k (both initialised to 0). With sigma_k = exp(relu(s_k)),

    .. math::

        D_k(z) = \\frac{\\lVert z - \\mu_k \\rVert^2}{2 \\sigma_k^2} + d \\log \\sigma_k .

    The squared norm is expanded as ||z||^2 - 2 z.mu_k + ||mu_k||^2, so the
    layer never materialises an (n_samples, n_classes, d) tensor.

    Parameters
    ----------
    n_classes : int
        Number of classes K.
    latent_dim : int
        Size d of the latent vectors.
    """

    def __init__(self, n_classes, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.centers = nn.Parameter(torch.empty(n_classes, latent_dim))
        self.log_scales = nn.Parameter(torch.zeros(n_classes))
        self.biases = nn.Parameter(torch.zeros(n_classes))
        nn.init.xavier_uniform_(self.centers)

    def sigmas(self):
        """Return the class scales sigma_k = exp(relu(s_k)), shape (n_classes,)."""
        return torch.exp(F.relu(self.log_scales))

    def forward(self, z):
        """Return D(z) with shape (n_samples, n_classes)."""
        squared_norms = (z * z).sum(dim=1, keepdim=True)
        center_norms = (self.centers * self.centers).sum(dim=1)
        # Rounding can make the expanded form slightly negative for z close to a center.
        squared_distances = (
            squared_norms - 2.0 * (z @ self.centers.T) + center_norms
        ).clamp_min(0.0)
        log_sigma = F.relu(self.log_scales)
        return squared_distances * (0.5 * torch.exp(-2.0 * log_sigma)) + (
            self.latent_dim * log_sigma
        )


class MCDDModule(nn.Module):
    """Feature extractor followed by the class-distance layer.

    Parameters
    ----------
    feature_extractor : torch.nn.Module
        Maps a batch of inputs to latent vectors of shape (n_samples, latent_dim).
    n_classes : int
        Number of classes K.
    latent_dim : int
        Size d of the latent vectors that `feature_extractor` returns.

    Notes
    -----
    ``forward`` returns the tuple ``(distances, logits)``, both of shape
    (n_samples, n_classes), with ``logits = -distances + biases``. The loss
    needs both, and prediction takes whichever the caller asks for from one
    forward pass.
    """

    def __init__(self, feature_extractor, n_classes, latent_dim):
        super().__init__()
        self.feature_extractor = feature_extractor
        self.distance_layer = ClassDistanceLayer(n_classes, latent_dim)

    def embed(self, X):
        """Return the latent vectors f(X)."""
        return self.feature_extractor(X)

    def forward(self, X):
        distances = self.distance_layer(self.feature_extractor(X))
        logits = self.distance_layer.biases - distances
        return distances, logits


def make_feature_extractor(spec, X, *, hidden_layer_sizes, latent_dim):
    """Build the feature extractor f for a fit and return it with its latent size d.

    Parameters
    ----------
    spec : torch.nn.Module, callable or None
        None builds an :class:`MLPFeatureExtractor` of ``hidden_layer_sizes``
        and ``latent_dim``. A module instance is deep-copied, so the object
        passed in is never trained in place. Any other callable is called
        without arguments and must return a module.
    X : ndarray of shape (n_samples, n_features)
        Training data. Its first two rows probe a custom module for d.
    hidden_layer_sizes : tuple of int
        Hidden layer widths of the default MLP.
    latent_dim : int
        Latent size of the default MLP.

    Returns
    -------
    module : torch.nn.Module
    latent_dim : int
    """
    if spec is None:
        return MLPFeatureExtractor(X.shape[1], hidden_layer_sizes, latent_dim), latent_dim

    if isinstance(spec, nn.Module):
        module = copy.deepcopy(spec)
    else:
        module = spec()
        if not isinstance(module, nn.Module):
            raise TypeError(
                "feature_extractor must be a torch.nn.Module, a Module class "
                f"or a callable returning a Module; calling it returned "
                f"{type(module).__name__}."
            )
    return module, _probe_latent_dim(module, X)


def _probe_latent_dim(module, X):
    """Return d from one forward pass of ``module`` on two rows, in eval mode."""
    probe = torch.as_tensor(X[:2], dtype=torch.float32)
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            latent = module(probe)
    except Exception as exc:
        raise ValueError(
            "The feature_extractor failed on a batch of shape "
            f"{tuple(probe.shape)} (float32). It must accept input of shape "
            "(batch, n_features) and return latent vectors of shape "
            f"(batch, d). The error was: {exc}"
        ) from exc
    finally:
        module.train(was_training)

    if latent.ndim != 2 or latent.shape[0] != probe.shape[0]:
        raise ValueError(
            "The feature_extractor must return a 2-D tensor of shape "
            f"(batch, d); for an input of shape {tuple(probe.shape)} it "
            f"returned shape {tuple(latent.shape)}. Flatten its output."
        )
    return int(latent.shape[1])
