"""Loaders for the multi-class tables of the Deep-MCDD benchmarks.

Each ``fetch_*`` function returns one data set as a :class:`~sklearn.utils.Bunch`
or as ``(X, y)``, following :mod:`sklearn.datasets`. :func:`load_dataset` loads
any name of :data:`DATASET_NAMES`, including the multi-class sets bundled with
scikit-learn (``digits``, ``wine``, ``iris``).

Files are read from the data directory of :func:`get_data_home`. It holds one
compressed NumPy archive per set with the arrays ``X`` (features) and ``y``
(int64 labels), and for some sets ``split``, ``batch``, ``conc``,
``feature_names`` and ``label_names``.

Three offline copies are subsets of their UCI tables:

- ``gas_drift_partial.npz``: batches 1-6, 8 and 9, 6,697 of 13,910 rows;
- ``sensorless_drive_subset.npz``: 200 rows per class, 2,200 of 58,509 rows;
- ``mnist_test.npz``: the 10,000 test images of the 70,000.

If the data directory holds no file of a set and ``download_if_missing`` is
True, the loader downloads the original files (see :data:`SOURCE_URLS`),
converts them to the same layout, checks them and saves them. For the three
sets above the download is the full table, saved as ``gas_drift.npz``,
``sensorless_drive.npz`` or ``mnist.npz``. A full table takes precedence over
the subset when both files are present, so results on it differ from results
on the subset.

Every file is checked when it is read:

- An offline copy passes if the sha256 of the file matches the published
  copy, or if the content digest of its ``X`` and ``y`` matches. A copy that
  this module saved after a download has the same arrays but different zip
  bytes, so only the content digest can match.
- A full table of a subset set passes if its row count and class counts match
  the UCI description and, for gas drift and MNIST, if the rows that the
  offline subset also holds have the subset's content digest. No exact digest
  is known for the sensorless drive table or the MNIST training images.

The content digest is the sha256 of the rows ``[y, X]`` cast to float32 and
sorted. Sorting makes it independent of row order because the PMLB copy of
letter is in a different order than the UCI file. Float32 absorbs the float
noise of the PMLB copy of segmentation (7.333333500000001 for 7.3333335).
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

# Folder of each set's original files; the file names are in _SPECS. Point an
# entry at a mirror to download from there.
# NOTE: these addresses were not reachable from the build machine, so no
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
    """Raised when the original files of a data set cannot be downloaded."""


# --- Parsers of the original file formats --------------------------------


def _parse_numeric_table(raw, n_columns, source):
    """Parse a table of numbers separated by commas and/or whitespace."""
    rows = []
    for line_number, line in enumerate(raw.decode("ascii").splitlines(), 1):
        fields = line.replace(",", " ").split()
        if not fields:
            continue
        if len(fields) != n_columns:
            raise ValueError(
                f"{source}, line {line_number}: expected {n_columns} values, "
                f"found {len(fields)}"
            )
        rows.append(fields)
    return np.array(rows, dtype=np.float64).reshape(-1, n_columns)


def _split_features_label(tables):
    """Stack tables whose last column is the label.

    With more than one table, ``split`` gives each row the index of its table.
    """
    table = np.vstack(tables)
    arrays = {"X": table[:, :-1], "y": table[:, -1].astype(np.int64)}
    if len(tables) > 1:
        sizes = [len(part) for part in tables]
        arrays["split"] = np.repeat(np.arange(len(tables), dtype=np.int8), sizes)
    return arrays


def _unlzw(data):
    """Decompress data in the Unix ``compress`` (.Z) format.

    Codes are packed least significant bit first and start 9 bits wide. The
    width grows by one bit when the code table fills, up to the maximum of the
    header. When the width grows, and after a CLEAR code (256) in block mode,
    the stream skips to the next group of ``width`` bytes counted from where
    the previous width began.
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
    width = 9
    position = segment_start = 24
    total_bits = 8 * len(data)
    previous = None
    output = bytearray()
    while position + width <= total_bits:
        if width < max_bits and len(table) >= 1 << width:
            position = segment_start = next_group(position, segment_start, width)
            width += 1
            continue
        start = position >> 3
        chunk = int.from_bytes(data[start:start + 3], "little")
        code = (chunk >> (position & 7)) & ((1 << width) - 1)
        position += width
        if block_mode and code == 256:
            position = segment_start = next_group(position, segment_start, width)
            del table[first_free:]
            width = 9
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


