"""Facts about the machine and software a run was measured on."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from .common import CHROMIUM, ROOT


def command_output(command: list[str]) -> str | None:
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def machine_facts() -> dict[str, Any]:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpu = memory = os_name = None
    try:
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            None,
        )
        total = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f"{int(total) / 1024 / 1024:.1f} GiB"
        os_name = next(
            (
                line.split("=", 1)[1].strip('"')
                for line in Path("/etc/os-release").read_text().splitlines()
                if line.startswith("PRETTY_NAME=")
            ),
            None,
        )
    except (OSError, StopIteration, ValueError):
        pass
    status = command_output(["git", "status", "--porcelain"])
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": os_name or platform.platform(),
        "kernel": platform.release(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "Markdown": version("Markdown"),
        "pymdown-extensions": version("pymdown-extensions"),
        "playwright": version("playwright"),
        "chromium": command_output([CHROMIUM, "--version"]) or "not found",
        "node": command_output(["node", "--version"]) or "not found",
        "git_commit": command_output(["git", "rev-parse", "--short", "HEAD"]) or "unknown",
        "git_dirty": bool(status) if status is not None else None,
    }
