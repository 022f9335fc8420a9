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
import io
import os
import re
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from typing import Callable

import numpy as np
from sklearn import datasets as _sklearn_datasets
from sklearn.utils import Bunch

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


# --- Original file formats -------------------------------------------------


def _unlzw(data):
    """Decompress data in the Unix ``compress`` (.Z) format.

    Codes are packed least significant bit first and start 9 bits wide. The
    width grows by one bit when the code table fills, up to the maximum in the
    header (as gzip does, a maximum of 9 still grows once, to 10). When the
    width grows, and after a CLEAR code (256) in block mode, the stream skips
    to the next group of ``width`` bytes, counted from where the previous
    width began.
    """
    if len(data) < 3 or data[:2] != b"\x1f\x9d":
        raise ValueError("not a .Z file: the magic bytes 1f 9d are missing")
    max_bits = data[2] & 0x1F
    block_mode = bool(data[2] & 0x80)
    if not 9 <= max_bits <= 16:
        raise ValueError(f"invalid .Z header: maximum code width {max_bits}")

    def next_group(position, segment_start, width):
        group = 8 * width
        return segment_start + -(-(position - segment_start) // group) * group

    table = [bytes([i]) for i in range(256)] + ([b""] if block_mode else [])
    first_free = len(table)
    width, max_code = 9, 511
    position = segment_start = 24
    previous = None
    output = bytearray()
    while position + width <= 8 * len(data):
        if len(table) > max_code:
            position = segment_start = next_group(position, segment_start, width)
            width += 1
            max_code = 1 << max_bits if width == max_bits else (1 << width) - 1
            continue
        start = position >> 3
        chunk = int.from_bytes(data[start:start + 3], "little")
        code = (chunk >> (position & 7)) & ((1 << width) - 1)
        position += width
        if block_mode and code == 256:
            position = segment_start = next_group(position, segment_start, width)
            del table[first_free:]
            width, max_code = 9, 511
            previous = None
            continue
        if code < len(table) and (previous is not None or code < 256):
            entry = table[code]
        elif code == len(table) and previous is not None:
            entry = previous + previous[:1]
        else:
            raise ValueError(f"corrupt .Z data: invalid code {code}")
        if previous is not None and len(table) < 1 << max_bits:
            table.append(previous + entry[:1])
        output += entry
        previous = entry
    return bytes(output)


def _parse_numeric_table(raw, n_columns, source):
    """Parse lines of numbers separated by commas and/or whitespace."""
    rows = []
    for line_number, line in enumerate(raw.decode("ascii").splitlines(), 1):
        fields = line.replace(",", " ").split()
        if fields and len(fields) != n_columns:
            raise ValueError(
                f"{source}, line {line_number}: expected {n_columns} values, "
                f"found {len(fields)}"
            )
        if fields:
            rows.append(fields)
    return np.array(rows, dtype=np.float64).reshape(-1, n_columns)


def _stack_tables(tables):
    """Stack tables whose last column is the label.

    With more than one table, ``split`` gives each row the index of its table.
    """
    table = np.vstack(tables)
    arrays = {"X": table[:, :-1], "y": table[:, -1].astype(np.int64)}
    if len(tables) > 1:
        sizes = [len(part) for part in tables]
        arrays["split"] = np.repeat(np.arange(len(tables), dtype=np.int8), sizes)
    return arrays


def _numeric_parser(names, n_columns):
    """Return a parser for numeric files with the label in the last column."""

    def parse(raw):
        return _stack_tables([_parse_numeric_table(raw[n], n_columns, n) for n in names])

    return parse


def _parse_letter(raw):
    # Each line is a capital letter and 16 integers. y is 1 for A, 26 for Z.
    lines = raw["letter-recognition.data"].decode("ascii").split()
    for line_number, line in enumerate(lines, 1):
        if not ("A" <= line[0] <= "Z" and line[1:2] == ","):
            raise ValueError(
                f"letter-recognition.data, line {line_number}: expected a capital "
                "letter and a comma first"
            )
    features = "\n".join(line[2:] for line in lines).encode("ascii")
    return {
        "X": _parse_numeric_table(features, 16, "letter-recognition.data"),
        "y": np.array([ord(line[0]) - ord("A") + 1 for line in lines], dtype=np.int64),
    }


_SEGMENT_CLASSES = ("BRICKFACE", "CEMENT", "FOLIAGE", "GRASS", "PATH", "SKY", "WINDOW")


def _parse_segmentation(raw):
    # After a few header lines, each line is the class name and 19 numbers.
    # y is the index of the name in alphabetical order.
    tables = []
    for name in ("segmentation.data", "segmentation.test"):
        rows = []
        for line in raw[name].decode("ascii").splitlines():
            fields = line.strip().split(",")
            if len(fields) == 20 and fields[0] in _SEGMENT_CLASSES:
                rows.append(fields[1:] + [_SEGMENT_CLASSES.index(fields[0])])
        if not rows:
            raise ValueError(f"{name}: no data lines found")
        tables.append(np.array(rows, dtype=np.float64))
    return _stack_tables(tables)


def _parse_gas_drift(raw):
    # Each line of batch<k>.dat reads "label;concentration 1:value ... 128:value".
    rows, labels, concentrations, batches = [], [], [], []
    with zipfile.ZipFile(io.BytesIO(raw["driftdataset.zip"])) as archive:
        members = {}
        for member in archive.namelist():
            match = re.search(r"batch(\d+)\.dat$", member)
            if match:
                members[int(match.group(1))] = member
        for batch in sorted(members):
            for line in archive.read(members[batch]).decode("ascii").splitlines():
                tokens = line.split()
                if not tokens:
                    continue
                label, _, concentration = tokens[0].partition(";")
                values = dict(token.split(":") for token in tokens[1:])
                rows.append([values[str(k)] for k in range(1, 129)])
                labels.append(int(label))
                concentrations.append(concentration or "nan")
                batches.append(batch)
    return {
        "X": np.array(rows, dtype=np.float64).reshape(-1, 128),
        "y": np.array(labels, dtype=np.int64),
        "batch": np.array(batches, dtype=np.int64),
        "conc": np.array(concentrations, dtype=np.float64),
    }


def _read_idx(data, name, n_dims):
    """Read an array of unsigned bytes in the IDX format of MNIST."""
    magic = int.from_bytes(data[:4], "big")
    if magic != 0x800 + n_dims:
        raise ValueError(f"{name}: IDX magic number {magic:#x}, expected {0x800 + n_dims:#x}")
    n_items = int.from_bytes(data[4:8], "big")
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * n_dims)
    return values.reshape(n_items, -1) if n_dims > 1 else values


