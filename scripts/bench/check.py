"""The content check's time (`make check`), in-process and as a subprocess."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .common import CHECK_RUNS, ENV, ROOT, MeasurementError, log, median


def time_checker(docs: Path | None, runs: int) -> dict[str, Any]:
    from ..check import Checker  # imported before timing: the runs time the check, not the imports

    times, problems = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        found = Checker(docs=docs).run() if docs else Checker().run()
        times.append(round(time.perf_counter() - started, 3))
        problems = len(found)
    return {"runs": runs, "median_s": median(times), "all_s": times, "problems": problems}


def measure_check() -> dict[str, Any]:
    log(f"content check: {CHECK_RUNS} in-process runs, then one `python -m scripts check`")
    in_process = time_checker(None, CHECK_RUNS)
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "scripts", "check"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300
        )
    except subprocess.TimeoutExpired:
        raise MeasurementError("`python -m scripts check` timed out after 300 s") from None
    wall = round(time.perf_counter() - started, 3)
    summary = (proc.stderr.strip().splitlines() or [""])[-1]
    return {"in_process": in_process, "subprocess": {"wall_s": wall, "exit_code": proc.returncode, "summary": summary}}