def _parse_shuttle(raw):
    tables = [
        _parse_numeric_table(_unlzw(raw["shuttle.trn.Z"]), 10, "shuttle.trn"),
        _parse_numeric_table(raw["shuttle.tst"], 10, "shuttle.tst"),
    ]
    return _split_features_label(tables)


def _parse_train_test(names, n_columns):
    """Return a parser of a training file and a test file of one layout."""

    def parse(raw):
        return _split_features_label(
            [_parse_numeric_table(raw[name], n_columns, name) for name in names]
        )

    return parse


def _parse_letter(raw):
    # Each line is the capital letter, then 16 integers; y = 1 for A.
    lines = raw["letter-recognition.data"].decode("ascii").split()
    for line_number, line in enumerate(lines, 1):
        if not ("A" <= line[0] <= "Z" and line[1:2] == ","):
            raise ValueError(f"letter-recognition.data, line {line_number}: no leading letter")
    labels = [ord(line[0]) - ord("A") + 1 for line in lines]
    features = "\n".join(line[2:] for line in lines).encode("ascii")
    X = _parse_numeric_table(features, 16, "letter-recognition.data")
    return {"X": X, "y": np.array(labels, dtype=np.int64)}


_SEGMENT_CLASSES = ("BRICKFACE", "CEMENT", "FOLIAGE", "GRASS", "PATH", "SKY", "WINDOW")


def _parse_segmentation(raw):
    # Each file starts with a few header lines; data lines are the class name
    # and 19 numbers. y is the index of the name in alphabetical order.
    tables = []
    for name in ("segmentation.data", "segmentation.test"):
        rows = []
        for line in raw[name].decode("ascii").splitlines():
            fields = line.strip().split(",")
            if len(fields) == 20 and fields[0] in _SEGMENT_CLASSES:
                rows.append([_SEGMENT_CLASSES.index(fields[0])] + fields[1:])
        if not rows:
            raise ValueError(f"{name}: no data lines found")
        tables.append(np.array(rows, dtype=np.float64)[:, list(range(1, 20)) + [0]])
    return _split_features_label(tables)


def _parse_gas_drift(raw):
    # Lines read "label;concentration 1:value ... 128:value".
    rows, labels, concentrations, batches = [], [], [], []
    with zipfile.ZipFile(io.BytesIO(raw["driftdataset.zip"])) as archive:
        members = {}
        for member in archive.namelist():
            match = re.search(r"batch(\d+)\.dat$", member)
            if match:
                members[int(match.group(1))] = member
        for batch in sorted(members):
            text = archive.read(members[batch]).decode("ascii")
            for line in text.splitlines():
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


def _read_idx(raw, name, n_dims):
    """Read an array of unsigned bytes from a gzip-compressed IDX file."""
    data = gzip.decompress(raw[name])
    magic = int.from_bytes(data[:4], "big")
    if magic != 0x0800 + n_dims:
        raise ValueError(f"{name}: IDX magic number {magic:#x}, expected {0x800 + n_dims:#x}")
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(n_dims)]
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * n_dims)
    return values.reshape(shape[0], -1) if n_dims > 1 else values.reshape(shape)


def _parse_mnist(raw):
    parts = []
    for prefix in ("train", "t10k"):
        images = _read_idx(raw, f"{prefix}-images-idx3-ubyte.gz", 3)
        labels = _read_idx(raw, f"{prefix}-labels-idx1-ubyte.gz", 1)
        if len(images) != len(labels):
            raise ValueError(f"{prefix}: {len(images)} images but {len(labels)} labels")
        parts.append((images.astype(np.float32), labels.astype(np.int64)))
    split = np.repeat(np.array([0, 1], dtype=np.int8), [len(p[1]) for p in parts])
    return {
        "X": np.vstack([p[0] for p in parts]),
        "y": np.concatenate([p[1] for p in parts]),
        "split": split,
    }


# --- Specifications ------------------------------------------------------


