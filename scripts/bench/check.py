"""The content check's time (`make check`), in-process and as a subprocess."""

from __future__ import annotations

import subprocess
import sys
import tempfile
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


ADVERSARIAL_TARGETS_S = {"page_5_mb": 5.0, "brackets_10000": 2.0, "list_500_deep": 2.0}


def measure_check_robustness() -> dict[str, Any]:
    """The content check on adversarial pages (issue 11): each alone in a docs folder, timed in-process, once."""
    from ..check import Checker
    from ..sources import FRONT_MATTER

    sample = (ROOT / "docs" / "guide" / "side-effects.md").read_text(encoding="utf-8")
    front = FRONT_MATTER.match(sample).group(0)
    body = sample[len(front):]
    bodies = {
        "page_5_mb": body * (5_000_000 // len(body.encode("utf-8")) + 1),
        "brackets_10000": "# Case\n\n" + "[" * 10_000 + "]" * 10_000 + "\n",
        "list_500_deep": "# Case\n\n" + "".join("  " * depth + "- level\n" for depth in range(500)),
    }
    rows = {}
    with tempfile.TemporaryDirectory(prefix="guide-bench-check-") as folder:
        for name, text in bodies.items():
            docs = Path(folder) / name
            docs.mkdir()
            (docs / "page.md").write_text(front + text, encoding="utf-8")
            started = time.perf_counter()
            problems = Checker(docs=docs).run()
            elapsed = round(time.perf_counter() - started, 3)
            rows[name] = {"bytes": len((front + text).encode("utf-8")), "seconds": elapsed, "target_s": ADVERSARIAL_TARGETS_S[name],
                          "meets_target": elapsed < ADVERSARIAL_TARGETS_S[name],
                          "codes": sorted({p.code for p in problems})}
    return {"pages": rows}
