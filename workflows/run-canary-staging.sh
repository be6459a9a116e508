#!/usr/bin/env bash
# Canary validation of genie-sim-export-pipeline in staging (workflows/README.md, "Canary
# staging validation runbook"): a stable run, a canary run and, when CANARY_ROLLBACK_MARKER
# is set, a rollback run; each one's execution, description and logs are saved under
# ARTIFACT_ROOT, and the routing log lines the runbook expects are asserted here: the
# script exits non-zero naming the first missing line.
#
# Needs gcloud (authenticated to the staging project) and jq on PATH.
# Environment (required: BUCKET, CANARY_SCENE_ID, STABLE_SCENE_ID):
#   PROJECT_ID              default: gcloud's default project
#   WORKFLOW_REGION         default: us-central1
#   BUCKET                  the staging data bucket
#   CANARY_SCENE_ID         a scene with completed variation assets, run as canary
#   STABLE_SCENE_ID         a scene with completed variation assets, run as stable
#   CANARY_IMAGE_TAG        default: isaacsim-canary
#   STABLE_IMAGE_TAG        default: isaacsim (the stack's canary.stableImageTag)
#   CANARY_PERCENT          default: 5 (0-100)
#   CANARY_RELEASE_CHANNEL  default: canary
#   CANARY_ROLLBACK_MARKER  default: "" (no rollback run); an object path, passed ONLY to the
#                           rollback run (the stable and canary runs would skip on it); use
#                           a path other than the stack's canary.rollbackMarker, which every
#                           run of the scene checks
#   ARTIFACT_ROOT           default: workflows/artifacts/canary-validation/<YYYYmmdd-HHMMSS>
#   LOG_WAIT_SECONDS        default: 180 (Cloud Logging ingests entries asynchronously)
#   LOG_POLL_SECONDS        default: 10
set -euo pipefail
# Command substitutions fail the script too (bash >= 4.4).
shopt -s inherit_errexit

readonly WORKFLOW="genie-sim-export-pipeline"
# Workflows execution log entries carry this resource type (the original's log-based
# metrics filter on it) and the execution id as this label.
readonly LOG_RESOURCE='resource.type="workflows.googleapis.com/Workflow"'
readonly LOG_EXECUTION_LABEL='labels."workflows.googleapis.com/execution_id"'
readonly ROLLBACK_TEXT="Rollback marker present at"
readonly SKIP_TEXT="Skipping Genie Sim export."
# jq programs (tests/runbook/stubs/jq implements exactly these); $names are jq's.
# shellcheck disable=SC2016
# The canary runs allow-list their scene (canary_scene_ids), as the original's canary
# pipeline did, so they route to the canary whatever the percentage; `canary_enabled: false`
# forces the stable image. Only the rollback run names a rollback marker: without one the
# workflow checks the stack's canary.rollbackMarker path.
readonly JQ_PAYLOAD='{data: {bucket: $bucket, name: $object}, canary_enabled: $enabled, canary_percent: $percent, canary_release_channel: $channel, canary_image_tag: $tag} + (if $enabled then {canary_scene_ids: $scene} else {} end) + (if $marker == "" then {} else {canary_rollback_marker: $marker} end)'
readonly JQ_NAME='.name // empty'
readonly JQ_STATE='.state // empty'
readonly JQ_LOG_TEXT='.[] | .textPayload // .jsonPayload.message // (.jsonPayload | tojson)'

die() {
  echo "run-canary-staging: $*" >&2
  exit 1
}

require_tool() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not on PATH; install it ($2) and run again"
}

require_var() {
  [[ -n "${!1:-}" ]] || die "$1 is not set: export $1=<$2> and run again"
}

require_tool gcloud "https://cloud.google.com/sdk/docs/install"
require_tool jq "e.g. apt-get install jq"
require_var BUCKET "the staging data bucket"
require_var CANARY_SCENE_ID "a scene id with completed variation assets"
require_var STABLE_SCENE_ID "a scene id with completed variation assets"

WORKFLOW_REGION="${WORKFLOW_REGION:-us-central1}"
CANARY_IMAGE_TAG="${CANARY_IMAGE_TAG:-isaacsim-canary}"
STABLE_IMAGE_TAG="${STABLE_IMAGE_TAG:-isaacsim}"
CANARY_PERCENT="${CANARY_PERCENT:-5}"
CANARY_RELEASE_CHANNEL="${CANARY_RELEASE_CHANNEL:-canary}"
CANARY_ROLLBACK_MARKER="${CANARY_ROLLBACK_MARKER:-}"
LOG_WAIT_SECONDS="${LOG_WAIT_SECONDS:-180}"
LOG_POLL_SECONDS="${LOG_POLL_SECONDS:-10}"
if [[ -z "${PROJECT_ID:-}" ]]; then
  PROJECT_ID="$(gcloud config get-value project 2>/dev/null || true)"
