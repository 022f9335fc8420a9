"""Baseline OOD detectors for the tabular benchmark in ``ood_benchmark.py``.

Every scorer here returns OOD scores in one direction: the higher, the more
out-of-distribution, as ``MCDDClassifier.decision_function`` does. Three
baselines share one trained network (:class:`MLPBaseline`):

- maximum softmax probability (MSP): ``-max_k softmax(logits)_k``;
- energy score: ``-logsumexp_k(logits_k)``;
- Mahalanobis distance on the penultimate features: class means, one
  covariance matrix pooled over the classes, minimum over the classes.

The unsupervised detectors (scikit-learn's IsolationForest,
LocalOutlierFactor and OneClassSVM, PyOD's ECOD, KNN and DeepSVDD) are
fitted on the ID training rows only, without labels. The slow ones are fitted
on a seeded random subsample of the training rows; ``SUBSAMPLE_LIMITS`` sets
the caps.
"""

import numpy as np
import torch
from scipy.special import logsumexp, softmax
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM
from torch import nn

from mcdd_sklearn.classifier import _auto_max_epochs
from mcdd_sklearn.modules import MLPFeatureExtractor

__all__ = [
    "MLPBaseline",
    "SUBSAMPLE_LIMITS",
    "make_detector",
    "pyod_available",
    "subsample_rows",
]

# Maximum number of training rows each slow detector is fitted on. The kernel
# SVM scales about quadratically with the rows; the neighbour methods and
# DeepSVDD are fast enough at these sizes on two shared CPU cores.
SUBSAMPLE_LIMITS = {
    "ocsvm": 2000,
    "lof": 10000,
    "knn": 10000,
    "deepsvdd": 5000,
}

# Ridge added to the diagonal of the pooled covariance of the penultimate
# features. Some ReLU units are zero on every row, which makes the covariance
# singular.
_COVARIANCE_RIDGE = 1e-6


def pyod_available():
    """Return True when PyOD can be imported, so its detectors can run."""
    try:
        import pyod  # noqa: F401
    except ImportError:
        return False
    return True


def subsample_rows(X, max_rows, seed):
    """Return at most ``max_rows`` rows of X, chosen at random with ``seed``."""
    if max_rows is None or len(X) <= max_rows:
        return X
    rng = np.random.default_rng(seed)
    return X[np.sort(rng.choice(len(X), size=max_rows, replace=False))]


class _MLPNetwork(nn.Module):
    """The same MLP as MCDDClassifier's default, plus ReLU and a linear head."""

    def __init__(self, n_features, n_classes, hidden_layer_sizes, latent_dim):
        super().__init__()
        self.body = nn.Sequential(
            MLPFeatureExtractor(n_features, hidden_layer_sizes, latent_dim),
            nn.ReLU(),
        )
        self.head = nn.Linear(latent_dim, n_classes)

    def forward(self, X):
        features = self.body(X)
        return features, self.head(features)


class MLPBaseline:
    """Softmax MLP classifier trained with cross-entropy, for MSP, energy and Mahalanobis.

    The network matches MCDDClassifier's default backbone (two hidden layers
    of 128, a 128-unit layer) followed by ReLU and a linear layer to the
    class logits, so the penultimate features have 128 units. Training uses
    Adam, batch 200 and by default the same "auto" number of epochs as
    MCDDClassifier (about 3,000 gradient updates, 10 to 200 epochs).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Hidden widths before the penultimate layer.
    latent_dim : int, default=128
        Width of the penultimate layer.
    learning_rate : float, default=1e-3
        Adam learning rate.
    batch_size : int, default=200
        Rows per mini-batch.
    max_epochs : int or "auto", default="auto"
        Number of epochs; "auto" follows MCDDClassifier's rule.
    random_state : int, default=0
        Seed of the weight initialisation and the shuffling.
    """

    def __init__(self, *, hidden_layer_sizes=(128, 128), latent_dim=128,
                 learning_rate=1e-3, batch_size=200, max_epochs="auto",
                 random_state=0):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.latent_dim = latent_dim
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.random_state = random_state

    def fit(self, X, y):
        """Train the network on standardised X and labels y; return self."""
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        n_epochs = self.max_epochs
        if n_epochs == "auto":
            n_epochs = _auto_max_epochs(len(X), self.batch_size)
        self.n_epochs_ = n_epochs

        X_tensor = torch.as_tensor(X, dtype=torch.float32)
        y_tensor = torch.as_tensor(y_encoded, dtype=torch.int64)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.random_state)
            self.network_ = _MLPNetwork(
                X.shape[1], len(self.classes_), tuple(self.hidden_layer_sizes),
                self.latent_dim,
            )
            optimizer = torch.optim.Adam(self.network_.parameters(), lr=self.learning_rate)
            loss_function = nn.CrossEntropyLoss()
            self.network_.train()
            for _ in range(n_epochs):
                order = torch.randperm(len(X_tensor))
                for start in range(0, len(order), self.batch_size):
                    batch = order[start:start + self.batch_size]
                    optimizer.zero_grad()
                    _, logits = self.network_(X_tensor[batch])
                    loss = loss_function(logits, y_tensor[batch])
                    loss.backward()
                    optimizer.step()
        self.network_.eval()

        features, _ = self._forward(X)
        self._fit_mahalanobis(features, y_encoded)
        return self

    def _forward(self, X):
        """Return the penultimate features and the logits of X as float64 arrays."""
        with torch.no_grad():
            features, logits = self.network_(torch.as_tensor(X, dtype=torch.float32))
        return features.double().numpy(), logits.double().numpy()

    def _fit_mahalanobis(self, features, y_encoded):
        """Store the class means and the inverse of the pooled covariance."""
        n_classes = len(self.classes_)
        self.class_means_ = np.stack(
            [features[y_encoded == k].mean(axis=0) for k in range(n_classes)]
        )
        centered = features - self.class_means_[y_encoded]
        covariance = centered.T @ centered / len(features)
        covariance += _COVARIANCE_RIDGE * np.eye(covariance.shape[0])
        self.precision_ = np.linalg.pinv(covariance, hermitian=True)

    def predict(self, X):
        """Return the predicted class labels of X."""
        _, logits = self._forward(X)
        return self.classes_[logits.argmax(axis=1)]

    def ood_scores(self, X):
        """Return the MSP, energy and Mahalanobis OOD scores of X (higher = more OOD).

        Returns
        -------
        dict of str to ndarray of shape (n_samples,)
            Keys ``"msp"``, ``"energy"`` and ``"mahalanobis"``.
        """
        features, logits = self._forward(X)
        squared_distances = np.empty((len(features), len(self.class_means_)))
        for k, mean in enumerate(self.class_means_):
            differences = features - mean
            squared_distances[:, k] = np.sum((differences @ self.precision_) * differences, axis=1)
        return {
            "msp": -softmax(logits, axis=1).max(axis=1),
            "energy": -logsumexp(logits, axis=1),
            "mahalanobis": squared_distances.min(axis=1),
        }


