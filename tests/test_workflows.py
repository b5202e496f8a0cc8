"""GitHub configuration, checked offline: workflow security (zizmor), structure (the schemas
bundled with check-jsonschema), pinning and permissions rules, the issue-upsert helper the
scheduled workflows use, and CITATION.cff."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ISSUE_FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
FULL_SHA = re.compile(r"^[0-9a-f]{40}$")
# `uses: owner/repo@<40 hex> # v1.2.3` (one line, with the version the SHA was taken from).
PINNED_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(?:\.\d+){0,2}\S*\s*$")
# The only write scopes any job may hold: (workflow file, job) -> scopes.
ALLOWED_WRITES = {
    ("deploy.yml", "release"): {"contents"},
    ("links.yml", "links"): {"issues"},
    ("review-due.yml", "review-due"): {"issues"},
}


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed in {BIN}: run 'make install'"
    return str(path)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a YAML mapping"
    return data


def triggers(workflow: dict) -> dict:
    """The `on:` block (PyYAML reads the bare key `on` as True), as a mapping."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def all_steps(workflow: dict):
    for job_id, job in (workflow.get("jobs") or {}).items():
        for step in job.get("steps") or []:
            yield job_id, step


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "deploy.yml", "links.yml", "review-due.yml"} <= names, names


# --- (a) zizmor ---------------------------------------------------------------------------

def test_zizmor_reports_nothing_medium_or_higher():
    inputs = [str(GITHUB)] + ([str(ROOT / ".pre-commit-config.yaml")] if (ROOT / ".pre-commit-config.yaml").exists() else [])
    result = subprocess.run([tool("zizmor"), "--offline", "--format", "json", "--no-progress", *inputs],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.stdout.strip(), f"zizmor printed no JSON (exit {result.returncode}):\n{result.stderr[-3000:]}"
    findings = json.loads(result.stdout)
    serious = [f for f in findings if f["determinations"]["severity"] in ("Medium", "High")]
    summary = "\n".join(
        f"{f['ident']} ({f['determinations']['severity']}): {f['desc']} at "
        f"{f['locations'][0]['symbolic']['key']['Local']['verbatim_path']}:"
        f"{f['locations'][0]['concrete']['location']['start_point']['row'] + 1}"
        for f in serious)
    assert not serious, f"zizmor findings (run '.venv/bin/zizmor --offline .github' for details):\n{summary}"


# --- (b) schemas bundled with check-jsonschema --------------------------------------------

SCHEMA_CHECKS = [
    ("vendor.github-workflows", WORKFLOWS),
    ("custom.github-workflows-require-timeout", WORKFLOWS),
    ("vendor.dependabot", [GITHUB / "dependabot.yml"]),
    ("vendor.github-issue-forms", ISSUE_FORMS),
    ("vendor.github-issue-config", [GITHUB / "ISSUE_TEMPLATE" / "config.yml"]),
    ("vendor.citation-file-format", [ROOT / "CITATION.cff"]),
]


@pytest.mark.parametrize(("schema", "files"), SCHEMA_CHECKS, ids=[schema for schema, _ in SCHEMA_CHECKS])
def test_files_match_their_schema(schema, files):
    assert files, f"no files to check against {schema}"
    for path in files:
        assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{schema}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"


# --- (c) rules the tools above do not enforce on their own -------------------------------

@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha_with_its_version(path):
    workflow = load(path)
    uses = [step["uses"] for _, step in all_steps(workflow) if "uses" in step]
    uses += [job["uses"] for job in (workflow.get("jobs") or {}).values() if "uses" in job]  # reusable workflows
    for ref in uses:
        if ref.startswith("./"):
            continue  # a local action or workflow is pinned by this commit
        assert not ref.startswith("docker://") or "@sha256:" in ref, f"{path.name}: {ref} is not pinned by digest"
        if ref.startswith("docker://"):
            continue
        _, _, version = ref.partition("@")
        assert FULL_SHA.match(version), f"{path.name}: '{ref}' must be pinned to a full 40-character commit SHA"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if re.match(r"^\s*(-\s+)?uses:", line) and "./" not in line and "docker://" not in line]
    assert len(lines) == len([u for u in uses if not u.startswith(("./", "docker://"))]), \
        f"{path.name}: write each `uses:` on one line, as `uses: owner/repo@SHA # vX.Y.Z`"
    for line in lines:
        assert PINNED_LINE.match(line), f"{path.name}: '{line.strip()}' needs a '# vX.Y.Z' comment naming the pinned release"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_pull_request_target(path):
    assert "pull_request_target" not in triggers(load(path)), \
        f"{path.name}: pull_request_target runs fork code with a write token; use pull_request"
    assert "pull_request_target" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_declared_and_least_privilege(path):
    workflow = load(path)
    assert "permissions" in workflow, f"{path.name}: declare top-level permissions ({{}} or contents: read)"
    assert workflow["permissions"] in ({}, {"contents": "read"}), \
        f"{path.name}: top-level permissions must be {{}} or contents: read, not {workflow['permissions']!r}"
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job '{job_id}' must declare its own permissions"
        permissions = job["permissions"]
        assert isinstance(permissions, dict), f"{path.name}: job '{job_id}' uses '{permissions}'; list the scopes"
        writes = {scope for scope, level in permissions.items() if level == "write"}
        allowed = ALLOWED_WRITES.get((path.name, job_id), set())
        assert writes <= allowed, f"{path.name}: job '{job_id}' may not hold write access to {sorted(writes - allowed)}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_keep_the_token(path):
    for job_id, step in all_steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, \
                f"{path.name}: checkout in job '{job_id}' must set persist-credentials: false"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_jobs_have_timeouts_and_run_scripts_take_no_expressions(path):
    workflow = load(path)
    for job_id, job in workflow["jobs"].items():
        assert "timeout-minutes" in job, f"{path.name}: job '{job_id}' needs timeout-minutes"
    for job_id, step in all_steps(workflow):
        assert "${{" not in str(step.get("run", "")), \
            f"{path.name}: job '{job_id}' puts an expression inside run:; pass it through env: instead"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_pull_request_workflows_use_no_secrets(path):
    """Fork pull requests get no secrets; a gate that needs one would fail for every outside contributor."""
    if "pull_request" in triggers(load(path)):
        assert not re.search(r"secrets\s*\.", path.read_text(encoding="utf-8")), f"{path.name} uses secrets"


