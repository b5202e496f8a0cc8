"""Lighthouse (mobile, simulated throttling) on the same pages of both sites."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from .common import CHROMIUM, PAGES, ROOT, MeasurementError, log
from .server import BenchServer

LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_TIMEOUT = 180
LIGHTHOUSE_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET_TBT_FACTOR = 1.25
TARGET_TBT_MARGIN_MS = 50


def ensure_lighthouse() -> str:
    """Install the pinned Lighthouse into node_modules/ (gitignored) if it is not there; return its version."""
    if not shutil.which("node"):
        raise MeasurementError("Node.js is not installed (Lighthouse needs node >= 18)")
    if not LIGHTHOUSE.exists():
        if not shutil.which("npm"):
            raise MeasurementError("npm is not installed, so Lighthouse cannot be installed")
        log(f"installing lighthouse@{LIGHTHOUSE_VERSION} into node_modules/ with npm")
        try:
            proc = subprocess.run(
                ["npm", "install", "--no-save", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except subprocess.TimeoutExpired:
            raise MeasurementError("`npm install lighthouse` timed out after 600 s") from None
        if proc.returncode != 0 or not LIGHTHOUSE.exists():
            tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
            raise MeasurementError(f"`npm install lighthouse@{LIGHTHOUSE_VERSION}` failed: {tail}")
    try:
        package = json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text(encoding="utf-8"))
        return str(package.get("version", "unknown"))
    except (OSError, ValueError):
        return "unknown"


def child_pids(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text().split()]
        except (OSError, ValueError):
            pass
    return children


def stop_lighthouse(proc: subprocess.Popen) -> None:
    """End a Lighthouse run we started: its process group, and the Chromium it launched in a group of its own."""
    profiles = []
    for child in child_pids(proc.pid):
        try:
            arguments = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            profiles += [arg.split(b"=", 1)[1].decode() for arg in arguments if arg.startswith(b"--user-data-dir=")]
            group = os.getpgid(child)
            if group not in (proc.pid, os.getpgid(0)):
                os.killpg(group, signal.SIGKILL)
        except (OSError, ValueError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.communicate()
    for profile in profiles:  # chrome-launcher's temporary profile, normally removed by Lighthouse itself
        if Path(profile).name.startswith("lighthouse."):
            shutil.rmtree(profile, ignore_errors=True)


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    """One mobile Lighthouse run; never raises, never hangs: a failure comes back as {'failed': reason}."""
    command = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-flags={LIGHTHOUSE_FLAGS}",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    started = time.perf_counter()
    try:
        # Its own process group, so a timeout can end Lighthouse and the Chromium it started, and nothing else.
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except OSError as error:
        return {"failed": f"could not start Lighthouse: {error}"}
    try:
        _, stderr = proc.communicate(timeout=LIGHTHOUSE_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop_lighthouse(proc)
        return {"failed": f"timed out after {LIGHTHOUSE_TIMEOUT} s"}
    seconds = round(time.perf_counter() - started, 1)
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        tail = " | ".join(stderr.strip().splitlines()[-2:]) or f"exit code {proc.returncode}, no report"
        return {"failed": tail}
    if data.get("runtimeError"):
        error = data["runtimeError"]
        return {"failed": f"{error.get('code')}: {error.get('message', '')}".strip()}
    audits = data.get("audits", {})
    scores = {}
    for category in LIGHTHOUSE_CATEGORIES:
        score = data.get("categories", {}).get(category, {}).get("score")
        scores[category] = round(score * 100) if isinstance(score, (int, float)) else None

    def metric(name: str) -> float | None:
        value = audits.get(name, {}).get("numericValue")
        return round(value, 3) if isinstance(value, (int, float)) else None

    # Why a score is below 100: the weighted audits that did not pass, per category (performance's are metrics).
    below = {}
    for category in LIGHTHOUSE_CATEGORIES[1:]:
        refs = data.get("categories", {}).get(category, {}).get("auditRefs", [])
        below[category] = [
            ref["id"]
            for ref in refs
            if ref.get("weight")
            and isinstance(audits.get(ref["id"], {}).get("score"), (int, float))
            and audits[ref["id"]]["score"] < 1
        ]
    return {
        "scores": scores,
        "seconds": seconds,
        "run_warnings": data.get("runWarnings", []),
        "audits_not_passed": below,
        "metrics": {
            "first_contentful_paint_ms": metric("first-contentful-paint"),
            "largest_contentful_paint_ms": metric("largest-contentful-paint"),
            "total_blocking_time_ms": metric("total-blocking-time"),
            "cumulative_layout_shift": metric("cumulative-layout-shift"),
            "total_byte_weight": metric("total-byte-weight"),
            "main_thread_ms": metric("mainthread-work-breakdown"),
            "script_bootup_ms": metric("bootup-time"),
        },
        # Where main-thread time goes: Lighthouse's breakdown by kind of work, and by script.
        "main_thread": [
            {"group": item.get("groupLabel") or item.get("group"), "ms": round(item.get("duration", 0))}
            for item in audits.get("mainthread-work-breakdown", {}).get("details", {}).get("items", [])[:4]
        ],
        "scripts": [
            {"url": str(item.get("url", "")).rsplit("/", 1)[-1], "scripting_ms": round(item.get("scripting", 0))}
            for item in audits.get("bootup-time", {}).get("details", {}).get("items", [])[:3]
        ],
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median total blocking time (the noisiest figure), with every run's scores beside it."""
    good = [run for run in runs if "failed" not in run]
    if not good:
        return runs[-1]
    ordered = sorted(good, key=lambda run: run["metrics"]["total_blocking_time_ms"] or 0)
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["all_runs"] = [{"performance": run["scores"]["performance"],
                           "tbt_ms": run["metrics"]["total_blocking_time_ms"]} for run in good]
    return chosen