@dataclass(frozen=True)
class _DatasetSpec:
    """Known facts about one data set, and how to download and parse it."""

    title: str
    page: str
    filename: str
    file_sha256: str
    content_sha256: str
    class_counts: dict
    source_files: tuple
    parse: Callable
    feature_names: tuple
    class_names: dict
    notes: str
    # Subset sets only: where the downloaded full table is saved, its class
    # counts, and the rows of it that the offline subset holds (None: unknown).
    full_filename: str = None
    full_class_counts: dict = None
    subset_rows: Callable = None


def _numbered(prefix, count):
    return tuple(f"{prefix}{i}" for i in range(1, count + 1))


def _digit_names():
    return {digit: str(digit) for digit in range(10)}


_SPECS = {
    "shuttle": _DatasetSpec(
        title="Statlog (Shuttle)",
        page="https://archive.ics.uci.edu/dataset/148/statlog+shuttle",
        filename="shuttle.npz",
        file_sha256="0c86364ee5d898275de37eaab8609e53c767313f630e6cbc471f475b31fcf90c",
        content_sha256="7e5087a0bb64a26e9170122a953a6e2076b0638b19f938ac400dc1de9ef37ff0",
        class_counts={1: 45586, 2: 50, 3: 171, 4: 8903, 5: 3267, 6: 10, 7: 13},
        source_files=("shuttle.trn.Z", "shuttle.tst"),
        parse=_parse_shuttle,
        feature_names=_numbered("A", 9),
        class_names=dict(enumerate(
            ["Rad Flow", "Fpv Close", "Fpv Open", "High", "Bypass", "Bpv Close", "Bpv Open"],
            start=1,
        )),
        notes="Complete: shuttle.trn (43,500 rows, split 0) then shuttle.tst "
        "(14,500 rows, split 1). Class 1 is 78.6% of the rows; classes 6 and 7 "
        "have 10 and 13 rows.",
    ),
    "gas_drift": _DatasetSpec(
        title="Gas Sensor Array Drift",
        page="https://archive.ics.uci.edu/dataset/270",
        filename="gas_drift_partial.npz",
        file_sha256="4f11274c76b801d8e568ad858e22c30b2a120a99132843a2c06e7be151e221ad",
        content_sha256="a6b4ba853af4731c5a0e33420929e1c59bd44ddef45300d0d5708f10042a326e",
        class_counts={1: 1316, 2: 1664, 3: 681, 4: 592, 5: 1779, 6: 665},
        source_files=("driftdataset.zip",),
        parse=_parse_gas_drift,
        feature_names=tuple(f"sensor{s}_feature{f}" for s in range(1, 17) for f in range(1, 9)),
        class_names=dict(enumerate(
            ["Ethanol", "Ethylene", "Ammonia", "Acetaldehyde", "Acetone", "Toluene"], start=1
        )),
        notes="Rows are in batch order (``batch``, 1-10); ``conc`` is the gas "
        "concentration in ppmv. Column scales range from about 4 to 7e5, so "
        "standardise before use.",
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
        class_counts={label: 200 for label in range(1, 12)},
        source_files=("Sensorless_drive_diagnosis.txt",),
        parse=lambda raw: _split_features_label([_parse_numeric_table(
            raw["Sensorless_drive_diagnosis.txt"], 49, "Sensorless_drive_diagnosis.txt"
        )]),
        feature_names=_numbered("A", 48),
        class_names={},
        notes="UCI gives no class names, so target_names holds the codes 1-11. "
        "Absolute values span about 1e-9 to 3e2, so standardise before use.",
        full_filename="sensorless_drive.npz",
        full_class_counts={label: 5319 for label in range(1, 12)},
    ),
    "mnist": _DatasetSpec(
        title="MNIST handwritten digits, as a table",
        page="http://yann.lecun.com/exdb/mnist/",
        filename="mnist_test.npz",
        file_sha256="4a2289c3e4b606d6bc632ca5a138690577a7eaa8b116c3da5486555ee6126f95",
        content_sha256="519cb95210390e0cd623b7022f53b9055c8c79e5a905cdfce5e9f4873388f194",
        class_counts={0: 980, 1: 1135, 2: 1032, 3: 1010, 4: 982,
                      5: 892, 6: 958, 7: 1028, 8: 974, 9: 1009},
        source_files=("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
        parse=_parse_mnist,
        feature_names=_numbered("pixel", 784),
        class_names=_digit_names(),
        notes="X is float32 with the raw pixel values 0-255, one 28x28 image "
        "per row. The full table has the 60,000 training images (split 0) "
        "before the 10,000 test images (split 1).",
        full_filename="mnist.npz",
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
        class_counts=dict(zip(range(1, 27), [
            789, 766, 736, 805, 768, 775, 773, 734, 755, 747, 739, 761, 792,
            783, 753, 803, 783, 758, 748, 796, 813, 764, 752, 787, 786, 734])),
        source_files=("letter-recognition.data",),
        parse=_parse_letter,
        feature_names=("x-box", "y-box", "width", "high", "onpix", "x-bar", "y-bar",
                       "x2bar", "y2bar", "xybar", "x2ybr", "xy2br", "x-ege", "xegvy",
                       "y-ege", "yegvx"),
        class_names={i: chr(ord("A") + i - 1) for i in range(1, 27)},
        # NOTE: a download keeps the UCI row order, which differs from the row
        # order of the offline copy, so seeded splits of the two differ.
        notes="Complete. y = 1 for A to 26 for Z; features are integers 0-15. "
        "The offline copy (from PMLB) and a download hold the same rows in a "
        "different order.",
    ),
    "satimage": _DatasetSpec(
        title="Statlog (Landsat Satellite)",
        page="https://archive.ics.uci.edu/dataset/146/statlog+landsat+satellite",
        filename="satimage.npz",
        file_sha256="1fe6aae2b0d0928bd55a80b09084aeb7645ec2938a28d530664792cbf75351e5",
        content_sha256="4f163d0cdeaed1cf7bf1c0f140bbd0f37c50e7ed36b019cc5cfb5e00d9894acd",
        class_counts={1: 1533, 2: 703, 3: 1358, 4: 626, 5: 707, 7: 1508},
        source_files=("sat.trn", "sat.tst"),
        parse=_parse_train_test(("sat.trn", "sat.tst"), 37),
        feature_names=_numbered("A", 36),
        class_names={1: "red soil", 2: "cotton crop", 3: "grey soil", 4: "damp grey soil",
                     5: "soil with vegetation stubble", 7: "very damp grey soil"},
        notes="Complete: sat.trn (4,435 rows) then sat.tst (2,000 rows). "
        "There is no class 6, as in UCI.",
    ),
    "pendigits": _DatasetSpec(
        title="Pen-Based Recognition of Handwritten Digits",
        page="https://archive.ics.uci.edu/dataset/81",
        filename="pendigits.npz",
        file_sha256="c9f8c832f2ed19bd2a1b5a7f4b83a12917688c8c3dcdd579cef249efab2fea65",
        content_sha256="d54904f871bdb862470ea02bca1f598ef70727d413b01ffe860b62201207fde6",
        class_counts={0: 1143, 1: 1143, 2: 1144, 3: 1055, 4: 1144,
                      5: 1055, 6: 1056, 7: 1142, 8: 1055, 9: 1055},
        source_files=("pendigits.tra", "pendigits.tes"),
        parse=_parse_train_test(("pendigits.tra", "pendigits.tes"), 17),
        feature_names=_numbered("input", 16),
        class_names=_digit_names(),
        notes="Complete: pendigits.tra (7,494 rows) then pendigits.tes "
        "(3,498 rows). Features are integers 0-100.",
    ),
    "optdigits": _DatasetSpec(
        title="Optical Recognition of Handwritten Digits",
        page="https://archive.ics.uci.edu/dataset/80",
        filename="optdigits.npz",
        file_sha256="f901ab50e8b6bf67bd198f43977a6412a7f5c336cb706192811f2d064a8ab450",
        content_sha256="f61c930f0e9868b69790b230c6d40abba2c4d92962adb87862487e41d8e68f3f",
        class_counts={0: 554, 1: 571, 2: 557, 3: 572, 4: 568,
                      5: 558, 6: 558, 7: 566, 8: 554, 9: 562},
        source_files=("optdigits.tra", "optdigits.tes"),
        parse=_parse_train_test(("optdigits.tra", "optdigits.tes"), 65),
        feature_names=_numbered("input", 64),
        class_names=_digit_names(),
        notes="Complete: optdigits.tra (3,823 rows) then optdigits.tes "
        "(1,797 rows). Features are 8x8 block counts 0-16; columns 0 and 39 "
        "are constant zero.",
    ),
    "segmentation": _DatasetSpec(
        title="Image Segmentation",
        page="https://archive.ics.uci.edu/dataset/50/image+segmentation",
        filename="segmentation.npz",
        file_sha256="6ad89fabf6e155c0d6261d6d2c5322bd26b6f42e31399d356bef4f265211e4f6",
        content_sha256="a5e0673d14536fe09fa7e453c91585988f056f6037cfbdeb6b29020945325aaf",
        class_counts={label: 330 for label in range(7)},
        source_files=("segmentation.data", "segmentation.test"),
        parse=_parse_segmentation,
        # The offline copy spells the 18th name "saturatoin-mean"; the UCI
        # header spells it correctly.
        feature_names=(
            "region-centroid-col", "region-centroid-row", "region-pixel-count",
            "short-line-density-5", "short-line-density-2", "vedge-mean", "vedge-sd",
            "hedge-mean", "hedge-sd", "intensity-mean", "rawred-mean", "rawblue-mean",
            "rawgreen-mean", "exred-mean", "exblue-mean", "exgreen-mean", "value-mean",
            "saturation-mean", "hue-mean"),
        class_names=dict(enumerate(_SEGMENT_CLASSES)),
        notes="Complete: segmentation.data (210 rows) then segmentation.test "
        "(2,100 rows). Column 2 (region-pixel-count) is constant.",
    ),
}


# --- Reading and checking --------------------------------------------------


def _content_sha256(X, y):
    """Return the sha256 of the rows ``[y, X]`` as float32, sorted."""
    # Adding +0.0 turns -0.0 into 0.0, whose bytes differ.
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


def _read_arrays(path):
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ChecksumMismatchError(
            f"{path} is not a readable .npz archive ({exc}). Delete it so that it "
            "is downloaded again, or replace it with a correct copy."
        ) from exc
    if "X" not in arrays or "y" not in arrays:
        raise ChecksumMismatchError(
            f"{path} lacks the arrays 'X' and 'y' (found {sorted(arrays)}). "
            "Delete it so that it is downloaded again, or replace it with a correct copy."
        )
    return arrays


def _full_table_problem(spec, arrays):
    """Return why ``arrays`` are not the full table of a subset set, or None."""
    counts = _count_classes(arrays["y"])
    n_features = len(spec.feature_names)
    if arrays["X"].shape != (len(arrays["y"]), n_features) or counts != spec.full_class_counts:
        return (
            f"expected {sum(spec.full_class_counts.values())} rows x {n_features} "
            f"features with class counts {spec.full_class_counts}, got X of shape "
            f"{arrays['X'].shape} and class counts {counts}"
        )
    if spec.subset_rows is not None:
        rows = spec.subset_rows(arrays)
        digest = _content_sha256(arrays["X"][rows], arrays["y"][rows])
        if digest != spec.content_sha256:
            return (
                f"the rows also held by {spec.filename} have the content digest "
                f"{digest}, expected {spec.content_sha256}"
            )
    return None


def _read_checked(spec, path, *, full_table):
    """Read the arrays of a data file and check them against ``spec``."""
    fix = (
        "The file is corrupted or holds another table. Delete it so that the "
        "loader downloads it again, or replace it with a correct copy."
    )
    if full_table:
        arrays = _read_arrays(path)
        problem = _full_table_problem(spec, arrays)
        if problem is not None:
            raise ChecksumMismatchError(f"{path} failed its integrity check: {problem}. {fix}")
        return arrays

    file_sha256 = _file_sha256(path)
    arrays = _read_arrays(path)
    if file_sha256 == spec.file_sha256:
        return arrays
    digest = _content_sha256(arrays["X"], arrays["y"])
    if digest != spec.content_sha256:
        raise ChecksumMismatchError(
            f"{path} failed its integrity check: the file has sha256 {file_sha256}, "
            f"expected {spec.file_sha256}, and its arrays have the content digest "
            f"{digest}, expected {spec.content_sha256}. {fix}"
        )
    return arrays


# --- Downloading -------------------------------------------------------------


def _download(name, spec, data_home):
    """Download, convert, check and save a set; return the saved file's path."""
    base_url = SOURCE_URLS[name].rstrip("/") + "/"
    raw = {}
    for file_name in spec.source_files:
        url = base_url + file_name
        try:
            with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response:
                raw[file_name] = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise DownloadError(
                f"Failed to download {url} for the {name!r} data set into "
                f"{data_home}: {exc}. Check the network connection, point "
                f"mcdd_sklearn.datasets.SOURCE_URLS[{name!r}] at a mirror, or copy "
                f"{spec.filename} into {data_home} and pass download_if_missing=False."
            ) from exc

    urls = ", ".join(base_url + file_name for file_name in spec.source_files)
    try:
        arrays = spec.parse(raw)
    except (ValueError, KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DownloadError(
            f"The files downloaded from {urls} are not in the expected format of the "
            f"{name!r} data set: {exc}. Nothing was saved to {data_home}."
        ) from exc

    if spec.full_filename is None:
        digest = _content_sha256(arrays["X"], arrays["y"])
        problem = None if digest == spec.content_sha256 else (
            f"content digest {digest}, expected {spec.content_sha256}"
        )
        path = os.path.join(data_home, spec.filename)
    else:
        problem = _full_table_problem(spec, arrays)
        path = os.path.join(data_home, spec.full_filename)
    if problem is not None:
        raise ChecksumMismatchError(
            f"The {name!r} table downloaded from {urls} failed its integrity check: "
            f"{problem}. Nothing was saved to {data_home}. Retry the download, or "
            f"place a correct copy of {spec.filename} in {data_home}."
        )

    # The saved file has the layout of the offline copies, with the names.
    codes = sorted(_count_classes(arrays["y"]))
    label_names = [""] * (codes[-1] + 1)
    for code in codes:
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


# --- Public API ----------------------------------------------------------------


def get_data_home(data_home=None):
    """Return the path of the folder that holds the data files.

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


def _to_bunch(name, spec, arrays, path, *, is_subset, return_X_y, as_frame):
    X, y = arrays["X"], arrays["y"].astype(np.int64, copy=False)
    if X.dtype != np.float32:
        X = X.astype(np.float64, copy=False)
    feature_names = list(spec.feature_names)
    target_names = np.array(
        [spec.class_names.get(code, str(code)) for code in _count_classes(y)]
    )

    frame = None
    data, target = X, y
    if as_frame:
        import pandas as pd

        data = pd.DataFrame(X, columns=feature_names)
        target = pd.Series(y, name="target")
        frame = pd.concat([data, target], axis=1)
    if return_X_y:
        return data, target

    counts = _count_classes(y)
    extent = (
        f"Subset of the UCI table, which has {sum(spec.full_class_counts.values())} rows."
        if is_subset
        else "Full table."
    )
    descr = (
        f"{spec.title}\n\nSource: {spec.page}\nFile: {path}\n"
        f"{len(y)} rows x {X.shape[1]} features, {len(counts)} classes {counts}.\n"
        f"{extent} {spec.notes}\n"
    )
    bunch = Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=feature_names,
        target_names=target_names,
        DESCR=descr,
        filename=path,
        is_subset=is_subset,
    )
    for key in ("split", "batch", "conc"):
        if key in arrays:
            bunch[key] = arrays[key]
    return bunch


_PARAMETERS_DOC = """data_home : str or path-like, default=None
        Folder of the data files; see :func:`get_data_home`.
    download_if_missing : bool, default=True
        If True and no file of the set is in ``data_home``, download the
        original files, check them and save them there. If False, a missing
        file raises FileNotFoundError.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` in place of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame with one column per feature,
        ``target`` a Series named ``"target"``, and ``frame`` both together.

    Returns
    -------
    dataset : Bunch
        ``data`` (float64, float32 for MNIST) of shape (n_samples,
        n_features); ``target`` (int64 class codes, as in the source);
        ``feature_names``; ``target_names``, the name of each class of
        ``np.unique(target)`` in that order; ``frame`` (None unless
        ``as_frame``); ``DESCR``; ``filename``, the file read; ``is_subset``,
        whether it is a subset of the UCI table; and ``split``, ``batch`` or
        ``conc`` where the file has them.
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
        are loaded with :mod:`sklearn.datasets`, which ignores ``data_home``
        and ``download_if_missing``, and return scikit-learn's Bunch.
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
            looked = " or ".join(file_name for file_name, _ in candidates)
            raise FileNotFoundError(
                f"No file of the {name!r} data set in {data_home} (looked for "
                f"{looked}), and download_if_missing is False. Pass "
                f"download_if_missing=True on a machine with internet, or copy "
                f"{spec.filename} into {data_home}, or point data_home or the "
                f"{_DATA_HOME_ENV} environment variable at a folder that has it."
            )
        path = _download(name, spec, data_home)
        full_table = spec.full_filename is not None

    arrays = _read_checked(spec, path, full_table=full_table)
    is_subset = spec.full_filename is not None and not full_table
    return _to_bunch(name, spec, arrays, path, is_subset=is_subset,
                     return_X_y=return_X_y, as_frame=as_frame)




@_fill_doc
def fetch_shuttle(*, data_home=None, download_if_missing=True, return_X_y=False,
                  as_frame=False):
    """Load the Statlog (Shuttle) data set: 58,000 rows, 9 features, 7 classes.

    The table is complete: shuttle.trn then shuttle.tst, marked by ``split``
    (0 and 1). Class 1 is 78.6% of the rows; classes 6 and 7 have 10 and 13.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("shuttle", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_gas_drift(*, data_home=None, download_if_missing=True, return_X_y=False,
                    as_frame=False):
    """Load the Gas Sensor Array Drift data set: 128 features, 6 gases.

    The offline copy ``gas_drift_partial.npz`` is a subset: batches 1-6, 8
    and 9 (6,697 rows); batches 7 and 10 are missing. A download is the full
    table of 13,910 rows in batches 1-10, saved as ``gas_drift.npz`` and read
    in preference to the subset. ``batch`` and ``conc`` (ppmv) come with it.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("gas_drift", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_sensorless_drive(*, data_home=None, download_if_missing=True,
                           return_X_y=False, as_frame=False):
    """Load the Sensorless Drive Diagnosis data set: 48 features, 11 classes.

    The offline copy ``sensorless_drive_subset.npz`` is a subset of 200 rows
    per class (2,200 rows). A download is the full table of 58,509 rows
    (5,319 per class), saved as ``sensorless_drive.npz`` and read in
    preference to the subset. Results on the two are not comparable.

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

    The offline copy ``mnist_test.npz`` holds only the 10,000 test images. A
    download is the full set of 70,000 images, the training images first,
    marked by ``split`` (0 train, 1 test), saved as ``mnist.npz`` and read in
    preference to the test images.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("mnist", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_letter(*, data_home=None, download_if_missing=True, return_X_y=False,
                 as_frame=False):
    """Load the Letter Recognition data set: 20,000 rows, 16 features, 26 classes.

    The table is complete; ``target`` is 1 for A to 26 for Z.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("letter", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_satimage(*, data_home=None, download_if_missing=True, return_X_y=False,
                   as_frame=False):
    """Load the Statlog (Landsat Satellite) data set: 6,435 rows, 36 features.

    The table is complete. It has 6 classes with the UCI codes 1-5 and 7.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("satimage", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_pendigits(*, data_home=None, download_if_missing=True, return_X_y=False,
                    as_frame=False):
    """Load the Pen-Based Handwritten Digits data set: 10,992 rows, 16 features.

    The table is complete, with the 10 digits as classes.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("pendigits", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_optdigits(*, data_home=None, download_if_missing=True, return_X_y=False,
                    as_frame=False):
    """Load the Optical Handwritten Digits data set: 5,620 rows, 64 features.

    The table is complete, with the 10 digits as classes.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("optdigits", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)


@_fill_doc
def fetch_segmentation(*, data_home=None, download_if_missing=True, return_X_y=False,
                       as_frame=False):
    """Load the Image Segmentation data set: 2,310 rows, 19 features, 7 classes.

    The table is complete; ``target`` is 0-6 for BRICKFACE, CEMENT, FOLIAGE,
    GRASS, PATH, SKY and WINDOW.

    Parameters
    ----------
    %(parameters)s
    """
    return load_dataset("segmentation", data_home=data_home, return_X_y=return_X_y,
                        as_frame=as_frame, download_if_missing=download_if_missing)
