#!/usr/bin/env bash
# Open or update ONE open issue with a given title and label, for the scheduled workflows.
#
#   .github/scripts/upsert-issue.sh TITLE LABEL BODY_FILE
#
# An empty BODY_FILE does nothing: these reports never close an issue by themselves; a
# maintainer closes it when the work is done. Uses the gh CLI; needs GH_TOKEN (a token
# with `issues: write`) and GH_REPO (owner/name) in the environment.
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 TITLE LABEL BODY_FILE" >&2
  exit 2
fi
title=$1
label=$2
body_file=$3

if [ ! -s "$body_file" ]; then
  echo "Nothing to report: no issue opened or updated."
  exit 0
fi

run_url="${GITHUB_SERVER_URL:-https://github.com}/${GH_REPO:-}/actions/runs/${GITHUB_RUN_ID:-}"
{
  cat "$body_file"
  printf '\n\n---\n_Updated %s by [this workflow run](%s). This issue is rewritten at every run while the problem lasts; close it when it is fixed._\n' \
    "$(date -u +%Y-%m-%d)" "$run_url"
} > "${body_file}.issue"

# The label must exist before an issue can carry it; --force updates it if it does.
gh label create "$label" --color "d93f0b" --description "Opened by a scheduled workflow" --force >/dev/null

# Exact title match among open issues with the label (gh's search is fuzzy).
number=$(gh issue list --state open --label "$label" --limit 100 --json number,title \
  --jq "map(select(.title == \"${title//\"/\\\"}\")) | .[0].number // empty")

if [ -n "$number" ]; then
  gh issue edit "$number" --body-file "${body_file}.issue"
  gh issue comment "$number" --body "The scheduled check still finds problems; the description above is updated."
  echo "Updated issue #$number."
else
  gh issue create --title "$title" --label "$label" --body-file "${body_file}.issue"
fi
