"""Previewing: `make serve` (the sources, with live reload) and `make serve-built` (a site already built).

`make serve` is for drafts, so it is not strict: a page with an unknown
citation or a leftover placeholder is still shown. Instead the content check
runs when the server starts and again after every change to docs/, data/,
overrides/ or mkdocs.yml, and prints each problem as `path:line:column: CODE
message (fix)`. Strictness stays in `make build`, `make check` and CI.

MkDocs watches docs/ and mkdocs.yml by itself; data/ (references, glossary,
crisis services, editions) and overrides/ (the templates) are watched with -w,
because the pages are rebuilt from them.

`make serve-built DIR=...` serves a built site, such as the CI's preview
artifact, the way a static host does: opened from disk, its directory links
show folder listings and the search worker is blocked by the browser.
"""

from __future__ import annotations

import functools
import http.server
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import sources

WATCHED = ("docs", "data", "overrides", "mkdocs.yml")


class ServeError(Exception):
    """The preview could not start; the message says why and what to do."""


def _interrupt(*_) -> None:
    """SIGTERM (from a test or a process manager) stops the server the way Ctrl+C does."""
    raise KeyboardInterrupt


def _snapshot(root: Path) -> dict[str, float]:
    """Modification times of every watched file: a change to any of them triggers a new check."""
    times = {}
    for name in WATCHED:
        path = root / name
        candidates = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            try:
                times[str(candidate)] = candidate.stat().st_mtime_ns
            except OSError:
                continue  # removed while we looked: the next snapshot sees it gone
    return times


def report_problems() -> int:
    """Run the content check and print its problems for the maintainer; return how many there were."""
    from .check import run_check

    try:
        problems = run_check()
    except Exception as error:  # noqa: BLE001 - a half-saved file must not stop the preview
        print(f"Content check could not run ({type(error).__name__}: {error}); it runs again at the next change.",
              flush=True)
        return 1
    if problems:
        print(f"Content check: {len(problems)} problem(s). The preview shows the pages anyway; "
              "make check, make build and CI refuse them:", flush=True)
        for problem in problems:
            print(f"  {problem}", flush=True)
    else:
        print("Content check: no problems.", flush=True)
    return len(problems)


def serve(dev_addr: str, root: Path = sources.ROOT, poll_seconds: float = 1.0) -> int:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    if not mkdocs.exists():
        raise ServeError(f"mkdocs is not installed in {mkdocs.parent.parent}: run 'make install', then 'make serve'")
    command = [str(mkdocs), "serve", "--no-strict", "--dev-addr", dev_addr]
    for name in ("data", "overrides"):
        command += ["--watch", name]
    process = subprocess.Popen(command, cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})

    signal.signal(signal.SIGTERM, _interrupt)
    try:
        seen = _snapshot(root)
        report_problems()
        while process.poll() is None:
            time.sleep(poll_seconds)
            now = _snapshot(root)
            if now != seen:
                seen = now
                print("Files changed: checking again.", flush=True)
                report_problems()
        return process.returncode
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_site(directory: Path, host: str, port: int) -> int:
    """Serve a built site on host:port until interrupted."""
    directory = Path(directory)
    if not (directory / "index.html").is_file():
        inner = sorted(p.parent for p in directory.glob("*/index.html")) if directory.is_dir() else []
        hint = f" (did you mean DIR={inner[0]}?)" if inner else ""
        raise ServeError(f"{directory} has no index.html, so it is not a built site{hint}: unzip the CI's "
                         "site-preview artifact into a folder and give that folder, e.g. DIR=site-preview")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port} ({error.strerror}): choose another port, "
                         f"e.g. 'make serve-built DIR={directory} BUILT_PORT={port + 10}'") from None
    print(f"Serving {directory} on http://{host}:{server.server_address[1]}/ (Ctrl+C stops it).", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
