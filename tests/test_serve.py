"""`make serve` answers on 127.0.0.1 (on a free port here, so it never clashes with a maintainer's server)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request

import pytest

from conftest import ENV, ROOT, free_port


@pytest.mark.slow
def test_make_serve_answers_on_loopback():
    port = free_port()
    process = subprocess.Popen(["make", "--no-print-directory", "serve", f"PORT={port}"], cwd=ROOT, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"make serve exited early:\n{process.stdout.read()}")
                time.sleep(0.5)
        assert "Ketamine for depression" in body
        assert 'class="crisis"' in body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