def _parse_mnist(raw):
    X, y = [], []
    for prefix in ("train", "t10k"):
        images = _read_idx(raw[f"{prefix}-images-idx3-ubyte"], prefix, 3)
        labels = _read_idx(raw[f"{prefix}-labels-idx1-ubyte"], prefix, 1)
        if len(images) != len(labels):
            raise ValueError(f"{prefix}: {len(images)} images but {len(labels)} labels")
        X.append(images.astype(np.float32))
        y.append(labels.astype(np.int64))
    split = np.repeat(np.array([0, 1], dtype=np.int8), [len(labels) for labels in y])
    return {"X": np.vstack(X), "y": np.concatenate(y), "split": split}


# --- Specifications ----------------------------------------------------------


@dataclass(frozen=True)
class _DatasetSpec:
    """Known facts about one data set, and how to parse its original files."""

    title: str
    page: str
    filename: str
    file_sha256: str
    content_sha256: str
    source_files: tuple
    parse: Callable
    feature_names: tuple
    class_names: dict
    notes: str
    # Subset sets only: the file name and class counts of the full table, and
    # the rows of the full table that the offline subset contains (None where
    # they are unknown).
    full_filename: str = None
    full_class_counts: dict = None
    subset_rows: Callable = None


def _numbered(prefix, count):
    return tuple(f"{prefix}{i}" for i in range(1, count + 1))


_DIGITS = {digit: str(digit) for digit in range(10)}

