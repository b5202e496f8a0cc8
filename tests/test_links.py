"""Internal links and anchors of the built site, checked over HTTP with linkchecker's AnchorCheck."""

from __future__ import annotations

import subprocess

from conftest import BIN, ENV, ROOT


def run_linkchecker(url: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "linkchecker"), "--config", str(ROOT / "tests" / "linkchecker.ini"),
                           "--no-status", "--no-robots", url], capture_output=True, text=True, env=ENV, timeout=300)


def test_every_internal_link_and_anchor_resolves(site_url):
    result = run_linkchecker(site_url)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 errors found" in result.stdout or "no errors" in result.stdout.lower(), result.stdout[-2000:]


def test_linkchecker_reports_a_broken_anchor(tmp_path):
    """The same configuration must fail on a page with a broken anchor (the check can fail)."""
    from conftest import SiteServer

    (tmp_path / "index.html").write_text('<html><body><a href="other.html#missing">x</a></body></html>')
    (tmp_path / "other.html").write_text('<html><body><h1 id="present">Other</h1></body></html>')
    with SiteServer(tmp_path) as server:
        result = run_linkchecker(server.url)
    assert result.returncode != 0
    assert "missing" in result.stdout
