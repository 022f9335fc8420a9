"""Parsers for the original file formats of the UCI tables and of MNIST.

Each parser takes a dict that maps a source file name to its bytes. A ``.Z``
or ``.gz`` file is already decompressed there and listed without that suffix.
The parser returns a dict of arrays with at least ``X`` and ``y`` (int64
labels). :func:`_unlzw` decodes the ``.Z`` files.
"""

import io
import re
import zipfile

import numpy as np


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
