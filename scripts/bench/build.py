"""Build time: ours (strict) against stock Material, interleaved, on the real docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .common import BUILD_RUNS, ROOT, TARGET_BUILD_RATIO, log, summarise_builds, timed_build


def measure_builds(ours_site: Path, stock_project: Path, stock_site: Path, nofont_site: Path) -> dict[str, Any]:
    ours_runs, stock_runs = [], []
    for run in range(BUILD_RUNS):  # interleaved, so drift in machine load hits both sides alike
        log(f"build {run + 1}/{BUILD_RUNS}: ours (strict), then stock")
        ours_runs.append(timed_build(ROOT / "mkdocs.yml", ours_site, ROOT, strict=True))
        stock_runs.append(timed_build(stock_project / "mkdocs.yml", stock_site, stock_project, strict=False))
    log("build: stock without Google Fonts (once, for the page-weight comparison)")
    nofont = timed_build(stock_project / "mkdocs-nofont.yml", nofont_site, stock_project, strict=False)
    ours, stock = summarise_builds(ours_runs), summarise_builds(stock_runs)
    ratio = round(ours["median_wall_s"] / stock["median_wall_s"], 2)
    reported_ratio = (
        round(ours["median_reported_s"] / stock["median_reported_s"], 2)
        if ours["median_reported_s"] and stock["median_reported_s"]
        else None
    )
    return {
        "ours": ours,
        "stock": stock,
        "stock_no_google_fonts": nofont,
        "ratio_wall": ratio,
        "ratio_reported": reported_ratio,
        "target_ratio": TARGET_BUILD_RATIO,
        "meets_target": ratio <= TARGET_BUILD_RATIO,
    }
