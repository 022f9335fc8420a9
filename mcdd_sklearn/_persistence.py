"""Saving and loading fitted MCDDClassifier models, with and without pickle.

Two formats are supported:

- pickle or joblib of the whole estimator. The pickled state carries the
  version of mcdd-sklearn that wrote it, and unpickling raises
  :class:`IncompatibleVersionError` when its major.minor differs from the
  installed one. skorch's own ``__getstate__`` / ``__setstate__`` store the
  torch tensors so that a model trained on a GPU loads on a machine without
  one (its tensors are mapped to the CPU, with a skorch ``DeviceWarning``).
- a torch file written by ``save_params``, which holds only tensors, numbers,
  strings, lists and dicts, so ``torch.load(..., weights_only=True)`` reads
  it without running pickled code. Loading needs an estimator constructed
  with the same network parameters.
"""

import json
import re

import numpy as np
import torch
from skorch.history import History
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

__all__ = ["IncompatibleVersionError"]

# Key of the library version in the pickled state of an estimator.
VERSION_KEY = "_mcdd_sklearn_version"

# Layout version of the file written by ``save_fitted``. Bump it when the
# layout changes, so that old files fail with a clear message.
FILE_FORMAT = 1

# Fitted attributes that are stored by other means than plain values.
_NOT_PLAIN_ATTRIBUTES = ("net_", "history_")

# Constructor parameters that decide the shape of the default network.
_ARCHITECTURE_PARAMS = ("hidden_layer_sizes", "latent_dim")

_PLAIN_TYPES = (str, int, float, bool, type(None))


class IncompatibleVersionError(ValueError):
    """A model saved by another major.minor version of mcdd-sklearn was loaded.

    The network layout and the fitted attributes may differ between such
    versions, so loading could give wrong scores without any error.
    """


def _installed_version():
    from . import __version__

    return __version__


def _major_minor(version):
    match = re.match(r"(\d+)\.(\d+)", str(version))
    return None if match is None else (int(match[1]), int(match[2]))


def check_saved_version(saved_version, *, source):
    """Raise ``IncompatibleVersionError`` unless the major.minor versions match.

    Parameters
    ----------
    saved_version : str or None
        Version stored with the model, or None when none was stored.
    source : str
        What is being loaded, for the message (e.g. "pickled model").
    """
    installed = _installed_version()
    if saved_version is not None and _major_minor(saved_version) == _major_minor(
        installed
    ):
        return
    saved_text = (
        "an unknown version (it stores none)"
        if saved_version is None
        else f"mcdd-sklearn {saved_version}"
    )
    raise IncompatibleVersionError(
        f"This {source} was saved by {saved_text}, but mcdd-sklearn {installed} "
        "is installed. Models load only into the same major.minor version, "
        "because the network layout and the fitted attributes can change "
        "between versions. Install the version that saved the model to load "
        "it, or train the model again with this version."
    )


def add_version(state):
    """Return a copy of a pickled state with the installed library version added."""
    return {**state, VERSION_KEY: _installed_version()}


def pop_checked_version(state):
    """Remove the library version from a pickled state after checking it."""
    state = dict(state)
    check_saved_version(state.pop(VERSION_KEY, None), source="pickled model")
    return state


# --------------------------------------------------------------------------
# Files without pickle
# --------------------------------------------------------------------------


def _is_plain(value):
    if isinstance(value, _PLAIN_TYPES):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(item) for item in value)
    return False


def _encode_attribute(name, value):
    """Return ``value`` as plain Python data that ``weights_only`` loading accepts."""
    if isinstance(value, np.ndarray):
        items = value.tolist()
        if _is_plain(items):
            return {"ndarray": items, "dtype": value.dtype.str}
    elif isinstance(value, np.generic):
        return value.item()
    elif _is_plain(value):
        return value
    raise TypeError(
        f"save_params cannot store the fitted attribute {name} of type "
        f"{type(value).__name__} without pickle. Save the whole estimator "
        "with joblib.dump instead."
    )


def _decode_attribute(value):
    if isinstance(value, dict) and set(value) == {"ndarray", "dtype"}:
        return np.asarray(value["ndarray"], dtype=np.dtype(value["dtype"]))
    return value


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"history value of type {type(value).__name__} is not JSON")


