"""A custom CNN feature extractor trained on scikit-learn's 8x8 digit images."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from torch import nn

from mcdd_sklearn import MCDDClassifier


class SmallDigitCNN(nn.Module):
    """Reshape 64 pixel columns to a 1x8x8 image, two conv blocks, a 32-d latent."""

    def __init__(self, latent_dim=32):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 2 * 2, latent_dim),
        )

    def forward(self, X):
        return self.features(X.reshape(-1, 1, 8, 8))


@pytest.fixture(scope="module")
def cnn_fit():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    is_id = y != 9
    X_train, X_test, y_train, y_test = train_test_split(
        X[is_id], y[is_id], test_size=0.3, random_state=0, stratify=y[is_id]
    )
    torch.manual_seed(0)
    backbone = SmallDigitCNN()
    clf = MCDDClassifier(feature_extractor=backbone, max_epochs=40, random_state=0)
    clf.fit(X_train, y_train)
    return clf, backbone, X_test, y_test, X[~is_id]


def test_cnn_latent_size_inferred(cnn_fit):
    clf, _, _, _, _ = cnn_fit
    assert clf.net_.module_.distance_layer.centers.shape == (9, 32)
    assert isinstance(clf.net_.module_.feature_extractor, SmallDigitCNN)


def test_cnn_backbone_not_trained_in_place(cnn_fit):
    """The module passed as feature_extractor keeps its initial weights."""
    clf, backbone, _, _, _ = cnn_fit
    trained = clf.net_.module_.feature_extractor
    assert not torch.equal(trained.features[0].weight, backbone.features[0].weight)


def test_cnn_accuracy_and_ood(cnn_fit):
    """The CNN classifies held-in digits and ranks the held-out digit 9 as OOD."""
    clf, _, X_test, y_test, X_ood = cnn_fit
    assert clf.score(X_test, y_test) > 0.93
    scores = np.r_[clf.decision_function(X_test), clf.decision_function(X_ood)]
    is_ood = np.r_[np.zeros(len(X_test)), np.ones(len(X_ood))]
    assert roc_auc_score(is_ood, scores) > 0.8


def test_cnn_class_as_feature_extractor():
    """A Module class is instantiated at fit."""
    X, y = load_digits(return_X_y=True)
    clf = MCDDClassifier(feature_extractor=SmallDigitCNN, max_epochs=2, random_state=0)
    clf.fit(X[:200] / 16.0, y[:200])
    assert clf.net_.module_.distance_layer.centers.shape == (10, 32)


def test_bad_feature_extractor_output_named():
    """A backbone returning images instead of vectors gets a clear error."""
    X, y = load_digits(return_X_y=True)
    bad = nn.Unflatten(1, (1, 8, 8))
    with pytest.raises(ValueError, match=r"2-D tensor of shape \(batch, d\).*\(2, 1, 8, 8\)"):
        MCDDClassifier(feature_extractor=bad, max_epochs=1).fit(X[:50], y[:50])
