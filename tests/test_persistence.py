"""Persistence: pickle with a version check, GPU-to-CPU loading, files without pickle."""

import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_array_equal
from skorch.exceptions import DeviceWarning
from torch import nn

import mcdd_sklearn
from mcdd_sklearn import IncompatibleVersionError, MCDDClassifier
from mcdd_sklearn._persistence import VERSION_KEY


def _assert_same_outputs(restored, original, X):
    assert_array_equal(restored.decision_function(X), original.decision_function(X))
    assert_array_equal(restored.predict_proba(X), original.predict_proba(X))
    assert_array_equal(restored.predict(X), original.predict(X))


def test_pickle_stores_library_version(fitted_wine):
    """The pickled state carries the installed library version."""
    state = fitted_wine.__getstate__()
    assert state[VERSION_KEY] == mcdd_sklearn.__version__
    assert VERSION_KEY not in vars(pickle.loads(pickle.dumps(fitted_wine)))


def test_pickle_from_other_minor_version_raises(fitted_wine, monkeypatch):
    """A pickle written by another major.minor version raises a clear error."""
    monkeypatch.setattr(mcdd_sklearn, "__version__", "0.0.9")
    payload = pickle.dumps(fitted_wine)
    monkeypatch.undo()
    with pytest.raises(IncompatibleVersionError, match="saved by mcdd-sklearn 0.0.9"):
        pickle.loads(payload)


def test_pickle_from_other_patch_version_loads(fitted_wine, wine, monkeypatch):
    """A pickle from the same major.minor with another patch level loads."""
    major, minor = mcdd_sklearn.__version__.split(".")[:2]
    monkeypatch.setattr(mcdd_sklearn, "__version__", f"{major}.{minor}.99")
    payload = pickle.dumps(fitted_wine)
    monkeypatch.undo()
    _assert_same_outputs(pickle.loads(payload), fitted_wine, wine[0])


def test_state_without_version_raises(fitted_wine):
    """A state that stores no version is rejected, naming the cause."""
    state = fitted_wine.__getstate__()
    del state[VERSION_KEY]
    empty = MCDDClassifier.__new__(MCDDClassifier)
    with pytest.raises(IncompatibleVersionError, match="unknown version"):
        empty.__setstate__(state)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_gpu_model_loads_on_cpu(fitted_wine, wine, tmp_path):
    """A net whose device is CUDA loads on a CPU-only machine with a DeviceWarning."""
    X, _ = wine
    gpu_model = pickle.loads(pickle.dumps(fitted_wine))
    # Without a GPU the tensors stay on the CPU. Only skorch's device field
    # is set to CUDA, and that field drives skorch's remapping on load.
    gpu_model.set_params(device="cuda")
    gpu_model.net_.device = "cuda"
    path = tmp_path / "gpu_model.joblib"
    joblib.dump(gpu_model, path)

    with pytest.warns(DeviceWarning) as record:
        restored = joblib.load(path)
    messages = " ".join(str(warning.message) for warning in record)
    assert "no CUDA devices are available" in messages
    assert torch.device(restored.net_.device).type == "cpu"
    assert next(restored.net_.module_.parameters()).device.type == "cpu"
    _assert_same_outputs(restored, fitted_wine, X)


def test_save_params_round_trip(fitted_wine, wine, tmp_path):
    """save_params then load_params restores identical outputs and attributes."""
    X, _ = wine
    path = tmp_path / "model.pt"
    assert fitted_wine.save_params(path) is fitted_wine

    restored = MCDDClassifier(max_epochs=3).load_params(path)
    _assert_same_outputs(restored, fitted_wine, X)
    assert_array_equal(restored.classes_, fitted_wine.classes_)
    assert restored.classes_.dtype == fitted_wine.classes_.dtype
    assert restored.n_features_in_ == 13
    assert restored.n_epochs_ == fitted_wine.n_epochs_
    assert getattr(restored, "threshold_", None) == getattr(
        fitted_wine, "threshold_", None
    )
    assert restored.history_[-1, "train_loss"] == fitted_wine.history_[-1, "train_loss"]


