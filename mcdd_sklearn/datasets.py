"""Loaders for the multi-class tables of the Deep-MCDD benchmarks.

Each ``fetch_*`` function returns one data set as a :class:`~sklearn.utils.Bunch`
or as ``(X, y)``, following :mod:`sklearn.datasets`. :func:`load_dataset` loads
any name of :data:`DATASET_NAMES`, including the multi-class sets bundled with
scikit-learn (``digits``, ``wine``, ``iris``).

Files are read from the folder of :func:`get_data_home`, one compressed NumPy
archive per set with the arrays ``X`` and ``y`` (int64 labels) and, for some
sets, ``split``, ``batch``, ``conc``, ``feature_names`` and ``label_names``.

Three offline copies are subsets of their tables: ``gas_drift_partial.npz``
(batches 1-6, 8 and 9: 6,697 of 13,910 rows), ``sensorless_drive_subset.npz``
(200 rows per class: 2,200 of 58,509) and ``mnist_test.npz`` (the 10,000 test
images of 70,000). If the folder contains no file of a set and
``download_if_missing`` is True, the loader downloads the original files (see
:data:`SOURCE_URLS`), converts them to the same layout, checks and saves them.
For the three sets above a download is the full table, saved as
``gas_drift.npz``, ``sensorless_drive.npz`` or ``mnist.npz``, and read in
preference to the subset when both files are present.

Each file is checked when it is read. An offline copy passes if its sha256
matches the published file or if the content digest of its arrays matches. A
copy saved after a download has the same arrays in different zip bytes, so
only the digest can match there. A full table of a subset set passes if its
class counts match the UCI description and, for gas drift and MNIST, if the
rows that the subset also contains have the subset's digest. No exact digest
is known for the full sensorless drive table or for the MNIST training images.
A set is downloaded only when no file of it is present, so a folder with the
subset keeps serving the subset.

The content digest is the sha256 of the rows ``[y, X]`` cast to float32 and
sorted. Sorting ignores row order, because the PMLB copy of letter is in
another order than the UCI file. Float32 absorbs the float noise of the PMLB
copy of segmentation (7.333333500000001 for the UCI text 7.3333335).
"""

import difflib
import gzip
import hashlib
import http.client
import os
import tempfile
import urllib.request
import zipfile

import numpy as np
from sklearn import datasets as _sklearn_datasets
from sklearn.utils import Bunch

from ._dataset_specs import _SPECS
from ._uci_formats import _unlzw

__all__ = [
    "DATASET_NAMES",
    "SOURCE_URLS",
    "ChecksumMismatchError",
    "DownloadError",
    "fetch_gas_drift",
    "fetch_letter",
    "fetch_mnist",
    "fetch_optdigits",
    "fetch_pendigits",
    "fetch_satimage",
    "fetch_segmentation",
    "fetch_sensorless_drive",
    "fetch_shuttle",
    "get_data_home",
    "load_dataset",
]

_UCI = "https://archive.ics.uci.edu/ml/machine-learning-databases/"

# Folder of each set's original files (file names in _SPECS). Point an entry
# at a mirror to download from there.
# NOTE: none of these addresses was reachable from the build machine, so no
# download from them was ever run. The tests serve files on 127.0.0.1.
SOURCE_URLS = {
    "shuttle": _UCI + "statlog/shuttle/",
    "gas_drift": _UCI + "00270/",
    "sensorless_drive": _UCI + "00325/",
    "mnist": "http://yann.lecun.com/exdb/mnist/",
    "letter": _UCI + "letter-recognition/",
    "satimage": _UCI + "statlog/satimage/",
    "pendigits": _UCI + "pendigits/",
    "optdigits": _UCI + "optdigits/",
    "segmentation": _UCI + "image/",
}

_BUNDLED_LOADERS = {
    "digits": _sklearn_datasets.load_digits,
    "wine": _sklearn_datasets.load_wine,
    "iris": _sklearn_datasets.load_iris,
}

DATASET_NAMES = tuple(SOURCE_URLS) + tuple(_BUNDLED_LOADERS)

_DATA_HOME_ENV = "MCDD_SKLEARN_DATA"

# Seconds that one blocking socket operation of a download may take.
_DOWNLOAD_TIMEOUT = 60


class ChecksumMismatchError(OSError):
    """Raised when a data file or a download fails its integrity check."""


class DownloadError(OSError):
    """Raised when the original files of a set cannot be downloaded or parsed."""


# --- Reading and checking ----------------------------------------------------


