"""Fast checks of the OOD benchmark harness in benchmarks/ood_benchmark.py."""

import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARK_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "ood_benchmark.py"


@pytest.fixture(scope="module")
def benchmark():
    """The harness module, loaded from its file because benchmarks/ is not a package."""
    spec = importlib.util.spec_from_file_location("ood_benchmark", BENCHMARK_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def segmentation_rows(benchmark, shared_data_dir):
    """One fold of segmentation with one held-out class and four fast methods."""
    return benchmark.run_benchmark(
        ["segmentation"],
        methods=["mcdd", "msp", "mahalanobis", "iforest"],
        n_folds=1,
        max_held_out=1,
        data_home=shared_data_dir,
        mcdd_params={"max_epochs": 15},
        mlp_params={"max_epochs": 15},
        stream=io.StringIO(),
    )


def test_rows_have_csv_columns(benchmark, segmentation_rows):
    """Each method gives one row with exactly the documented columns."""
    assert list(segmentation_rows.columns) == list(benchmark.CSV_COLUMNS)
    assert segmentation_rows["method"].tolist() == ["mcdd", "msp", "mahalanobis", "iforest"]
    assert segmentation_rows["dataset"].unique().tolist() == ["segmentation"]


def test_row_counts_match_protocol(segmentation_rows):
    """The 80/20 split covers the six ID classes and the OOD class has 330 rows."""
    row = segmentation_rows.iloc[0]
    assert row["n_ood"] == 330
    assert row["n_train"] + row["n_test_id"] == 2310 - 330
    assert row["n_test_id"] == pytest.approx(0.2 * (2310 - 330), abs=1)


def test_metrics_in_range(benchmark, segmentation_rows):
    """Every OOD metric lies in [0, 1], and accuracy is NaN only for detectors."""
    metrics = segmentation_rows[list(benchmark.METRIC_COLUMNS)].to_numpy()
    assert np.isfinite(metrics).all()
    assert (metrics >= 0).all()
    assert (metrics <= 1).all()
    accuracy = segmentation_rows.set_index("method")["accuracy"]
    assert np.isnan(accuracy["iforest"])
    assert accuracy["mcdd"] > 0.8


def test_mcdd_auroc_above_chance(segmentation_rows):
    """MCDD separates the held-out segmentation class well above chance."""
    auroc = segmentation_rows.set_index("method")["AUROC"]
    assert auroc["mcdd"] > 0.75


def test_rare_id_class_stays_in_training(benchmark):
    """A class with fewer rows than folds is in every training fold, never in a test fold."""
    y = np.r_[np.zeros(40), np.ones(40), np.full(3, 2)].astype(int)
    folds = benchmark.split_folds(y, n_folds=5, seed=0)
    rare_rows = set(np.flatnonzero(y == 2))
    assert len(folds) == 5
    for train, test in folds:
        assert rare_rows <= set(train)
        assert not rare_rows & set(test)
        assert len(np.intersect1d(train, test)) == 0
    all_test = np.sort(np.concatenate([test for _, test in folds]))
    assert all_test.tolist() == np.flatnonzero(y != 2).tolist()


def test_small_ood_class_skipped(benchmark):
    """Classes under min_ood_rows are reported as skipped and never held out."""
    y = np.r_[np.zeros(50), np.ones(10), np.full(30, 2)].astype(int)
    held_out, skipped = benchmark.choose_held_out(y, min_ood_rows=20)
    assert held_out == [0, 2]
    assert skipped == [(1, 10)]


def test_command_line_writes_outputs(benchmark, tmp_path, capsys):
    """The command line writes the CSV, the markdown summary and the plot."""
    benchmark.main([
        "--datasets", "wine", "--folds", "2", "--held-out", "1",
        "--methods", "mcdd", "iforest", "--max-epochs", "10",
        "--output-dir", str(tmp_path),
    ])
    rows = pd.read_csv(tmp_path / "results.csv")
    assert len(rows) == 2 * 2
    assert set(rows["method"]) == {"mcdd", "iforest"}
    summary = (tmp_path / "summary.md").read_text()
    assert "### AUROC" in summary
    assert "| wine" in summary
    assert (tmp_path / "auroc.png").stat().st_size > 1000
    assert "elapsed" in capsys.readouterr().out


def test_merge_results_later_rows_win(benchmark):
    """A later table replaces rows of the same run and keeps the first order."""
    first = pd.DataFrame({
        "dataset": ["wine", "wine"], "held_out": [0, 0], "fold": [0, 0],
        "method": ["mcdd", "lof"], "AUROC": [0.7, 0.8],
    })
    second = pd.DataFrame({
        "dataset": ["wine", "wine"], "held_out": [0, 1], "fold": [0, 0],
        "method": ["mcdd", "mcdd"], "AUROC": [0.9, 0.6],
    })
    merged = benchmark.merge_results([first, second])
    assert merged["method"].tolist() == ["mcdd", "lof", "mcdd"]
    assert merged["held_out"].tolist() == [0, 0, 1]
    assert merged["AUROC"].tolist() == [0.9, 0.8, 0.6]
