"""`make cite` against a local stand-in for Crossref and PubMed (tests/cite_responses/), and `make refs`.

The stand-in server answers on 127.0.0.1 with canned JSON; GUIDE_CROSSREF_URL and GUIDE_EUTILS_URL point the
command at it. Every test works on a copy of data/references.yaml.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from conftest import ENV, ROOT, free_port
from scripts import sources

RESPONSES = Path(__file__).parent / "cite_responses"


class StandIn(http.server.BaseHTTPRequestHandler):
    """Routes: /crossref/works/<doi> and /eutils/esummary.fcgi?...&id=<pmid>."""

    routes: dict[str, tuple[int, bytes]] = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        status, body = self.routes.get(self.path, (404, b'{"status": "error", "message": "Resource not found."}'))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def stand_in():
    routes = {
        "/crossref/works/10.5555/12345678": (200, (RESPONSES / "crossref_work.json").read_bytes()),
        "/crossref/works/10.5555/notitle": (200, (RESPONSES / "crossref_no_title.json").read_bytes()),
        "/crossref/works/10.5555/html": (200, b"<html><body>Service unavailable</body></html>"),
        "/crossref/works/10.5555/busy": (503, b"busy"),
        "/eutils/esummary.fcgi?db=pubmed&retmode=json&id=99999901": (200, (RESPONSES / "pubmed_esummary.json").read_bytes()),
        "/eutils/esummary.fcgi?db=pubmed&retmode=json&id=99999902": (200, (RESPONSES / "pubmed_unknown.json").read_bytes()),
    }
    handler = type("Routes", (StandIn,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    yield {"GUIDE_CROSSREF_URL": f"{url}/crossref", "GUIDE_EUTILS_URL": f"{url}/eutils"}
    server.shutdown()
    server.server_close()


@pytest.fixture
def bibliography(tmp_path):
    path = tmp_path / "data" / "references.yaml"
    path.parent.mkdir()
    shutil.copy(ROOT / "data" / "references.yaml", path)
    return path


def cite(bibliography: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts", "cite", *args, "--bibliography", str(bibliography)],
                          cwd=ROOT, capture_output=True, text=True, env={**ENV, **env})


def added_entry(before: str, after: str) -> dict:
    assert after.startswith(before), "make cite must only append"
    [entry] = yaml.safe_load(after[len(before):])
    return entry


def test_a_doi_becomes_a_well_formed_entry_at_the_end(bibliography, stand_in):
    before = bibliography.read_text(encoding="utf-8")
    result = cite(bibliography, stand_in, "--doi", "https://doi.org/10.5555/12345678")
    assert result.returncode == 0, result.stderr
    after = bibliography.read_text(encoding="utf-8")
    entry = added_entry(before, after)
    assert entry["id"] == "nuneztestperson2024"
    assert entry["type"] == "article-journal"
    assert entry["author"] == [{"family": "Núñez-Testperson", "given": "AM"}, {"family": "Second", "given": "BC"},
                               {"literal": "The Stand-in Study Group"}]
    assert entry["title"] == "A stand-in record for testing make cite"
    assert entry["container-title"] == "Journal of Stand-in Records"
    assert entry["issued"] == {"date-parts": [[2024]]}
    assert (entry["volume"], entry["issue"], entry["page"]) == ("12", "3", "100-110")
    assert entry["DOI"] == "10.5555/12345678" and entry["URL"] == "https://doi.org/10.5555/12345678"
    assert entry["note"].startswith("Confidence: unverified.") and "annote" in entry["note"]
    assert "\n  note: 'Confidence: unverified." in after
    references, problems = sources.load_bibliography(bibliography)
    assert "nuneztestperson2024" in references and not problems
    first_line = before.count("\n") + 1
    assert f"Added 'nuneztestperson2024' at {bibliography}:{first_line}. Cite it as [@nuneztestperson2024]." in result.stdout


def test_the_key_is_de_duplicated(bibliography, stand_in):
    text = bibliography.read_text(encoding="utf-8")
    bibliography.write_text(text.replace("- id: berman2000\n", "- id: nuneztestperson2024\n", 1), encoding="utf-8")
    assert cite(bibliography, stand_in, "--doi", "10.5555/12345678").returncode == 0
    assert yaml.safe_load(bibliography.read_text(encoding="utf-8"))[-1]["id"] == "nuneztestperson2024b"


def test_a_pmid_becomes_an_entry_with_six_authors_then_et_al(bibliography, stand_in):
    before = bibliography.read_text(encoding="utf-8")
    result = cite(bibliography, stand_in, "--pmid", "99999901")
    assert result.returncode == 0, result.stderr
    entry = added_entry(before, bibliography.read_text(encoding="utf-8"))
    assert entry["id"] == "testperson2023"
    assert entry["author"][0] == {"family": "Testperson", "given": "AB"}
    assert len(entry["author"]) == 7 and entry["author"][-1] == {"literal": "et al."}
    assert entry["title"] == "Another stand-in record for testing make cite"
    assert (entry["PMID"], entry["DOI"]) == ("99999901", "10.5555/87654321")
    assert "PMID: '99999901'" in bibliography.read_text(encoding="utf-8")  # quoted, as the check asks
    assert not sources.load_bibliography(bibliography)[1]


@pytest.mark.parametrize("args, field, value", [
    (("--doi", "10.1016/S0006-3223(99)00230-9"), "DOI", "10.1016/S0006-3223(99)00230-9"),
    (("--doi", "10.1016/s0006-3223(99)00230-9"), "DOI", "10.1016/s0006-3223(99)00230-9"),  # DOIs ignore case
    (("--pmid", "10686270"), "PMID", "10686270"),
])
def test_a_duplicate_is_refused_naming_the_key_and_line(bibliography, stand_in, args, field, value):
    before = bibliography.read_bytes()
    line = next(number for number, text in enumerate(before.decode().splitlines(), 1)
                if text.strip().lower().startswith(f"{field.lower()}:") and value.lower() in text.lower())
    result = cite(bibliography, stand_in, *args)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{bibliography}:{line}:3: CITE001 {field} {value} is already in the bibliography "
                                    "as 'berman2000' (cite it as [@berman2000]"), result.stderr
    assert bibliography.read_bytes() == before


@pytest.mark.parametrize("args, phrases", [
    (("--doi", "10.5555/missing"), ["Crossref has no record for DOI 10.5555/missing (HTTP 404"]),
    (("--doi", "10.5555/html"), ["Crossref's answer for DOI 10.5555/html is not JSON"]),
    (("--doi", "10.5555/notitle"), ["Crossref's record for DOI 10.5555/notitle lacks a title", "add the entry by hand"]),
    (("--doi", "10.5555/busy"), ["Crossref answered HTTP 503"]),
    (("--pmid", "99999902"), ["PubMed has no record for PMID 99999902 (cannot get document summary)"]),
    (("--pmid", "99999903"), ["PubMed has no record for PMID 99999903 (HTTP 404"]),
])
def test_a_missing_or_malformed_record_is_a_clear_error_and_the_file_is_untouched(bibliography, stand_in, args, phrases):
    before = bibliography.read_bytes()
    result = cite(bibliography, stand_in, *args)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr
    assert bibliography.read_bytes() == before
    assert not list(bibliography.parent.glob("tmp*")), "no scratch file left behind"


def test_no_network_is_a_clear_error(bibliography):
    closed = f"http://127.0.0.1:{free_port()}"
    result = cite(bibliography, {"GUIDE_CROSSREF_URL": closed}, "--doi", "10.5555/12345678")
    assert result.returncode == 1 and "could not reach Crossref" in result.stderr and "needs internet" in result.stderr


@pytest.mark.parametrize("args, message", [
    (("--doi", "12345"), "'12345' is not a DOI"),
    (("--pmid", "PMC123"), "'PMC123' is not a PMID"),
])
def test_a_malformed_identifier_is_refused_with_exit_2(bibliography, args, message):
    result = cite(bibliography, {}, *args)
    assert result.returncode == 2 and message in result.stderr


def test_make_cite_refuses_a_duplicate_without_touching_the_bibliography():
    before = (ROOT / "data" / "references.yaml").read_bytes()
    result = subprocess.run(["make", "--no-print-directory", "-s", "cite", "DOI=10.1016/S0006-3223(99)00230-9"], cwd=ROOT,
                            capture_output=True, text=True, env=ENV)
    assert result.returncode != 0 and "already in the bibliography as 'berman2000'" in result.stderr
    assert (ROOT / "data" / "references.yaml").read_bytes() == before


def test_refs_lists_and_searches_the_keys():
    every = subprocess.run([sys.executable, "-m", "scripts", "refs"], cwd=ROOT, capture_output=True, text=True, env=ENV)
    references, _ = sources.load_bibliography()
    assert every.returncode == 0 and len(every.stdout.splitlines()) == len(references)
    found = subprocess.run(["make", "--no-print-directory", "-s", "refs", "Q=Berman"], cwd=ROOT, capture_output=True,
                           text=True, env=ENV)
    assert found.returncode == 0
    assert found.stdout.startswith("[@berman2000]  Berman RM, 2000. Antidepressant effects of ketamine in depressed patients.")
    none = subprocess.run([sys.executable, "-m", "scripts", "refs", "nosuchword"], cwd=ROOT, capture_output=True, text=True,
                          env=ENV)
    assert none.returncode == 1 and "No reference matches 'nosuchword'" in none.stderr


def test_a_pmid_whose_doi_is_already_cited_is_refused(bibliography, stand_in):
    text = bibliography.read_text(encoding="utf-8")
    bibliography.write_text(text.replace("DOI: 10.1016/S0006-3223(99)00230-9", "DOI: 10.5555/87654321", 1), encoding="utf-8")
    before = bibliography.read_bytes()
    result = cite(bibliography, stand_in, "--pmid", "99999901")
    assert result.returncode == 1
    assert "CITE001 DOI 10.5555/87654321 is already in the bibliography as 'berman2000'" in result.stderr
    assert bibliography.read_bytes() == before
