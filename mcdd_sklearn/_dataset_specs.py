"""Known facts about each downloadable data set: files, digests, names."""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._uci_formats import (
    _SEGMENT_CLASSES,
    _numeric_parser,
    _parse_gas_drift,
    _parse_letter,
    _parse_mnist,
    _parse_segmentation,
)


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
