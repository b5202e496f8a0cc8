"""How build and content-check times grow with 100, 500 and 1,000 pages, ours against stock."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from .check import time_checker
from .common import ROOT, SCALE_SIZES, MeasurementError, log, stock_config, summarise_builds, timed_build


def grow_docs(docs: Path, total: int, guide_pages: list[Path], counter: list[int]) -> int:
    """Add copies of the real guide pages (unique names, same folder so relative links hold) until docs has `total` pages."""
    from ..sources import content_pages

    count = len(content_pages(docs))
    while count < total:
        counter[0] += 1
        source = guide_pages[(counter[0] - 1) % len(guide_pages)]
        shutil.copyfile(source, docs / "guide" / f"{source.stem}-copy-{counter[0]:04d}.md")
        count += 1
    return count


def measure_scaling(work: Path, site_name: str) -> dict[str, Any]:
    project = work / "scale"
    project.mkdir()
    for name in ("docs", "data", "overrides"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, project / name)
    # Without its nav, so the generated pages count as listed for the build and the content check alike.
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(re.sub(r"(?ms)^nav:\n.*?(?=^\S)", "", config), encoding="utf-8")
    (project / "scripts").mkdir()
    shutil.copyfile(ROOT / "scripts" / "hooks.py", project / "scripts" / "hooks.py")  # named by path in mkdocs.yml
    # No nav, so every generated page is built and listed; --no-strict, because the copies are not in our nav.
    (project / "ours-all-pages.yml").write_text("INHERIT: mkdocs.yml\nnav: null\n", encoding="utf-8")
    (project / "stock-all-pages.yml").write_text(stock_config(site_name, None), encoding="utf-8")
    guide_pages = sorted((project / "docs" / "guide").glob("*.md"))
    if not guide_pages:
        raise MeasurementError("docs/guide has no pages to copy")
    counter = [0]
    rows = []
    for size, runs in SCALE_SIZES.items():
        pages = grow_docs(project / "docs", size, guide_pages, counter)
        ours_runs, stock_runs = [], []
        for run in range(runs):
            log(f"scaling, {pages} pages: build {run + 1}/{runs}, ours then stock (non-strict, no nav)")
            ours_runs.append(timed_build(project / "ours-all-pages.yml", work / "scale-site-ours", project, strict=False))
            stock_runs.append(timed_build(project / "stock-all-pages.yml", work / "scale-site-stock", project, strict=False))
        log(f"scaling, {pages} pages: content check (once)")
        check = time_checker(project / "docs", 1)
        ours, stock = summarise_builds(ours_runs), summarise_builds(stock_runs)
        rows.append(
            {
                "pages": pages,
                "runs": runs,
                "ours": ours,
                "stock": stock,
                "ratio_wall": round(ours["median_wall_s"] / stock["median_wall_s"], 2),
                "ours_ms_per_page": round(1000 * ours["median_wall_s"] / pages, 1),
                "stock_ms_per_page": round(1000 * stock["median_wall_s"] / pages, 1),
                "check_s": check["median_s"],
                "check_problems": check["problems"],
            }
        )
        shutil.rmtree(work / "scale-site-ours", ignore_errors=True)
        shutil.rmtree(work / "scale-site-stock", ignore_errors=True)
    return {"sizes": rows}
