"""Fast runs of benchmarks/speed.py and benchmarks/step_breakdown.py on a few rows.

They check that the scripts run and report what docs/performance.md quotes,
not how fast anything is.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mcdd_sklearn._net import has_fused_adam

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
HAS_CPU_FUSED_ADAM = has_fused_adam("cpu")


def _run(script, shared_data_dir, *args):
    command = [sys.executable, str(BENCHMARKS / script), "--data-dir", str(shared_data_dir)]
    result = subprocess.run(
        [*command, "--threads", "1", *args], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_speed_script_reports_ratios(shared_data_dir):
    output = _run("speed.py", shared_data_dir, "--n-rows", "2000", "--rounds", "1")

    ratios = re.findall(r"library / (hand-written|reference)\s+= (\d+\.\d+)", output)
    assert len(ratios) == 4  # two goals, wall-clock and CPU time
    assert all(float(value) > 0 for _, value in ratios)
    assert re.search(r"per-fit set-up \d+\.\d ms", output)
    if HAS_CPU_FUSED_ADAM:
        assert "hand-written, fused Adam" in output
        assert re.search(r"epoch minus the fused-Adam loop: -?\d+\.\d+ ms per batch", output)


@pytest.mark.skipif(not HAS_CPU_FUSED_ADAM, reason="needs torch 2.4 or newer")
def test_step_breakdown_reports_phases(shared_data_dir):
    output = _run("step_breakdown.py", shared_data_dir, "--n-rows", "2000", "--epochs", "1")

    rows = re.findall(r"^\s+(for-each|fused)((?:\s+\d+\.\d+){6})$", output, flags=re.MULTILINE)
    assert [name for name, _ in rows] == ["for-each", "fused"]
    for _, numbers in rows:
        *phases, total = (float(value) for value in numbers.split())
        assert total == pytest.approx(sum(phases), abs=0.01)
    share = re.search(r"matrix products \(aten::mm, aten::addmm\): (\d+)%", output)
    assert 0 < int(share.group(1)) < 100
    assert re.search(r"index_select\s+\d+\.\d", output)
