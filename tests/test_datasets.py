"""Tests of the data set loaders, on the offline UCI copies and on loopback.

No test reaches the internet, because an autouse fixture points every source
URL at a closed port on 127.0.0.1. The download tests write files in the
original UCI formats and serve them from a local HTTP server.
"""

import dataclasses
import functools
import gzip
import http.server
import io
import os
import shutil
import socket
import subprocess
import threading
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from mcdd_sklearn import datasets
from mcdd_sklearn._uci_formats import _SEGMENT_CLASSES
from mcdd_sklearn.datasets import (
    DATASET_NAMES,
    ChecksumMismatchError,
    DownloadError,
    fetch_gas_drift,
    fetch_letter,
    fetch_mnist,
    fetch_satimage,
    fetch_segmentation,
    fetch_shuttle,
    get_data_home,
    load_dataset,
)

# Read once at import, before any test unsets MCDD_SKLEARN_DATA.
OFFLINE_DIR = Path(
    os.environ.get("MCDD_SKLEARN_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)

# Shapes and class counts of the offline copies, as published with them.
OFFLINE_FACTS = {
    "shuttle": ((58000, 9), {1: 45586, 2: 50, 3: 171, 4: 8903, 5: 3267, 6: 10, 7: 13}),
    "gas_drift": ((6697, 128), {1: 1316, 2: 1664, 3: 681, 4: 592, 5: 1779, 6: 665}),
    "sensorless_drive": ((2200, 48), {label: 200 for label in range(1, 12)}),
    "mnist": ((10000, 784), {0: 980, 1: 1135, 2: 1032, 3: 1010, 4: 982,
                             5: 892, 6: 958, 7: 1028, 8: 974, 9: 1009}),
    "letter": ((20000, 16), dict(zip(range(1, 27), [
        789, 766, 736, 805, 768, 775, 773, 734, 755, 747, 739, 761, 792,
        783, 753, 803, 783, 758, 748, 796, 813, 764, 752, 787, 786, 734]))),
    "satimage": ((6435, 36), {1: 1533, 2: 703, 3: 1358, 4: 626, 5: 707, 7: 1508}),
    "pendigits": ((10992, 16), {0: 1143, 1: 1143, 2: 1144, 3: 1055, 4: 1144,
                                5: 1055, 6: 1056, 7: 1142, 8: 1055, 9: 1055}),
    "optdigits": ((5620, 64), {0: 554, 1: 571, 2: 557, 3: 572, 4: 568,
                               5: 558, 6: 558, 7: 566, 8: 554, 9: 562}),
    "segmentation": ((2310, 19), {label: 330 for label in range(7)}),
}
SUBSET_NAMES = {"gas_drift", "sensorless_drive", "mnist"}


def class_counts(y):
    labels, counts = np.unique(y, return_counts=True)
    return dict(zip(labels.tolist(), counts.tolist()))


def read_offline(file_name):
    with np.load(OFFLINE_DIR / file_name) as archive:
        return {key: archive[key] for key in archive.files}


def compress_lzw(data, max_bits=16):
    """Compress bytes to the Unix ``compress`` (.Z) format, in block mode.

    When the code table is full it emits CLEAR and starts a new table, so the
    width changes and the CLEAR path of a decoder are both exercised.
    """
    output = bytearray(b"\x1f\x9d" + bytes([0x80 | max_bits]))
    bit_buffer = n_buffered = 0
    width, codes_in_segment = 9, 0

    def write(code, n_bits):
        nonlocal bit_buffer, n_buffered
        bit_buffer |= code << n_buffered
        n_buffered += n_bits
        while n_buffered >= 8:
            output.append(bit_buffer & 0xFF)
            bit_buffer >>= 8
            n_buffered -= 8

    def end_segment():
        # Pad the codes of this width to a whole group of `width` bytes.
        nonlocal codes_in_segment
        padding = -codes_in_segment * width % (8 * width)
        while padding:
            step = min(padding, 16)
            write(0, step)
            padding -= step
        codes_in_segment = 0

    def emit(code, next_code):
        nonlocal width, codes_in_segment
        write(code, width)
        codes_in_segment += 1
        if width < max_bits and next_code > (1 << width) - 1:
            end_segment()
            width += 1

    table, next_code = {}, 257
    current = data[0]
    for byte in data[1:]:
        key = (current << 8) | byte
        if key in table:
            current = table[key]
            continue
        emit(current, next_code)
        if next_code < 1 << max_bits:
            table[key] = next_code
            next_code += 1
        else:
            emit(256, next_code)
            end_segment()
            width, table, next_code = 9, {}, 257
        current = byte
    emit(current, next_code)
    if n_buffered:
        output.append(bit_buffer & 0xFF)
    return bytes(output)


def format_rows(X, y, *, label_first=False, separator=" ", number=None):
    """Write rows as text lines, with ``number`` formatting each feature value."""
    number = number or (lambda value: str(int(value)))
    lines = []
    for row, label in zip(X, y):
        fields = [number(value) for value in row]
        fields = [str(label)] + fields if label_first else fields + [str(label)]
        lines.append(separator.join(fields))
    return ("\n".join(lines) + "\n").encode("ascii")


def idx_gz(array):
    """Encode uint8 images or labels in the gzip-compressed IDX format."""
    array = np.asarray(array, dtype=np.uint8)
    header = (0x800 + array.ndim).to_bytes(4, "big")
    header += b"".join(size.to_bytes(4, "big") for size in array.shape)
    return gzip.compress(header + array.tobytes(), compresslevel=1, mtime=0)


@pytest.fixture(scope="module")
def offline_dir():
    if not OFFLINE_DIR.is_dir():
        pytest.skip(f"offline UCI copies not found at {OFFLINE_DIR}")
    return str(OFFLINE_DIR)


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Point every source at a closed loopback port, unset MCDD_SKLEARN_DATA."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    for name in datasets.SOURCE_URLS:
        monkeypatch.setitem(datasets.SOURCE_URLS, name, f"http://127.0.0.1:{closed_port}/")
    monkeypatch.delenv("MCDD_SKLEARN_DATA", raising=False)
    return closed_port


@pytest.fixture(scope="module")
def file_server(tmp_path_factory):
    """Serve a temporary folder over HTTP on 127.0.0.1 and yield it with its URL."""
    root = tmp_path_factory.mktemp("served")

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def serve(file_server, monkeypatch, name, files):
    """Write ``files`` (name -> bytes) under the server and point ``name`` there."""
    root, url = file_server
    folder = root / name
    folder.mkdir(exist_ok=True)
    for file_name, content in files.items():
        (folder / file_name).write_bytes(content)
    monkeypatch.setitem(datasets.SOURCE_URLS, name, f"{url}{name}/")


# --- Offline copies ------------------------------------------------------------


def test_dataset_names_list_all_sets():
    """DATASET_NAMES lists the nine UCI sets and the three bundled ones."""
    assert set(DATASET_NAMES) == set(OFFLINE_FACTS) | {"digits", "wine", "iris"}
    assert len(DATASET_NAMES) == 12


@pytest.mark.parametrize("name", sorted(OFFLINE_FACTS))
def test_offline_copy_shape_and_counts(name, offline_dir):
    """Each offline copy loads with its published shape and class counts."""
    shape, counts = OFFLINE_FACTS[name]
    bunch = load_dataset(name, data_home=offline_dir, download_if_missing=False)

    assert bunch.data.shape == shape
    assert bunch.data.dtype == (np.float32 if name == "mnist" else np.float64)
    assert bunch.target.dtype == np.int64
    assert class_counts(bunch.target) == counts
    assert len(bunch.feature_names) == shape[1]
    assert len(bunch.target_names) == len(counts)
    assert bunch.is_subset == (name in SUBSET_NAMES)
    assert bunch.frame is None
    assert os.path.dirname(bunch.filename) == offline_dir
    assert f"{shape[0]} rows x {shape[1]} features" in bunch.DESCR


def test_shuttle_bunch_names_and_split(offline_dir):
    """Shuttle has its class names in code order and the trn/tst split."""
    bunch = fetch_shuttle(data_home=offline_dir, download_if_missing=False)

    assert list(bunch.target_names) == [
        "Rad Flow", "Fpv Close", "Fpv Open", "High", "Bypass", "Bpv Close", "Bpv Open"]
    assert class_counts(bunch.target[bunch.split == 0]) == {
        1: 34108, 2: 37, 3: 132, 4: 6748, 5: 2458, 6: 6, 7: 11}
    assert class_counts(bunch.target[bunch.split == 1]) == {
        1: 11478, 2: 13, 3: 39, 4: 2155, 5: 809, 6: 4, 7: 2}
    assert_array_equal(bunch.data[0], [50, 21, 77, 0, 28, 0, 27, 48, 22])
    assert "Full table." in bunch.DESCR


def test_gas_drift_batches_and_concentrations(offline_dir):
    """The gas drift subset has batches 1-6, 8, 9 and a concentration per row."""
    bunch = fetch_gas_drift(data_home=offline_dir, download_if_missing=False)

    assert class_counts(bunch.batch) == {
        1: 445, 2: 1244, 3: 1586, 4: 161, 5: 197, 6: 2300, 8: 294, 9: 470}
    assert bunch.conc.shape == (6697,)
    assert bunch.conc.dtype == np.float64
    assert bunch.is_subset
    assert "Subset of the table of 13910 rows" in bunch.DESCR
    assert list(bunch.target_names)[-1] == "Toluene"


def test_as_frame_columns_and_dtypes(offline_dir):
    """as_frame gives named feature columns plus an int64 'target' column."""
    bunch = fetch_segmentation(data_home=offline_dir, as_frame=True,
                               download_if_missing=False)

    assert isinstance(bunch.data, pd.DataFrame)
    assert isinstance(bunch.target, pd.Series)
    assert list(bunch.frame.columns) == bunch.feature_names + ["target"]
    assert bunch.frame.shape == (2310, 20)
    assert bunch.feature_names[17] == "saturation-mean"
    assert (bunch.data.dtypes == np.float64).all()
    assert bunch.target.dtype == np.int64
    assert bunch.frame.loc[30, "target"] == 5
    assert list(bunch.target_names) == [
        "BRICKFACE", "CEMENT", "FOLIAGE", "GRASS", "PATH", "SKY", "WINDOW"]


def test_return_X_y_arrays_and_frames(offline_dir):
    """return_X_y gives arrays, or a DataFrame and Series with as_frame."""
    X, y = fetch_letter(data_home=offline_dir, return_X_y=True,
                        download_if_missing=False)
    assert isinstance(X, np.ndarray)
    assert X.shape == (20000, 16)
    assert_array_equal(y[:5], [26, 16, 19, 8, 8])
    assert_array_equal(X[0], [2, 4, 4, 3, 2, 7, 8, 2, 9, 11, 7, 7, 1, 8, 5, 6])

    X_frame, y_series = fetch_satimage(data_home=offline_dir, return_X_y=True,
                                       as_frame=True, download_if_missing=False)
    assert isinstance(X_frame, pd.DataFrame)
    assert list(X_frame.columns[:2]) == ["A1", "A2"]
    assert y_series.name == "target"
    assert class_counts(y_series.to_numpy())[7] == 1508


def test_mnist_offline_copy_is_raw_pixels(offline_dir):
    """The MNIST test images are float32 raw pixels in the official order."""
    X, y = fetch_mnist(data_home=offline_dir, return_X_y=True,
                       download_if_missing=False)

    assert X.min() == 0
    assert X.max() == 255
    assert_array_equal(y[:5], [7, 2, 1, 0, 4])


@pytest.mark.parametrize(
    "name, n_samples, n_features, n_classes",
    [("digits", 1797, 64, 10), ("wine", 178, 13, 3), ("iris", 150, 4, 3)],
)
def test_bundled_sklearn_sets(name, n_samples, n_features, n_classes, tmp_path):
    """digits, wine and iris come from sklearn.datasets, whatever data_home is."""
    X, y = load_dataset(name, data_home=tmp_path, return_X_y=True,
                        download_if_missing=False)
    assert X.shape == (n_samples, n_features)
    assert len(np.unique(y)) == n_classes

    bunch = load_dataset(name, as_frame=True)
    assert bunch.frame.shape == (n_samples, n_features + 1)
    assert list(tmp_path.iterdir()) == []


def test_unknown_name_suggests_closest():
    """A misspelled name raises ValueError with the closest valid name."""
    with pytest.raises(ValueError, match="Unknown data set 'shutle'.*Did you mean 'shuttle'"):
        load_dataset("shutle")


# --- Data folder -----------------------------------------------------------------


def test_data_home_argument_env_var_and_default(tmp_path, monkeypatch):
    """data_home beats MCDD_SKLEARN_DATA, which beats ~/mcdd_sklearn_data."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert get_data_home() == str(tmp_path / "home" / "mcdd_sklearn_data")

    monkeypatch.setenv("MCDD_SKLEARN_DATA", str(tmp_path / "from_env"))
    assert get_data_home() == str(tmp_path / "from_env")
    assert get_data_home(tmp_path / "given") == str(tmp_path / "given")
    assert get_data_home("~/data") == str(tmp_path / "home" / "data")
    assert not (tmp_path / "from_env").exists()


def test_env_var_selects_data_folder(tmp_path, monkeypatch, offline_dir):
    """With no data_home, the loader reads the folder of MCDD_SKLEARN_DATA."""
    shutil.copy(Path(offline_dir) / "optdigits.npz", tmp_path)
    monkeypatch.setenv("MCDD_SKLEARN_DATA", str(tmp_path))

    bunch = load_dataset("optdigits", download_if_missing=False)

    assert bunch.filename == str(tmp_path / "optdigits.npz")
    assert bunch.data.shape == (5620, 64)


# --- Integrity checks and errors -------------------------------------------------


def test_corrupted_file_raises_checksum_error(tmp_path, offline_dir):
    """One flipped byte in a copy fails the sha256 check with the fix named."""
    corrupted = tmp_path / "satimage.npz"
    content = bytearray((Path(offline_dir) / "satimage.npz").read_bytes())
    content[len(content) // 2] ^= 0xFF
    corrupted.write_bytes(bytes(content))

    with pytest.raises(ChecksumMismatchError) as error:
        fetch_satimage(data_home=tmp_path, download_if_missing=False)
    message = str(error.value)
    assert str(corrupted) in message
    assert "1fe6aae2b0d0928bd55a80b09084aeb7645ec2938a28d530664792cbf75351e5" in message
    assert "not a readable .npz file" in message
    assert "Delete the file" in message


def test_changed_value_fails_content_digest(tmp_path, offline_dir):
    """A readable copy with one changed value fails the content digest."""
    arrays = read_offline("pendigits.npz")
    arrays["X"][100, 3] += 1
    np.savez_compressed(tmp_path / "pendigits.npz", **arrays)

    with pytest.raises(ChecksumMismatchError, match="content digest") as error:
        load_dataset("pendigits", data_home=tmp_path, download_if_missing=False)
    assert "d54904f871bdb862470ea02bca1f598ef70727d413b01ffe860b62201207fde6" in str(error.value)


def test_resaved_copy_passes_content_digest(tmp_path, offline_dir):
    """A copy with the same arrays in new zip bytes passes via the digest."""
    arrays = read_offline("pendigits.npz")
    np.savez_compressed(tmp_path / "pendigits.npz", **arrays)

    bunch = load_dataset("pendigits", data_home=tmp_path, download_if_missing=False)

    assert_array_equal(bunch.data, arrays["X"])
    assert_array_equal(bunch.target, arrays["y"])


def test_wrong_full_table_is_rejected(tmp_path, offline_dir):
    """A gas_drift.npz is read before the subset and must be the full table."""
    shutil.copy(Path(offline_dir) / "gas_drift_partial.npz", tmp_path / "gas_drift.npz")
    shutil.copy(Path(offline_dir) / "gas_drift_partial.npz", tmp_path)

    with pytest.raises(ChecksumMismatchError, match="expected 13910 rows"):
        fetch_gas_drift(data_home=tmp_path, download_if_missing=False)


def test_missing_file_names_folder_and_remedy(tmp_path):
    """download_if_missing=False on an empty folder names the paths searched."""
    with pytest.raises(FileNotFoundError) as error:
        fetch_gas_drift(data_home=tmp_path, download_if_missing=False)
    message = str(error.value)
    assert str(tmp_path) in message
    assert "gas_drift.npz or gas_drift_partial.npz" in message
    assert "MCDD_SKLEARN_DATA" in message


def test_download_failure_chains_cause(tmp_path, no_internet):
    """A refused connection raises DownloadError naming the URL and folder."""
    with pytest.raises(DownloadError) as error:
        fetch_letter(data_home=tmp_path / "data")
    message = str(error.value)
    assert f"http://127.0.0.1:{no_internet}/letter-recognition.data" in message
    assert str(tmp_path / "data") in message
    assert isinstance(error.value.__cause__, OSError)
    assert not (tmp_path / "data").exists()


# --- Downloads from a loopback server --------------------------------------------


def test_unlzw_matches_gzip():
    """The .Z decoder inverts the test encoder, and gzip -dc agrees."""
    rng = np.random.default_rng(0)
    samples = [b"a", b"ab" * 5000, rng.integers(0, 4, 150_000, dtype=np.uint8).tobytes()]
    gzip_path = shutil.which("gzip")
    for data in samples:
        for max_bits in (12, 16):
            compressed = compress_lzw(data, max_bits)
            assert datasets._unlzw(compressed) == data
            if gzip_path is not None:
                result = subprocess.run([gzip_path, "-dc"], input=compressed,
                                        capture_output=True, check=True)
                assert result.stdout == data
    with pytest.raises(ValueError, match="magic bytes"):
        datasets._unlzw(b"\x1f\x8b\x08")


def test_shuttle_download_round_trip(tmp_path, monkeypatch, file_server, offline_dir):
    """shuttle.trn.Z and shuttle.tst from loopback give the offline arrays."""
    offline = read_offline("shuttle.npz")
    train = offline["split"] == 0
    serve(file_server, monkeypatch, "shuttle", {
        "shuttle.trn.Z": compress_lzw(format_rows(offline["X"][train], offline["y"][train])),
        "shuttle.tst": format_rows(offline["X"][~train], offline["y"][~train]),
    })

    bunch = fetch_shuttle(data_home=tmp_path)

    saved = tmp_path / "shuttle.npz"
    assert bunch.filename == str(saved)
    assert_array_equal(bunch.data, offline["X"])
    assert_array_equal(bunch.target, offline["y"])
    assert_array_equal(bunch.split, offline["split"])
    with np.load(saved) as archive:
        assert archive["label_names"][1] == "Rad Flow"
        assert archive["feature_names"].shape == (9,)
    assert [path.name for path in tmp_path.iterdir()] == ["shuttle.npz"]

    # The second call reads the saved file: the source now points nowhere.
    monkeypatch.setitem(datasets.SOURCE_URLS, "shuttle", "http://127.0.0.1:1/")
    again = fetch_shuttle(data_home=tmp_path)
    assert_array_equal(again.data, offline["X"])


def segmentation_files(X, y, split):
    names = _SEGMENT_CLASSES
    header = (b";;; header\n\nREGION-CENTROID-COL,REGION-CENTROID-ROW\n\n")
    files = {}
    for part, file_name in enumerate(["segmentation.data", "segmentation.test"]):
        rows = split == part
        body = format_rows(X[rows], [names[code] for code in y[rows]], label_first=True,
                           separator=",", number=lambda value: str(np.float32(value)))
        files[file_name] = header + body
    return files


# (name, training file, test file, rows in the training file, separator)
COMPLETE_SET_FILES = [
    ("satimage", "sat.trn", "sat.tst", 4435, " "),
    ("pendigits", "pendigits.tra", "pendigits.tes", 7494, ","),
    ("optdigits", "optdigits.tra", "optdigits.tes", 3823, ","),
    ("segmentation", "segmentation.data", "segmentation.test", 210, ","),
    ("letter", "letter-recognition.data", None, 20000, ","),
]


@pytest.mark.parametrize("name, train_file, test_file, n_train, separator",
                         COMPLETE_SET_FILES)
def test_complete_set_download_round_trip(name, train_file, test_file, n_train, separator,
                                          tmp_path, monkeypatch, file_server, offline_dir):
    """Each complete set downloads, passes its content digest and saves."""
    offline = read_offline(datasets._SPECS[name].filename)
    X, y = offline["X"], offline["y"]
    split = (np.arange(len(y)) >= n_train).astype(np.int8)
    if name == "segmentation":
        files = segmentation_files(X, y, split)
    elif name == "letter":
        letters = [chr(ord("A") + code - 1) for code in y]
        files = {train_file: format_rows(X, letters, label_first=True, separator=",")}
    else:
        files = {
            train_file: format_rows(X[:n_train], y[:n_train], separator=separator),
            test_file: format_rows(X[n_train:], y[n_train:], separator=separator),
        }
    serve(file_server, monkeypatch, name, files)

    bunch = load_dataset(name, data_home=tmp_path)

    assert bunch.filename == str(tmp_path / f"{name}.npz")
    assert_array_equal(bunch.target, y)
    np.testing.assert_allclose(bunch.data, X, rtol=1e-7)
    if test_file is not None:
        assert_array_equal(bunch.split, split)
    reloaded = load_dataset(name, data_home=tmp_path, download_if_missing=False)
    assert_array_equal(reloaded.data, bunch.data)


def gas_drift_zip(offline):
    """Zip the offline batches in the UCI text format, without 7 and 10."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for batch in np.unique(offline["batch"]):
            rows = offline["batch"] == batch
            lines = []
            for x, label, conc in zip(offline["X"][rows], offline["y"][rows],
                                      offline["conc"][rows]):
                values = " ".join(f"{k}:{value!r}" for k, value in enumerate(x.tolist(), 1))
                lines.append(f"{label};{conc:.6f} {values}")
            archive.writestr(f"Dataset/batch{batch}.dat", "\n".join(lines) + "\n")
    return buffer.getvalue()


def test_partial_gas_drift_download_is_rejected(tmp_path, monkeypatch, file_server,
                                                offline_dir):
    """A download without batches 7 and 10 parses but fails the full counts."""
    serve(file_server, monkeypatch, "gas_drift",
          {"driftdataset.zip": gas_drift_zip(read_offline("gas_drift_partial.npz"))})

    with pytest.raises(ChecksumMismatchError) as error:
        fetch_gas_drift(data_home=tmp_path)
    message = str(error.value)
    assert "expected 13910 rows x 128 features" in message
    assert "got X of shape (6697, 128)" in message
    assert "Nothing was saved" in message
    assert list(tmp_path.iterdir()) == []


def test_partial_mnist_download_is_rejected(tmp_path, monkeypatch, file_server,
                                            offline_dir):
    """IDX files with 100 training images parse but fail the full counts."""
    offline = read_offline("mnist_test.npz")
    images = offline["X"].reshape(-1, 28, 28)
    serve(file_server, monkeypatch, "mnist", {
        "train-images-idx3-ubyte.gz": idx_gz(images[:100]),
        "train-labels-idx1-ubyte.gz": idx_gz(offline["y"][:100]),
        "t10k-images-idx3-ubyte.gz": idx_gz(images),
        "t10k-labels-idx1-ubyte.gz": idx_gz(offline["y"]),
    })

    with pytest.raises(ChecksumMismatchError, match=r"got X of shape \(10100, 784\)"):
        fetch_mnist(data_home=tmp_path)
    assert list(tmp_path.iterdir()) == []


def full_table_with_subset(name):
    """Return a table whose subset rows are the offline copy, and its spec.

    The spec's full class counts are set to the table's own, so that only the
    check of the subset rows can fail.
    """
    if name == "gas_drift":
        arrays = read_offline("gas_drift_partial.npz")
    else:
        test = read_offline("mnist_test.npz")
        arrays = {
            "X": np.vstack([test["X"][:50], test["X"]]),
            "y": np.concatenate([test["y"][:50], test["y"]]),
            "split": np.repeat(np.array([0, 1], dtype=np.int8), [50, 10000]),
        }
    spec = dataclasses.replace(datasets._SPECS[name],
                               full_class_counts=class_counts(arrays["y"]))
    return arrays, spec


@pytest.mark.parametrize("name", ["gas_drift", "mnist"])
def test_full_table_subset_rows_checked(name, offline_dir):
    """The rows of a full table that the subset contains must match it."""
    arrays, spec = full_table_with_subset(name)
    assert datasets._full_table_problem(spec, arrays) is None

    subset_row = int(np.flatnonzero(spec.subset_rows(arrays))[3])
    arrays["X"][subset_row, 5] += 1
    problem = datasets._full_table_problem(spec, arrays)
    assert problem is not None
    assert spec.content_sha256 in problem


def test_malformed_download_raises_download_error(tmp_path, monkeypatch, file_server):
    """A sensorless drive file with a short line names the file and line."""
    serve(file_server, monkeypatch, "sensorless_drive",
          {"Sensorless_drive_diagnosis.txt": b"1 2 3\n"})

    with pytest.raises(DownloadError, match="Sensorless_drive_diagnosis.txt, line 1: "
                                            "expected 49 values, found 3"):
        load_dataset("sensorless_drive", data_home=tmp_path)
    assert list(tmp_path.iterdir()) == []