def _content_sha256(X, y):
    """Return the sha256 of the rows ``[y, X]`` cast to float32 and sorted."""
    # Adding 0 turns -0.0 into 0.0, whose bytes differ.
    table = np.column_stack([y.astype(np.float32), X.astype(np.float32)]) + np.float32(0)
    rows = np.ascontiguousarray(table).view(np.dtype((np.void, 4 * table.shape[1])))
    return hashlib.sha256(np.sort(rows.ravel()).tobytes()).hexdigest()


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _count_classes(y):
    labels, counts = np.unique(y, return_counts=True)
    return {int(label): int(count) for label, count in zip(labels, counts)}


_FIX = ("Delete the file so that the loader downloads it again, or replace it "
        "with a correct copy.")


def _read_arrays(path, known_problem=""):
    """Read an .npz data file; ``known_problem`` prefixes a failure message."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ChecksumMismatchError(
            f"{path} failed its integrity check: {known_problem}it is not a "
            f"readable .npz file ({exc}). {_FIX}"
        ) from exc
    if "X" not in arrays or "y" not in arrays:
        raise ChecksumMismatchError(
            f"{path} failed its integrity check: {known_problem}it lacks the "
            f"arrays 'X' and 'y' (found {sorted(arrays)}). {_FIX}"
        )
    return arrays


def _full_table_problem(spec, arrays):
    """Return why ``arrays`` are not the full table of a subset set, or None."""
    X, y = arrays["X"], arrays["y"]
    counts = _count_classes(y)
    n_features = len(spec.feature_names)
    if X.shape != (len(y), n_features) or counts != spec.full_class_counts:
        return (
            f"expected {sum(spec.full_class_counts.values())} rows x {n_features} "
            f"features with class counts {spec.full_class_counts}, got X of shape "
            f"{X.shape} with class counts {counts}"
        )
    if spec.subset_rows is not None:
        rows = spec.subset_rows(arrays)
        digest = _content_sha256(X[rows], y[rows])
        if digest != spec.content_sha256:
            return (f"the rows that {spec.filename} also contains have the content "
                    f"digest {digest}, expected {spec.content_sha256}")
    return None


def _read_checked(spec, path, *, full_table):
    """Read the arrays of a data file and check them against ``spec``."""
    if full_table:
        arrays = _read_arrays(path)
        problem = _full_table_problem(spec, arrays)
        if problem is not None:
            raise ChecksumMismatchError(f"{path} failed its integrity check: {problem}. {_FIX}")
        return arrays

    file_sha256 = _file_sha256(path)
    if file_sha256 == spec.file_sha256:
        return _read_arrays(path)
    known_problem = f"the file has sha256 {file_sha256}, expected {spec.file_sha256}, and "
    arrays = _read_arrays(path, known_problem)
    digest = _content_sha256(arrays["X"], arrays["y"])
    if digest != spec.content_sha256:
        raise ChecksumMismatchError(
            f"{path} failed its integrity check: {known_problem}its arrays have the "
            f"content digest {digest}, expected {spec.content_sha256}. {_FIX}"
        )
    return arrays


# --- Downloading ---------------------------------------------------------------


def _download(name, spec, data_home):
    """Download, convert, check and save a set; return the saved file's path."""
    base_url = SOURCE_URLS[name].rstrip("/") + "/"
    urls = [base_url + file_name for file_name in spec.source_files]
    raw = {}
    for file_name, url in zip(spec.source_files, urls):
        try:
            with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response:
                raw[file_name] = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise DownloadError(
                f"Failed to download {url} for the {name!r} data set into "
                f"{data_home}: {exc}. Check the network connection, set "
                f"mcdd_sklearn.datasets.SOURCE_URLS[{name!r}] to a mirror, or copy "
                f"{spec.filename} into {data_home}."
            ) from exc

    try:
        for file_name in spec.source_files:
            if file_name.endswith(".Z"):
                raw[file_name[:-2]] = _unlzw(raw.pop(file_name))
            elif file_name.endswith(".gz"):
                raw[file_name[:-3]] = gzip.decompress(raw.pop(file_name))
        arrays = spec.parse(raw)
    except (ValueError, KeyError, EOFError, OSError, zipfile.BadZipFile) as exc:
        raise DownloadError(
            f"The files downloaded from {', '.join(urls)} are not in the expected "
            f"format of the {name!r} data set: {exc}. Nothing was saved to {data_home}."
        ) from exc

    if spec.full_filename is None:
        path = os.path.join(data_home, spec.filename)
        digest = _content_sha256(arrays["X"], arrays["y"])
        problem = None
        if digest != spec.content_sha256:
            problem = f"content digest {digest}, expected {spec.content_sha256}"
    else:
        path = os.path.join(data_home, spec.full_filename)
        problem = _full_table_problem(spec, arrays)
    if problem is not None:
        raise ChecksumMismatchError(
            f"The {name!r} table downloaded from {', '.join(urls)} failed its "
            f"integrity check: {problem}. Nothing was saved to {data_home}. Retry "
            f"later, or copy {spec.filename} into {data_home}."
        )

    # Store the names too, as the offline copies do. label_names[y] is the
    # name of class y.
    label_names = [""] * (int(arrays["y"].max()) + 1)
    for code in _count_classes(arrays["y"]):
        label_names[code] = spec.class_names.get(code, str(code))
    arrays["feature_names"] = np.array(spec.feature_names)
    arrays["label_names"] = np.array(label_names)
    _save_atomically(path, arrays)
    return path


