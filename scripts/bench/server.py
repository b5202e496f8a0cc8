"""A static host on 127.0.0.1 that gzips like GitHub Pages and logs what it sent."""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .common import GZIP_LEVEL, TEXT_SUFFIXES


def gzip_size(path: Path, cache: dict[Path, bytes]) -> bytes:
    if path not in cache:
        cache[path] = gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)
    return cache[path]


class LoggingHandler(http.server.SimpleHTTPRequestHandler):
    server: BenchServer

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        url_path = unquote(urlsplit(self.path).path)
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not url_path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.server.record(url_path, 301, None, 0, 0)
                return
            target = target / "index.html"
        status = 200
        if not target.is_file():
            status = 404
            fallback = Path(self.directory) / "404.html"
            target = fallback if fallback.is_file() else None
        body = target.read_bytes() if target else b"Not found"
        raw = len(body)
        text = target is None or target.suffix.lower() in TEXT_SUFFIXES
        compressed = gzip_size(target, self.server.gzip_cache) if target and text else gzip.compress(body, GZIP_LEVEL, mtime=0)
        # What a gzip-serving host sends: gzip for text types, the file as it is for fonts and images.
        weight = len(compressed) if text else raw
        send_gzip = text and "gzip" in self.headers.get("Accept-Encoding", "")
        payload = compressed if send_gzip else body
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(target)) if target else "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "max-age=600")  # GitHub Pages' header
        if send_gzip:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(payload)
        self.server.record(url_path, status, target, raw, weight)


class BenchServer(http.server.ThreadingHTTPServer):
    """Serves a built site on 127.0.0.1 (a free port) and logs every request it answers."""

    daemon_threads = True

    def __init__(self, directory: Path):
        super().__init__(("127.0.0.1", 0), functools.partial(LoggingHandler, directory=str(directory)))
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        self.gzip_cache: dict[Path, bytes] = {}
        self.lock = threading.Lock()
        self.entries: list[dict[str, Any]] = []
        self.last_request = time.monotonic()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def record(self, path: str, status: int, target: Path | None, raw: int, weight: int) -> None:
        with self.lock:
            self.entries.append(
                {
                    "path": path,
                    "status": status,
                    "raw_bytes": raw,
                    "bytes": weight,
                    "text": bool(target is None or target.suffix.lower() in TEXT_SUFFIXES),
                }
            )
            self.last_request = time.monotonic()

    def take(self) -> list[dict[str, Any]]:
        with self.lock:
            entries, self.entries = self.entries, []
            return entries

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