def test_ci_runs_the_gate_and_the_version_rule_against_the_base_branch():
    workflow = load(GITHUB / "workflows" / "ci.yml")
    assert {"pull_request", "push"} <= set(triggers(workflow))
    steps = [step for _, step in all_steps(workflow)]
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = "\n".join(str(s.get("run", "")) for s in steps)
    assert "make test" in runs and 'make check BASE="origin/$BASE_REF"' in runs
    base_step = next(s for s in steps if "make check BASE" in str(s.get("run", "")))
    assert base_step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "site-preview" and upload["with"]["path"].rstrip("/") == "site"


# --- the helper that opens or updates one issue --------------------------------------------

FAKE_GH = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$GH_LOG"
if [ "$1 $2" = "issue list" ]; then printf '%s' "${FAKE_ISSUE_NUMBER:-}"; fi
"""


def run_upsert(tmp_path: Path, body: str, existing: str = "") -> list[str]:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir(exist_ok=True)
    (fake_bin / "gh").write_text(FAKE_GH)
    (fake_bin / "gh").chmod(0o755)
    (tmp_path / "report.md").write_text(body)
    log = tmp_path / "gh.log"
    log.write_text("")
    env = {**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}", "GH_LOG": str(log),
           "FAKE_ISSUE_NUMBER": existing, "GH_REPO": "example/guide", "GITHUB_RUN_ID": "1"}
    result = subprocess.run(["bash", str(GITHUB / "scripts" / "upsert-issue.sh"), "Broken external links", "link-rot",
                             str(tmp_path / "report.md")], capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    return log.read_text().splitlines()


def test_upsert_issue_opens_one_issue_when_none_is_open(tmp_path):
    calls = run_upsert(tmp_path, "### <https://doi.org/10.1000/broken>\n")
    assert any(c.startswith("issue list --state open --label link-rot") for c in calls), calls
    created = [c for c in calls if c.startswith("issue create")]
    assert len(created) == 1 and "--title Broken external links --label link-rot" in created[0], calls
    assert not any(c.startswith("issue edit") for c in calls)


def test_upsert_issue_updates_the_open_issue(tmp_path):
    calls = run_upsert(tmp_path, "### <https://doi.org/10.1000/broken>\n", existing="42")
    assert any(c.startswith("issue edit 42 --body-file") for c in calls), calls
    assert not any(c.startswith("issue create") for c in calls)
    assert not any(c.startswith("issue close") for c in calls)


def test_upsert_issue_does_nothing_for_an_empty_report(tmp_path):
    assert run_upsert(tmp_path, "", existing="42") == []


# --- CITATION.cff -------------------------------------------------------------------------

def test_citation_file_has_the_required_fields():
    citation = load(ROOT / "CITATION.cff")
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == "Ketamine for depression: an independent, evidence-based guide"
    assert citation["authors"] == [{"name": "The Ketamine for Depression guide contributors"}]
    assert citation["license"] == "CC-BY-4.0"
    assert str(citation["version"]) == "2026.11"
    assert str(citation["date-released"]) == "2026-11-27"
    assert citation["repository-code"] == "https://github.com/open-ketamine-guide/guide"
    assert citation["url"] == "https://open-ketamine-guide.github.io/guide/"
    assert "message" in citation  # required by CFF 1.2.0