def test_save_params_file_loads_weights_only(fitted_wine, tmp_path):
    """The file reads with torch.load(weights_only=True): no pickled code."""
    path = tmp_path / "model.pt"
    fitted_wine.save_params(path)
    content = torch.load(path, weights_only=True)
    assert content["library_version"] == mcdd_sklearn.__version__
    assert content["estimator"] == "MCDDClassifier"
    centers = content["module_state"]["distance_layer.centers"]
    assert tuple(centers.shape) == (3, 128)


def test_save_params_string_labels_and_frame(wine, tmp_path):
    """String classes and DataFrame column names survive the round trip."""
    X, y = wine
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(13)])
    labels = np.array(["barolo", "grignolino", "barbera"])[y]
    clf = MCDDClassifier(
        hidden_layer_sizes=(16,), latent_dim=4, max_epochs=3, random_state=0
    ).fit(frame, labels)
    path = tmp_path / "model.pt"
    clf.save_params(path)

    restored = MCDDClassifier(hidden_layer_sizes=(16,), latent_dim=4).load_params(path)
    assert_array_equal(restored.feature_names_in_, clf.feature_names_in_)
    assert_array_equal(restored.classes_, ["barbera", "barolo", "grignolino"])
    _assert_same_outputs(restored, clf, frame)


def test_save_params_custom_extractor(wine, tmp_path):
    """A custom feature_extractor loads into an estimator built with the same one."""
    X, y = wine
    extractor = nn.Sequential(nn.Linear(13, 8), nn.Tanh(), nn.Linear(8, 3))
    clf = MCDDClassifier(feature_extractor=extractor, max_epochs=3, random_state=0)
    clf.fit(X, y)
    path = tmp_path / "model.pt"
    clf.save_params(path)

    restored = MCDDClassifier(feature_extractor=extractor).load_params(path)
    _assert_same_outputs(restored, clf, X)
    with pytest.raises(ValueError, match="custom feature extractor"):
        MCDDClassifier().load_params(path)


def test_load_params_architecture_mismatch(fitted_wine, tmp_path):
    """A different latent_dim raises and names the saved value."""
    path = tmp_path / "model.pt"
    fitted_wine.save_params(path)
    with pytest.raises(ValueError, match=r"latent_dim=128"):
        MCDDClassifier(latent_dim=8).load_params(path)


def test_load_params_other_version_raises(fitted_wine, tmp_path, monkeypatch):
    """A file written by another major.minor version raises."""
    path = tmp_path / "model.pt"
    monkeypatch.setattr(mcdd_sklearn, "__version__", "7.3.0")
    fitted_wine.save_params(path)
    monkeypatch.undo()
    with pytest.raises(IncompatibleVersionError, match="parameter file was saved by"):
        MCDDClassifier().load_params(path)


def test_load_params_rejects_skorch_file(fitted_wine, tmp_path):
    """A bare state_dict from net_.save_params is pointed to skorch's loader."""
    path = tmp_path / "weights.pt"
    fitted_wine.net_.save_params(f_params=path)
    with pytest.raises(ValueError, match="net_.load_params"):
        MCDDClassifier().load_params(path)


def test_skorch_save_params_weights_only(fitted_wine, wine, tmp_path):
    """The documented skorch route: net_.save_params into a fitted estimator."""
    X, y = wine
    path = tmp_path / "weights.pt"
    fitted_wine.net_.save_params(f_params=path)
    other = MCDDClassifier(max_epochs=1, random_state=1).fit(X, y)
    other.net_.load_params(f_params=path)
    assert_array_equal(other.decision_function(X), fitted_wine.decision_function(X))


def test_load_params_keeps_global_rng(fitted_wine, tmp_path):
    """Building the network on load leaves torch's global random state alone."""
    path = tmp_path / "model.pt"
    fitted_wine.save_params(path)
    before = torch.random.get_rng_state()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MCDDClassifier().load_params(path)
    assert torch.equal(torch.random.get_rng_state(), before)
