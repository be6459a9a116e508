"""The Genie Sim workflows as deployed, on the local runtime: export, import and poller with
their merged sources (body + workflows/lib) and the staging stack's env, on a WorkflowEnv;
seeding helpers for scenes and jobs. Used by tests/geniesim and tools/geniesim_costs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from components.catalog import load_catalog
from components.env import workflow_env
from components.sources import workflow_source
from components.stack_files import load_stack
from workflow_runtime.testing import WorkflowEnv

EXPORT = "genie-sim-export-pipeline"
IMPORT = "genie-sim-import-pipeline"
POLLER = "genie-sim-import-poller"
GENIESIM = (EXPORT, IMPORT, POLLER)


def deploy_geniesim(env: WorkflowEnv, **overrides: str) -> None:
    """Deploy the Genie Sim workflows on `env` with the staging stack's env for each (bucket:
    the test bucket), `overrides` applied to all three, and sources merged with lib/."""
    catalog = load_catalog()
    config = load_stack("staging")
    env.deployment.source = workflow_source
    for name in GENIESIM:
        spec = catalog.workflows[name]
        values = workflow_env(spec, config) | {"PRIMARY_BUCKET": env.bucket} | overrides
        event_types = (spec.trigger.event_type,) if spec.trigger.event_type else ()
        env.deploy(name, spec.path, env=values, event_types=event_types)


def seed_completed_job(env: WorkflowEnv, scene_id: str, job_id: str, *, episodes: int = 8) -> None:
    """A finished GPU job: job.json (completed), a passing quality report, and the import
    manifest the import job would write (the fake Cloud Run job writes nothing)."""
    env.put_json(
        f"scenes/{scene_id}/geniesim/job.json",
        {
            "job_id": job_id,
            "scene_id": scene_id,
            "status": "completed",
            "artifacts": {
                "episodes_prefix": f"gs://{env.bucket}/scenes/{scene_id}/episodes/geniesim_{job_id}"
            },
            "job_metrics": {"duration_seconds": 3600},
        },
    )
    env.put_json(
        f"scenes/{scene_id}/episode-generation-job/quality_gate_report.json",
        {"summary": {"can_proceed": True, "blocking_failures": 0}},
    )
    env.put_json(
        f"scenes/{scene_id}/episodes/geniesim_{job_id}/import_manifest.json",
        {
            "episodes": {"downloaded": episodes, "passed_validation": episodes - 1},
            "quality": {"average_score": 0.91},
            "gcs_output_path": f"gs://{env.bucket}/scenes/{scene_id}/episodes/geniesim_{job_id}/lerobot",
        },
    )


def import_marker(scene_id: str, job_id: str) -> str:
    """The per-job import marker (and claim) of a job."""
    return f"scenes/{scene_id}/geniesim/idempotency/import/{job_id}.json"


def seed_export_scene(env: WorkflowEnv, scene_id: str, job_id: str = "job_1", **job: Any) -> dict[str, Any]:
    """A scene ready for the export: marker, provenance, task config, a GPU cluster, and the
    finished job's job.json / import inputs (`job` overrides job.json fields). Returns the
    storage event of its marker."""
    if not any(c.cluster_id == "blueprint-cluster" for c in env.gke.clusters.values()):
        env.gke.add_cluster("blueprint-cluster", "us-central1-a", namespaces=("blueprint",))
    seed_completed_job(env, scene_id, job_id)
    if job:
        current = env.get_json(f"scenes/{scene_id}/geniesim/job.json")
        env.put_json(f"scenes/{scene_id}/geniesim/job.json", current | job)
    env.put_json(f"scenes/{scene_id}/geniesim/legal/asset_provenance.json", {"assets": []})
    env.put_json(f"scenes/{scene_id}/geniesim/task_config.json", {"tasks": ["pick"]})
    marker = f"scenes/{scene_id}/variation_assets/.variation_pipeline_complete"
    env.put_text(marker, "")
    return env.storage_event(marker)


def export_key(scene_id: str, task_config: Any = None, episodes: str = "10", robots: Any = None) -> str:
    """The export's idempotency key computed in Python: MD5 hex of the compact JSON of the
    inputs map, keys sorted (what this runtime's json.encode writes; see
    docs/runtime-interfaces.md "json.encode output")."""
    inputs = {
        "scene_id": scene_id,
        "task_config": {"tasks": ["pick"]} if task_config is None else task_config,
        "robot_types": robots or ["franka"],
        "episodes_per_task": episodes,
        "quality_thresholds": {},
    }
    encoded = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.md5(encoded.encode()).hexdigest()


def breaker_of(env: WorkflowEnv, scene_id: str) -> dict[str, Any]:
    """The scene's circuit breaker body."""
    name = f"scenes/{scene_id}/geniesim/.circuit_breaker.json"
    body = env.get_json(name)
    if not isinstance(body, dict):
        raise ValueError(f"{name} holds {body!r:.80}, not a JSON object (a circuit breaker)")
    return body