def verdicts(sites: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each page against the targets: performance at least stock's, 100 elsewhere, TBT within 1.25 x stock + 50 ms."""
    out = {}
    for label in PAGES:
        ours, stock = sites.get("ours", {}).get(label, {}), sites.get("stock", {}).get(label, {})
        if "scores" not in ours or "scores" not in stock:
            continue
        tbt_limit = TARGET_TBT_FACTOR * (stock["metrics"]["total_blocking_time_ms"] or 0) + TARGET_TBT_MARGIN_MS
        out[label] = {
            "performance": (ours["scores"]["performance"] or 0) >= (stock["scores"]["performance"] or 0),
            "other_categories_100": all(ours["scores"][c] == 100 for c in LIGHTHOUSE_CATEGORIES[1:]),
            "tbt_limit_ms": round(tbt_limit),
            "tbt": (ours["metrics"]["total_blocking_time_ms"] or 0) <= tbt_limit,
        }
    return out


def measure_lighthouse(sites: dict[str, Path], work: Path, runs: int = 1) -> dict[str, Any]:
    """`runs` Lighthouse runs per page and site, ours and stock alternating, so load changes hit both alike."""
    version = ensure_lighthouse()
    collected: dict[str, dict[str, list]] = {name: {label: [] for label in PAGES} for name in sites}
    servers = {name: BenchServer(site) for name, site in sites.items()}
    for server in servers.values():
        server.__enter__()
    try:
        for run in range(runs):
            for label, path in PAGES.items():
                for name, server in servers.items():
                    log(f"Lighthouse {run + 1}/{runs}: {name}, {label} (/{path})")
                    report = work / f"lighthouse-{name}-{label.replace(' ', '-')}-{run}.json"
                    result = run_lighthouse(server.url + path, report)
                    if "failed" in result:
                        log(f"Lighthouse failed: {result['failed']}")
                    collected[name][label].append(result)
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    chosen = {name: {label: median_run(results) for label, results in pages.items()} for name, pages in collected.items()}
    return {"version": version, "runs": runs, "sites": chosen, "targets": verdicts(chosen)}