def _save_atomically(path, arrays):
    """Write ``arrays`` to ``path`` so that readers never see a partial file."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez_compressed(file, **arrays)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


# --- Public API ------------------------------------------------------------------


def get_data_home(data_home=None):
    """Return the path of the folder that contains the data files.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to use. If None, the ``MCDD_SKLEARN_DATA`` environment variable
        is used when set and not empty, else ``~/mcdd_sklearn_data``.

    Returns
    -------
    data_home : str
        Absolute path with ``~`` expanded. The folder is not created here; a
        download creates it.
    """
    if data_home is None:
        data_home = os.environ.get(_DATA_HOME_ENV) or os.path.join("~", "mcdd_sklearn_data")
    return os.path.abspath(os.path.expanduser(os.fspath(data_home)))


def _to_bunch(spec, arrays, path, *, is_subset, return_X_y, as_frame):
    X, y = arrays["X"], arrays["y"].astype(np.int64, copy=False)
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    feature_names = list(spec.feature_names)
    counts = _count_classes(y)

    data, target, frame = X, y, None
    if as_frame:
        import pandas as pd

        data = pd.DataFrame(X, columns=feature_names)
        target = pd.Series(y, name="target")
        frame = pd.concat([data, target], axis=1)
    if return_X_y:
        return data, target

    if is_subset:
        extent = f"Subset of the table of {sum(spec.full_class_counts.values())} rows."
    else:
        extent = "Full table."
    descr = (
        f"{spec.title}\n\nSource: {spec.page}\nFile: {path}\n"
        f"{len(y)} rows x {X.shape[1]} features, {len(counts)} classes with "
        f"counts {counts}.\n{extent} {spec.notes}\n"
    )
    bunch = Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=feature_names,
        target_names=np.array([spec.class_names.get(c, str(c)) for c in counts]),
        DESCR=descr,
        filename=path,
        is_subset=is_subset,
    )
    for key in ("split", "batch", "conc"):
        if key in arrays:
            bunch[key] = arrays[key]
    return bunch


_PARAMETERS_DOC = """data_home : str or path-like, default=None
        Folder of the data files. See :func:`get_data_home`.
    download_if_missing : bool, default=True
        If True and no file of the set is in ``data_home``, download the
        original files, check them and save them there. If False, a missing
        file raises FileNotFoundError.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` in place of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame with one column per feature,
        ``target`` a Series named ``"target"``, and ``frame`` contains both.

    Returns
    -------
    dataset : Bunch
        Dictionary-like object with the keys:

        - ``data``: features of shape (n_samples, n_features), float64, or
          float32 for MNIST.
        - ``target``: int64 class codes, as in the source.
        - ``feature_names``: list of str.
        - ``target_names``: name of each class of ``np.unique(target)``, in
          that order.
        - ``frame``: DataFrame of features and target, None unless
          ``as_frame``.
        - ``DESCR``: description of the table and the file read.
        - ``filename``: path of the file read.
        - ``is_subset``: whether the file is a subset of the UCI table.
        - ``split``, ``batch``, ``conc``: arrays of the file, where present.
    (data, target) : tuple
        Returned instead of the Bunch if ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If no file is found and ``download_if_missing`` is False.
    DownloadError
        If a download fails or the downloaded files cannot be parsed.
    ChecksumMismatchError
        If a file, or a download, fails its integrity check.
    """


def _fill_doc(function):
    function.__doc__ = function.__doc__.replace("%(parameters)s", _PARAMETERS_DOC)
    return function


@_fill_doc
def load_dataset(name, *, data_home=None, download_if_missing=True,
                 return_X_y=False, as_frame=False):
    """Load a multi-class data set by name.

    Parameters
    ----------
    name : str
        One of :data:`DATASET_NAMES`. ``"digits"``, ``"wine"`` and ``"iris"``
        come from :mod:`sklearn.datasets`, which ignores ``data_home`` and
        ``download_if_missing`` and returns its own Bunch.
    %(parameters)s
    """
    if name in _BUNDLED_LOADERS:
        return _BUNDLED_LOADERS[name](return_X_y=return_X_y, as_frame=as_frame)
    if name not in _SPECS:
        close = difflib.get_close_matches(str(name), DATASET_NAMES, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Unknown data set {name!r}; expected one of {DATASET_NAMES}.{hint}")

    spec = _SPECS[name]
    data_home = get_data_home(data_home)
    candidates = [(spec.filename, False)]
    if spec.full_filename is not None:
        candidates.insert(0, (spec.full_filename, True))
    for file_name, full_table in candidates:
        path = os.path.join(data_home, file_name)
        if os.path.exists(path):
            break
    else:
        if not download_if_missing:
            looked_for = " or ".join(file_name for file_name, _ in candidates)
            raise FileNotFoundError(
                f"No file of the {name!r} data set in {data_home} (looked for "
                f"{looked_for}) and download_if_missing is False. Copy "
                f"{spec.filename} into that folder, point data_home or the "
                f"{_DATA_HOME_ENV} environment variable at a folder that has it, "
                f"or pass download_if_missing=True on a machine with internet."
            )
        path = _download(name, spec, data_home)
        full_table = spec.full_filename is not None

    arrays = _read_checked(spec, path, full_table=full_table)
    is_subset = spec.full_filename is not None and not full_table
    return _to_bunch(spec, arrays, path, is_subset=is_subset,
                     return_X_y=return_X_y, as_frame=as_frame)


@_fill_doc
def fetch_shuttle(*, data_home=None, download_if_missing=True, return_X_y=False,
                  as_frame=False):
    """Load Statlog (Shuttle): 58,000 rows, 9 features, 7 classes, complete.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("shuttle", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_gas_drift(*, data_home=None, download_if_missing=True, return_X_y=False,
                    as_frame=False):
    """Load Gas Sensor Array Drift: 128 features, 6 gases.

    The offline copy ``gas_drift_partial.npz`` is a subset: batches 1-6, 8
    and 9 (6,697 rows), without batches 7 and 10. A download is the full
    table of 13,910 rows, saved as ``gas_drift.npz`` and read in preference.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("gas_drift", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_sensorless_drive(*, data_home=None, download_if_missing=True,
                           return_X_y=False, as_frame=False):
    """Load Sensorless Drive Diagnosis: 48 features, 11 classes.

    The offline copy ``sensorless_drive_subset.npz`` is a subset of 200 rows
    per class (2,200 rows). A download is the full table of 58,509 rows,
    saved as ``sensorless_drive.npz`` and read in preference.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("sensorless_drive", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_mnist(*, data_home=None, download_if_missing=True, return_X_y=False,
                as_frame=False):
    """Load MNIST as a table: 784 raw pixel values (float32, 0-255), 10 digits.

    The offline copy ``mnist_test.npz`` contains only the 10,000 test images. A
    download is all 70,000 images, training images first, saved as
    ``mnist.npz`` and read in preference.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("mnist", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_letter(*, data_home=None, download_if_missing=True, return_X_y=False,
                 as_frame=False):
    """Load Letter Recognition: 20,000 rows, 16 features, 26 classes, complete.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("letter", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_satimage(*, data_home=None, download_if_missing=True, return_X_y=False,
                   as_frame=False):
    """Load Statlog (Landsat Satellite): 6,435 rows, 36 features, 6 classes.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("satimage", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_pendigits(*, data_home=None, download_if_missing=True, return_X_y=False,
                    as_frame=False):
    """Load Pen-Based Handwritten Digits: 10,992 rows, 16 features, 10 classes.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("pendigits", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_optdigits(*, data_home=None, download_if_missing=True, return_X_y=False,
                    as_frame=False):
    """Load Optical Handwritten Digits: 5,620 rows, 64 features, 10 classes.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("optdigits", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_segmentation(*, data_home=None, download_if_missing=True, return_X_y=False,
                       as_frame=False):
    """Load Image Segmentation: 2,310 rows, 19 features, 7 classes.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("segmentation", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)
