"""What every measurement shares: paths, the Chromium flags, the two sites' configs and a timed build."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The same flags as tests/conftest.py: without them Chromium floods a closed network with update requests.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

BUILD_RUNS = 5
CHECK_RUNS = 5
# Pages in the whole docs folder -> timed builds of each site. The big sizes take about a minute each.
SCALE_SIZES = {100: 3, 500: 1, 1000: 1}
# The pages measured; the guide page is set to the largest one of our build (choose_guide_page).
GUIDE_PAGE = "largest guide page"
PAGES = {"home": "", GUIDE_PAGE: "guide/benefits/", "FAQ": "faq/"}
TEXT_SUFFIXES = {".html", ".htm", ".css", ".js", ".mjs", ".json", ".svg", ".xml"}
GZIP_LEVEL = 6

BUILD_TIMEOUT = 900
TARGET_BUILD_RATIO = 1.5
TARGET_FIRST_VIEW_KB = 80


class MeasurementError(Exception):
    """An expected failure (a build that fails, a tool that is missing); the message says why."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def kb(size: float) -> float:
    return round(size / 1000, 1)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


# --- The sites ----------------------------------------------------------------


def our_config() -> dict[str, Any]:
    """Our mkdocs.yml as plain strings; BaseLoader ignores tags such as !ENV instead of failing on them."""
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
    if not isinstance(config, dict):
        raise MeasurementError("mkdocs.yml is not a mapping")
    return config


def stock_config(site_name: str, nav: Any, fonts: bool = True) -> str:
    """A minimal Material config: theme defaults (Google Fonts unless fonts=False), search, our nav, no extensions."""
    config: dict[str, Any] = {"site_name": site_name, "theme": {"name": "material"}, "plugins": ["search"]}
    if not fonts:
        config["theme"]["font"] = False
    if nav is not None:
        config["nav"] = nav
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def mkdocs_command(config: Path, site_dir: Path, strict: bool) -> list[str]:
    mkdocs = BIN / "mkdocs"
    base = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    return [*base, "build", "--strict" if strict else "--no-strict", "--clean", "-f", str(config), "-d", str(site_dir)]


REPORTED = re.compile(r"Documentation built in ([\d.]+) seconds")


def timed_build(config: Path, site_dir: Path, cwd: Path, strict: bool) -> dict[str, Any]:
    """One build as a maintainer runs it: wall time of the whole process (Python start-up included)."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            mkdocs_command(config, site_dir, strict), cwd=cwd, env=ENV, capture_output=True, text=True, timeout=BUILD_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise MeasurementError(f"build of {config.name} timed out after {BUILD_TIMEOUT} s") from None
    wall = time.perf_counter() - started
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = " | ".join(line.strip() for line in output.strip().splitlines()[-4:])
        raise MeasurementError(f"`mkdocs build` with {config.name} exited {proc.returncode}: {tail}")
    reported = REPORTED.search(output)
    return {
        "wall_s": round(wall, 3),
        "reported_s": float(reported.group(1)) if reported else None,
        "warnings": sum(1 for line in output.splitlines() if line.startswith("WARNING")),
    }


def summarise_builds(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [run["wall_s"] for run in runs]
    reported = [run["reported_s"] for run in runs if run["reported_s"] is not None]
    return {
        "runs": len(runs),
        "median_wall_s": median(walls),
        "min_wall_s": min(walls),
        "max_wall_s": max(walls),
        "median_reported_s": median(reported) if reported else None,
        "warnings": runs[-1]["warnings"],
        "all": runs,
    }


def choose_guide_page(site: Path) -> str:
    """Measure the largest guide page of our build (the HTML file's size): pages change as they are rewritten."""
    pages = sorted((site / "guide").glob("*/index.html"), key=lambda path: path.stat().st_size)
    if pages:
        PAGES[GUIDE_PAGE] = pages[-1].parent.relative_to(site).as_posix() + "/"
    return PAGES[GUIDE_PAGE]