class _SklearnDetector:
    """Wrap a scikit-learn outlier detector so that higher scores mean more OOD."""

    def __init__(self, detector, max_rows, seed):
        self.detector = detector
        self.max_rows = max_rows
        self.seed = seed

    def fit(self, X):
        rows = subsample_rows(X, self.max_rows, self.seed)
        self.n_fit_rows_ = len(rows)
        self.detector.fit(rows)
        return self

    def ood_scores(self, X):
        # scikit-learn's score_samples is higher for more typical rows.
        return -self.detector.score_samples(X)


class _PyODDetector:
    """Wrap a PyOD detector; its decision_function is already higher = more OOD."""

    def __init__(self, detector, max_rows, seed):
        self.detector = detector
        self.max_rows = max_rows
        self.seed = seed

    def fit(self, X):
        rows = subsample_rows(X, self.max_rows, self.seed)
        self.n_fit_rows_ = len(rows)
        self.detector.fit(rows)
        return self

    def ood_scores(self, X):
        return np.asarray(self.detector.decision_function(X), dtype=np.float64)


def make_detector(name, *, n_features, seed):
    """Build the unsupervised detector ``name`` with the benchmark's settings.

    Parameters
    ----------
    name : {"iforest", "lof", "ocsvm", "ecod", "knn", "deepsvdd"}
        Detector to build. The PyOD ones need ``pyod`` installed.
    n_features : int
        Number of input features (DeepSVDD needs it up front).
    seed : int
        Seed of the detector and of the training-row subsample.

    Returns
    -------
    object
        An object with ``fit(X)`` and ``ood_scores(X)`` (higher = more OOD),
        and ``n_fit_rows_`` after fitting.
    """
    limit = SUBSAMPLE_LIMITS.get(name)
    if name == "iforest":
        return _SklearnDetector(IsolationForest(random_state=seed), limit, seed)
    if name == "lof":
        return _SklearnDetector(LocalOutlierFactor(novelty=True), limit, seed)
    if name == "ocsvm":
        return _SklearnDetector(OneClassSVM(), limit, seed)

    if name == "ecod":
        from pyod.models.ecod import ECOD

        return _PyODDetector(ECOD(), limit, seed)
    if name == "knn":
        from pyod.models.knn import KNN

        return _PyODDetector(KNN(), limit, seed)
    if name == "deepsvdd":
        from pyod.models.deep_svdd import DeepSVDD

        # PyOD's defaults (100 epochs of batch 32) run ten times as many
        # updates as 20 epochs of batch 64. The smaller budget keeps its cost
        # near that of the other deep methods.
        detector = DeepSVDD(n_features=n_features, epochs=20, batch_size=64,
                            verbose=0, random_state=seed)
        return _PyODDetector(detector, limit, seed)
    raise ValueError(
        f"Unknown detector {name!r}. Use one of 'iforest', 'lof', 'ocsvm', "
        f"'ecod', 'knn' or 'deepsvdd'."
    )
