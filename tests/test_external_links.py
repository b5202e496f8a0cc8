"""The weekly external link check (.github/workflows/links.yml), run here against local stand-ins.

External sites cannot be reached from these machines, so a local "external" server plays them:
/ok answers 200, /missing 404, /slow answers later than the timeout, /busy 429 (a warning, not a
broken link). A second local server serves a page linking to them. linkchecker runs with the
real `.github/linkchecker/external.ini`; only the timeout is lowered on the command line
(command-line options override the file) so the test stays short.
"""

from __future__ import annotations

import configparser
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from scripts.links import LinkReportError, format_report

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / ".github" / "linkchecker" / "external.ini"
TEST_TIMEOUT = 2  # seconds, instead of the file's 30
SLOW_SECONDS = 6  # longer than TEST_TIMEOUT


def read_config() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    assert parser.read(CONFIG, encoding="utf-8") == [str(CONFIG)], f"{CONFIG} is missing"
    return parser


class StandIn:
    """A threaded HTTP server on 127.0.0.1 (free port) answering from a table of paths."""

    def __init__(self, routes: dict[str, tuple[int, str, bytes]]):
        self.routes = routes
        self.hits: list[tuple[float, str]] = []
        self.release = threading.Event()  # lets /slow return early at teardown
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                stand_in.hits.append((time.monotonic(), self.path))
                if self.path == "/slow":
                    stand_in.release.wait(SLOW_SECONDS)
                status, content_type, body = stand_in.routes.get(self.path, (404, "text/plain", b"not found"))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    if status == 429:
                        self.send_header("Retry-After", "3600")
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (the timeout case)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def link_check():
    """Run linkchecker once with the external configuration; yield what the tests inspect."""
    external = StandIn({"/ok": (200, "text/plain", b"ok")})
    other_external = StandIn({"/busy": (429, "text/plain", b"slow down")})
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sources</title></head><body>'
            f'<p><a href="{external.base}/ok">ok</a> <a href="{external.base}/missing">missing</a> '
            f'<a href="{external.base}/slow">slow</a> <a href="{other_external.base}/busy">busy</a></p>'
            f'<p><a href="mailto:editors@example.invalid">mail</a> <a href="tel:+15555550100">call</a> '
            f'<a href="sms:+15555550100">text</a></p></body></html>').encode()
    site = StandIn({"/": (200, "text/html; charset=utf-8", page)})
    # Material's hidden "outdated edition" banner links into /latest/, which only mike's
    # published branch has; the configuration must not report it from a plain build.
    page = page.replace(b"</body>", f'<a href="{site.base}/latest/">latest edition</a></body>'.encode())
    site.routes["/"] = (200, "text/html; charset=utf-8", page)
    # linkchecker drops root privileges to `nobody` before writing its CSV, so run it in a
    # folder anyone can write to (on CI it runs as an ordinary user).
    workdir = Path(tempfile.mkdtemp(prefix="external-links-"))
    workdir.chmod(0o777)
    started = time.monotonic()
    try:
        result = subprocess.run([str(BIN / "linkchecker"), "--config", str(CONFIG), "--timeout", str(TEST_TIMEOUT),
                                 site.base + "/"], cwd=workdir, capture_output=True, text=True, timeout=120)
        elapsed = time.monotonic() - started
        csv_name = read_config()["csv"]["filename"]
        csv_path = workdir / csv_name
        report = subprocess.run([sys.executable, "-m", "scripts", "link-report", str(csv_path)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        yield {"result": result, "elapsed": elapsed, "csv": csv_path, "report": report,
               "external": external, "other": other_external, "site": site}
    finally:
        for server in (external, other_external, site):
            server.close()
        shutil.rmtree(workdir, ignore_errors=True)


def test_config_checks_external_links_politely():
    config = read_config()
    assert config.getboolean("filtering", "checkextern")
    assert config.getfloat("checking", "maxrequestspersecond") <= 1
    assert 10 <= config.getint("checking", "timeout") <= 120
    assert 0 < config.getint("checking", "maxrunseconds") <= 3600
    ignored = config["filtering"]["ignore"].split()
    assert {"^mailto:", "^tel:", "^sms:"} <= set(ignored)
    assert any("/latest/" in pattern for pattern in ignored)
    assert "csv" in [name.strip() for name in config["output"]["fileoutput"].split(",")]
    assert config["csv"]["filename"].endswith(".csv")


def test_linkchecker_fails_and_writes_its_csv(link_check):
    result = link_check["result"]
    assert result.returncode == 1, f"exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert link_check["csv"].is_file(), "the CSV named in external.ini was not written (is fileoutput=csv set?)"
    assert link_check["elapsed"] < 60


def test_report_lists_broken_links_only(link_check):
    report = link_check["report"]
    assert report.returncode == 0, report.stderr
    text = report.stdout
    base = link_check["external"].base
    assert f"{base}/missing" in text and "404" in text
    assert f"{base}/slow" in text and "timed out" in text.lower()
    assert f"{base}/ok" not in text
    # 429 is a warning (rate limited), not a broken link; mailto:, tel: and sms: are not checked.
    assert "/busy" not in text
    assert "mailto:" not in text and "tel:" not in text and "sms:" not in text
    assert "/latest/" not in text and all(path != "/latest/" for _, path in link_check["site"].hits)
    assert "`/` (line" in text, "each broken link names the page it is on"


def test_the_file_timeout_is_overridden_and_the_rate_limit_applies(link_check):
    """--timeout 2 replaced the file's 30 s; maxrequestspersecond=1 spaced requests to one host."""
    assert "read timeout=2" in link_check["csv"].read_text(encoding="utf-8")
    hits = [(t, path) for t, path in link_check["external"].hits if path != "/robots.txt"]
    assert {path for _, path in hits} == {"/ok", "/missing", "/slow"}
    times = sorted(t for t, _ in hits)
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= 0.9, f"requests to one host came {gaps} s apart; expected at most one per second"
    # robots.txt was honoured (robotstxt=1): it is asked for before the first link.
    assert link_check["external"].hits[0][1] == "/robots.txt"


# --- format_report on its own ----------------------------------------------------------------

HEADER = ("urlname;parentname;base;result;warningstring;infostring;valid;url;line;column;name;"
          "dltime;size;checktime;cached;level;modified")


def write_csv(path: Path, *rows: str) -> str:
    path.write_text("# created by LinkChecker at 2026-11-27 05:23:00+000\n"
                    "# Read the documentation at https://linkchecker.github.io/linkchecker/\n"
                    + HEADER + "\n" + "".join(row + "\n" for row in rows)
                    + "# Stopped checking at 2026-11-27 05:40:00+000 (17 minutes)", encoding="utf-8")
    return str(path)


def test_format_report_on_a_missing_file_raises_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(LinkReportError, match="no such file"):
        format_report(str(missing))
    with pytest.raises(LinkReportError, match="directory"):
        format_report(str(tmp_path))


def test_link_report_command_prints_the_error_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "scripts", "link-report", str(tmp_path / "nowhere.csv")],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_format_report_on_a_clean_csv_is_empty(tmp_path):
    # Verbose output lists valid links too; a warning alone (valid True) is not a broken link.
    clean = write_csv(tmp_path / "clean.csv",
                      "http://127.0.0.1:8000/;;;200 OK;;;True;http://127.0.0.1:8000/;;;;-1;0;0.1;0;0;",
                      'https://doi.org/10.1/x;http://127.0.0.1:8000/guide/;;200 OK;"Redirected to a different URL.\n'
                      '# not a comment: inside a quoted field";;True;https://doi.org/10.1/x;12;5;x;-1;0;0.5;0;1;')
    assert format_report(clean) == ""
    (tmp_path / "empty.csv").write_text("")
    assert format_report(str(tmp_path / "empty.csv")) == ""


def test_format_report_groups_by_url_and_shows_pages(tmp_path):
    csv_path = write_csv(
        tmp_path / "broken.csv",
        "https://example.org/gone;http://127.0.0.1:8000/guide/benefits/;;404 Not Found;;;False;https://example.org/gone;"
        "30;7;gone;-1;0;0.3;0;1;",
        "https://example.org/gone;http://127.0.0.1:8000/faq/;;404 Not Found;;;False;https://example.org/gone;"
        "4;2;gone;-1;0;0.3;0;1;",
        # No line/column (linkchecker leaves both fields out): the row is two fields short.
        "https://example.org/down;;;ConnectionError: refused;;;False;https://example.org/down;down;-1;0;0.3;0;0;")
    report = format_report(csv_path)
    assert report.count("### <https://example.org/gone>") == 1
    assert "`/guide/benefits/` (line 30, column 7)" in report and "`/faq/` (line 4, column 2)" in report
    assert "127.0.0.1" not in report
    assert "### <https://example.org/down>" in report and "ConnectionError: refused" in report
    assert report.rstrip().endswith("- Found on:\n  - the start URL"), report
    assert "2 broken link(s)" in report


def test_format_report_keeps_quoted_lines_that_start_with_a_hash(tmp_path):
    """A multi-line warning may have a line starting with '#': it is data, not a comment line."""
    csv_path = write_csv(
        tmp_path / "multiline.csv",
        'https://doi.org/10.1/x;http://127.0.0.1:8000/guide/;;200 OK;"Redirected to a different URL.\n'
        '# not a comment: inside a quoted field";;True;https://doi.org/10.1/x;12;5;x;-1;0;0.5;0;1;',
        "https://example.org/gone;http://127.0.0.1:8000/faq/;;404 Not Found;;;False;https://example.org/gone;"
        "4;2;gone;-1;0;0.3;0;1;")
    report = format_report(csv_path)
    assert "### <https://example.org/gone>" in report and "doi.org" not in report


def test_format_report_rejects_a_file_that_is_not_linkchecker_csv(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a;b;c\n1;2;3\n")
    with pytest.raises(LinkReportError, match="not linkchecker's CSV output"):
        format_report(str(other))
