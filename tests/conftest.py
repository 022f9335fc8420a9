"""Shared fixtures: small real data sets and one fitted estimator."""

import os
from pathlib import Path

import pytest
from sklearn.datasets import load_iris, load_wine
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mcdd_sklearn import MCDDClassifier

# The offline UCI copies: $MCDD_SKLEARN_DATA, else a shared/data folder
# beside the checkout, where the project's machines keep them.
SHARED_DATA_DIR = Path(
    os.environ.get("MCDD_SKLEARN_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)


@pytest.fixture(scope="session")
def shared_data_dir():
    """Directory of the offline UCI copies; tests that need it skip without it."""
    if not SHARED_DATA_DIR.is_dir():
        pytest.skip(f"offline UCI copies not found at {SHARED_DATA_DIR}")
    return SHARED_DATA_DIR


@pytest.fixture(scope="session")
def wine():
    """scikit-learn's wine data, standardised: 178 rows, 13 features, 3 classes."""
    X, y = load_wine(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, y


@pytest.fixture(scope="session")
def fitted_wine(wine):
    """An MCDDClassifier trained on standardised wine with a fixed seed."""
    X, y = wine
    return MCDDClassifier(max_epochs=60, random_state=0).fit(X, y)


@pytest.fixture
def scaled_mcdd():
    """A StandardScaler + MCDDClassifier pipeline with a short fixed budget."""
    return make_pipeline(StandardScaler(), MCDDClassifier(max_epochs=40, random_state=0))