fi
[[ -n "$PROJECT_ID" ]] || die "PROJECT_ID is not set and gcloud has no default project: export PROJECT_ID=<staging project>"
if ! [[ "$CANARY_PERCENT" =~ ^[0-9]{1,3}$ ]] || ((10#$CANARY_PERCENT > 100)); then
  die "CANARY_PERCENT is '$CANARY_PERCENT': expected a whole number from 0 to 100"
fi
[[ "$LOG_WAIT_SECONDS" =~ ^[0-9]+$ && "$LOG_POLL_SECONDS" =~ ^[0-9]+$ ]] \
  || die "LOG_WAIT_SECONDS and LOG_POLL_SECONDS must be whole numbers of seconds"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ARTIFACT_ROOT="${ARTIFACT_ROOT:-$script_dir/artifacts/canary-validation/$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$ARTIFACT_ROOT"

# run_export LABEL SCENE_ID CANARY_ENABLED MARKER: one execution, its description and logs.
# Prints the execution id.
run_export() {
  local label="$1" scene="$2" enabled="$3" marker="$4" data name
  data="$(jq -n -c \
    --arg bucket "$BUCKET" \
    --arg object "scenes/$scene/variation_assets/.variation_pipeline_complete" \
    --argjson enabled "$enabled" \
    --arg percent "$CANARY_PERCENT" \
    --arg channel "$CANARY_RELEASE_CHANNEL" \
    --arg tag "$CANARY_IMAGE_TAG" \
    --arg scene "$scene" \
    --arg marker "$marker" \
    "$JQ_PAYLOAD")"
  echo "$label run: gcloud workflows run $WORKFLOW --data=$data" >&2
  gcloud workflows run "$WORKFLOW" --project="$PROJECT_ID" --location="$WORKFLOW_REGION" \
    --data="$data" --format=json >"$ARTIFACT_ROOT/$label-execution.json" \
    || die "the $label run failed to start (gcloud workflows run); see $ARTIFACT_ROOT/$label-execution.json"
  name="$(jq -r "$JQ_NAME" "$ARTIFACT_ROOT/$label-execution.json")"
  [[ -n "$name" ]] || die "the $label run printed no execution name; see $ARTIFACT_ROOT/$label-execution.json"
  gcloud workflows executions describe "$name" --format=json >"$ARTIFACT_ROOT/$label-execution-describe.json" \
    || die "cannot describe the $label execution $name"
  echo "$label run: execution $name, state $(jq -r "$JQ_STATE" "$ARTIFACT_ROOT/$label-execution-describe.json")" >&2
  echo "${name##*/}"
}

# read_logs LABEL EXECUTION_ID: the execution's log entries, saved as LABEL-workflow-logs.json.
read_logs() {
  local label="$1" execution="$2"
  gcloud logging read "$LOG_RESOURCE AND $LOG_EXECUTION_LABEL=\"$execution\"" \
    --project="$PROJECT_ID" --order=asc --format=json >"$ARTIFACT_ROOT/$label-workflow-logs.json" \
    || die "cannot read the logs of the $label execution $execution (gcloud logging read)"
  jq -r "$JQ_LOG_TEXT" "$ARTIFACT_ROOT/$label-workflow-logs.json"
}

# expect_line LABEL EXECUTION_ID TEXT: wait until the execution logged TEXT, else fail naming it.
expect_line() {
  local label="$1" execution="$2" text="$3" lines deadline=$((SECONDS + LOG_WAIT_SECONDS))
  # No pipe into `grep -q`: it exits at the first match and, under pipefail, the writer's
  # SIGPIPE would read as "not found".
  while true; do
    lines="$(read_logs "$label" "$execution")"
    grep -qF -- "$text" <<<"$lines" && break
    if ((SECONDS >= deadline)); then
      die "the $label run (execution $execution) did not log: $text (waited ${LOG_WAIT_SECONDS}s; logs in $ARTIFACT_ROOT/$label-workflow-logs.json)"
    fi
    sleep "$LOG_POLL_SECONDS"
  done
  echo "$label run: logged \"$text\"" >&2
}

# expect_not_skipped LABEL EXECUTION_ID: the stable and canary runs must not hit a rollback marker.
expect_not_skipped() {
  local lines
  lines="$(read_logs "$1" "$2")"
  if grep -qF -- "$ROLLBACK_TEXT" <<<"$lines"; then
    die "the $1 run (execution $2) was skipped by a rollback marker; remove the marker at the path it logged, or use a CANARY_ROLLBACK_MARKER other than scenes/<scene>/geniesim/.canary_rollback"
  fi
}

stable="$(run_export stable "$STABLE_SCENE_ID" false "")"
expect_line stable "$stable" \
  "Genie Sim export routing for scene $STABLE_SCENE_ID: canary_enabled=false, image_tag=$STABLE_IMAGE_TAG,"
expect_not_skipped stable "$stable"

canary="$(run_export canary "$CANARY_SCENE_ID" true "")"
expect_line canary "$canary" \
  "Genie Sim export routing for scene $CANARY_SCENE_ID: canary_enabled=true, image_tag=$CANARY_IMAGE_TAG,"
expect_not_skipped canary "$canary"

runs="stable, canary"
if [[ -n "$CANARY_ROLLBACK_MARKER" ]]; then
  rollback="$(run_export rollback "$CANARY_SCENE_ID" true "$CANARY_ROLLBACK_MARKER")"
  expect_line rollback "$rollback" "$ROLLBACK_TEXT $CANARY_ROLLBACK_MARKER. $SKIP_TEXT"
  runs="$runs, rollback"
fi
echo "canary validation passed ($runs); artifacts in $ARTIFACT_ROOT"