def _architecture(estimator):
    params = estimator.get_params(deep=False)
    return {name: params[name] for name in _ARCHITECTURE_PARAMS}


def save_fitted(estimator, path):
    """Write the fitted state of an MCDDClassifier to ``path`` without pickle."""
    check_is_fitted(estimator)
    attributes = {
        name: _encode_attribute(name, value)
        for name, value in vars(estimator).items()
        if name.endswith("_")
        and not name.startswith("_")
        and name not in _NOT_PLAIN_ATTRIBUTES
    }
    architecture = {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in _architecture(estimator).items()
    }
    module_state = {
        key: tensor.detach().cpu()
        for key, tensor in estimator.net_.module_.state_dict().items()
    }
    torch.save(
        {
            "format": FILE_FORMAT,
            "library_version": _installed_version(),
            "estimator": type(estimator).__name__,
            "uses_feature_extractor": estimator.feature_extractor is not None,
            "architecture": architecture,
            "attributes": attributes,
            "history": json.dumps(list(estimator.history_), default=_json_default),
            "module_state": module_state,
        },
        path,
    )


def _read_file(path):
    try:
        content = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ValueError(
            f"Could not read {path!s} as a file written by "
            f"MCDDClassifier.save_params: {exc}"
        ) from exc
    if not isinstance(content, dict) or "library_version" not in content:
        raise ValueError(
            f"{path!s} is a torch file but not one written by "
            "MCDDClassifier.save_params. For a state_dict saved with "
            "net_.save_params, use clf.net_.load_params on a fitted estimator."
        )
    check_saved_version(content["library_version"], source="parameter file")
    if content.get("format") != FILE_FORMAT:
        raise ValueError(
            f"{path!s} has file format {content.get('format')!r}, but this "
            f"version reads format {FILE_FORMAT}. Save the model again."
        )
    return content


def _check_architecture(estimator, content):
    if content["uses_feature_extractor"] != (estimator.feature_extractor is not None):
        saved = "a custom" if content["uses_feature_extractor"] else "the default MLP"
        raise ValueError(
            f"The file was saved from a model with {saved} feature extractor, "
            f"but this estimator has feature_extractor={estimator.feature_extractor!r}. "
            "Construct the estimator with the same feature_extractor."
        )
    if content["uses_feature_extractor"]:
        return
    current = _architecture(estimator)
    mismatched = {
        name: saved
        for name, saved in content["architecture"].items()
        if list(np.atleast_1d(current[name])) != list(np.atleast_1d(saved))
    }
    if mismatched:
        expected_params = ", ".join(f"{name}={value!r}" for name, value in mismatched.items())
        raise ValueError(
            f"The file was saved from a network with {expected_params}, which this "
            "estimator does not match. Construct it with these parameters, "
            f"e.g. MCDDClassifier({expected_params}), before calling load_params."
        )


def load_fitted(estimator, path):
    """Restore the fitted state written by ``save_fitted`` into ``estimator``."""
    content = _read_file(path)
    _check_architecture(estimator, content)
    device = torch.device(estimator.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={estimator.device!r} was requested, but torch reports no "
            "CUDA device. Use set_params(device='cpu') before load_params."
        )

    for name, value in content["attributes"].items():
        setattr(estimator, name, _decode_attribute(value))
    label_encoder = LabelEncoder()
    label_encoder.classes_ = estimator.classes_
    estimator._label_encoder = label_encoder

    # The probe rows only size the network. load_state_dict overwrites the
    # random initial weights, and fork_rng keeps torch's global state.
    n_classes = len(estimator.classes_)
    probe_X = np.zeros((2, estimator.n_features_in_), dtype=np.float32)
    probe_y = np.arange(n_classes, dtype=np.int64)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        net = estimator._build_net(probe_X, probe_y, 0).initialize()
    try:
        net.module_.load_state_dict(content["module_state"])
    except RuntimeError as exc:
        raise ValueError(
            "The saved weights do not fit the network this estimator builds. "
            "Construct the estimator with the feature_extractor the model was "
            f"trained with. The error was: {exc}"
        ) from exc

    net.history = History(json.loads(content["history"]))
    estimator.net_ = net
    estimator.history_ = net.history
    return estimator