_SPECS = {
    "shuttle": _DatasetSpec(
        title="Statlog (Shuttle)",
        page="https://archive.ics.uci.edu/dataset/148/statlog+shuttle",
        filename="shuttle.npz",
        file_sha256="0c86364ee5d898275de37eaab8609e53c767313f630e6cbc471f475b31fcf90c",
        content_sha256="7e5087a0bb64a26e9170122a953a6e2076b0638b19f938ac400dc1de9ef37ff0",
        source_files=("shuttle.trn.Z", "shuttle.tst"),
        parse=_numeric_parser(("shuttle.trn", "shuttle.tst"), 10),
        feature_names=_numbered("A", 9),
        class_names=dict(enumerate(("Rad Flow", "Fpv Close", "Fpv Open", "High",
                                    "Bypass", "Bpv Close", "Bpv Open"), start=1)),
        notes="shuttle.trn (43,500 rows, split 0) then shuttle.tst (14,500, "
        "split 1). Class 1 is 78.6% of the rows; classes 6 and 7 have 10 and 13.",
    ),
    "gas_drift": _DatasetSpec(
        title="Gas Sensor Array Drift at Different Concentrations",
        page="https://archive.ics.uci.edu/dataset/270",
        filename="gas_drift_partial.npz",
        file_sha256="4f11274c76b801d8e568ad858e22c30b2a120a99132843a2c06e7be151e221ad",
        content_sha256="a6b4ba853af4731c5a0e33420929e1c59bd44ddef45300d0d5708f10042a326e",
        source_files=("driftdataset.zip",),
        parse=_parse_gas_drift,
        feature_names=tuple(f"sensor{s}_feature{f}"
                            for s in range(1, 17) for f in range(1, 9)),
        class_names=dict(enumerate(("Ethanol", "Ethylene", "Ammonia", "Acetaldehyde",
                                    "Acetone", "Toluene"), start=1)),
        notes="Rows are in batch order (``batch``); ``conc`` is the concentration "
        "in ppmv. Column scales range from about 4 to 7e5: standardise first.",
        full_filename="gas_drift.npz",
        full_class_counts={1: 2565, 2: 2926, 3: 1641, 4: 1936, 5: 3009, 6: 1833},
        subset_rows=lambda arrays: ~np.isin(arrays["batch"], [7, 10]),
    ),
    "sensorless_drive": _DatasetSpec(
        title="Dataset for Sensorless Drive Diagnosis",
        page="https://archive.ics.uci.edu/dataset/325",
        filename="sensorless_drive_subset.npz",
        file_sha256="34b33f61f187231c581933ca6f33e8951338064238c739af932e3a2373b3d6dc",
        content_sha256="1f7c1bb229cc6713f11c2d9710409e69f25d3f2c3d8c15cbbaec98f3303b3ed7",
        source_files=("Sensorless_drive_diagnosis.txt",),
        parse=_numeric_parser(("Sensorless_drive_diagnosis.txt",), 49),
        feature_names=_numbered("A", 48),
        class_names={},
        notes="UCI names no classes, so target_names holds the codes 1-11. "
        "Values span about 1e-9 to 3e2: standardise first.",
        full_filename="sensorless_drive.npz",
        full_class_counts={label: 5319 for label in range(1, 12)},
    ),
    "mnist": _DatasetSpec(
        title="MNIST handwritten digits, as a table",
        page="http://yann.lecun.com/exdb/mnist/",
        filename="mnist_test.npz",
        file_sha256="4a2289c3e4b606d6bc632ca5a138690577a7eaa8b116c3da5486555ee6126f95",
        content_sha256="519cb95210390e0cd623b7022f53b9055c8c79e5a905cdfce5e9f4873388f194",
        source_files=("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
        parse=_parse_mnist,
        feature_names=_numbered("pixel", 784),
        class_names=_DIGITS,
        notes="X is float32 with the raw pixel values 0-255 of a 28x28 image, "
        "row by row. The full table has the 60,000 training images (split 0) "
        "before the 10,000 test images (split 1).",
        full_filename="mnist.npz",
        # Training counts 5923, 6742, ... plus the test counts 980, 1135, ...
        full_class_counts={0: 6903, 1: 7877, 2: 6990, 3: 7141, 4: 6824,
                           5: 6313, 6: 6876, 7: 7293, 8: 6825, 9: 6958},
        subset_rows=lambda arrays: arrays["split"] == 1,
    ),
    "letter": _DatasetSpec(
        title="Letter Recognition",
        page="https://archive.ics.uci.edu/dataset/59/letter+recognition",
        filename="letter.npz",
        file_sha256="1f1980fd5771312e266f7b2f894457b140d2166384a5f3c448f9d698f004c61e",
        content_sha256="01e63ced93f4368518b176b7acd63e7addcc10af80be23a7ab055a74b642379e",
        source_files=("letter-recognition.data",),
        parse=_parse_letter,
        feature_names=("x-box", "y-box", "width", "high", "onpix", "x-bar", "y-bar",
                       "x2bar", "y2bar", "xybar", "x2ybr", "xy2br", "x-ege", "xegvy",
                       "y-ege", "yegvx"),
        class_names={i: chr(ord("A") + i - 1) for i in range(1, 27)},
        # NOTE: seeded splits of the offline copy and of a download differ.
        notes="y = 1 for A to 26 for Z; features are integers 0-15. The offline "
        "copy (from PMLB) holds the rows of the UCI file in another order.",
    ),
    "satimage": _DatasetSpec(
        title="Statlog (Landsat Satellite)",
        page="https://archive.ics.uci.edu/dataset/146/statlog+landsat+satellite",
        filename="satimage.npz",
        file_sha256="1fe6aae2b0d0928bd55a80b09084aeb7645ec2938a28d530664792cbf75351e5",
        content_sha256="4f163d0cdeaed1cf7bf1c0f140bbd0f37c50e7ed36b019cc5cfb5e00d9894acd",
        source_files=("sat.trn", "sat.tst"),
        parse=_numeric_parser(("sat.trn", "sat.tst"), 37),
        feature_names=_numbered("A", 36),
        class_names={1: "red soil", 2: "cotton crop", 3: "grey soil",
                     4: "damp grey soil", 5: "soil with vegetation stubble",
                     7: "very damp grey soil"},
        notes="sat.trn (4,435 rows) then sat.tst (2,000). There is no class 6.",
    ),
    "pendigits": _DatasetSpec(
        title="Pen-Based Recognition of Handwritten Digits",
        page="https://archive.ics.uci.edu/dataset/81",
        filename="pendigits.npz",
        file_sha256="c9f8c832f2ed19bd2a1b5a7f4b83a12917688c8c3dcdd579cef249efab2fea65",
        content_sha256="d54904f871bdb862470ea02bca1f598ef70727d413b01ffe860b62201207fde6",
        source_files=("pendigits.tra", "pendigits.tes"),
        parse=_numeric_parser(("pendigits.tra", "pendigits.tes"), 17),
        feature_names=_numbered("input", 16),
        class_names=_DIGITS,
        notes="pendigits.tra (7,494 rows) then pendigits.tes (3,498). "
        "Features are integers 0-100.",
    ),
    "optdigits": _DatasetSpec(
        title="Optical Recognition of Handwritten Digits",
        page="https://archive.ics.uci.edu/dataset/80",
        filename="optdigits.npz",
        file_sha256="f901ab50e8b6bf67bd198f43977a6412a7f5c336cb706192811f2d064a8ab450",
        content_sha256="f61c930f0e9868b69790b230c6d40abba2c4d92962adb87862487e41d8e68f3f",
        source_files=("optdigits.tra", "optdigits.tes"),
        parse=_numeric_parser(("optdigits.tra", "optdigits.tes"), 65),
        feature_names=_numbered("input", 64),
        class_names=_DIGITS,
        notes="optdigits.tra (3,823 rows) then optdigits.tes (1,797). Features "
        "are 8x8 block counts 0-16; columns 0 and 39 are always zero.",
    ),
    "segmentation": _DatasetSpec(
        title="Image Segmentation",
        page="https://archive.ics.uci.edu/dataset/50/image+segmentation",
        filename="segmentation.npz",
        file_sha256="6ad89fabf6e155c0d6261d6d2c5322bd26b6f42e31399d356bef4f265211e4f6",
        content_sha256="a5e0673d14536fe09fa7e453c91585988f056f6037cfbdeb6b29020945325aaf",
        source_files=("segmentation.data", "segmentation.test"),
        parse=_parse_segmentation,
        # The offline copy misspells "saturation-mean"; the UCI header does not.
        feature_names=(
            "region-centroid-col", "region-centroid-row", "region-pixel-count",
            "short-line-density-5", "short-line-density-2", "vedge-mean", "vedge-sd",
            "hedge-mean", "hedge-sd", "intensity-mean", "rawred-mean", "rawblue-mean",
            "rawgreen-mean", "exred-mean", "exblue-mean", "exgreen-mean", "value-mean",
            "saturation-mean", "hue-mean"),
        class_names=dict(enumerate(_SEGMENT_CLASSES)),
        notes="segmentation.data (210 rows) then segmentation.test (2,100). "
        "Column 2 (region-pixel-count) is constant.",
    ),
}


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
