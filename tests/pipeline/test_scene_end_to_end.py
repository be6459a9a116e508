"""One scene end to end: from scenes/<id>/layout/scene_layout.json through every
non-experimental workflow to training, each new object delivered to the marker router as
Eventarc delivers every finalized object; fake Cloud Run and Kubernetes jobs write the
markers the real jobs write (the Genie Sim GPU job's and import job's outputs are seeded
up front). Asserts the order the workflows ran in, that each ran once per marker that
triggers it, and the final objects. A second run with the experimental flags on adds
dream2flow and dwm."""

from __future__ import annotations

from tools.geniesim_world import export_key
from tools.pipeline_world import PROD, Pipeline
from tools.scene_e2e import experimental_config, prepare, run_scene
from workflow_runtime.connectors.gcs_client import GcsClient
from workflow_runtime.connectors.gcs_emulator import GcsEmulator
from workflow_runtime.testing import WorkflowEnv

SCENE = "kitchen-7"
# The order executions start in: every workflow after the one whose marker starts it.
# arena-export runs once per marker it listens to (usd, then isaac_lab).
ORDER = [
    "objects-pipeline",  # scene_layout.json
    "scale-pipeline",  # scene_layout.json
    "regen3d-pipeline",  # assets/.assets_ready (scale)
    "usd-assembly-pipeline",  # assets/.regen3d_complete (regen3d job)
    "arena-export-pipeline",  # usd/.usd_complete (assembly job)
    "variation-assets-pipeline",  # replicator/.replicator_complete (replicator job)
    "arena-export-pipeline",  # isaac_lab/.isaac_lab_complete (isaac-lab job)
    "episode-generation-pipeline",  # usd/.usd_complete, after its GKE wait
    "genie-sim-export-pipeline",  # variation_assets/.variation_pipeline_complete
    "genie-sim-import-pipeline",  # started by the export once its GPU job completed
    "training-pipeline",  # blueprintpipeline.episodes.imported, published by the import
    "arena-export-pipeline",  # geniesim/.geniesim_complete (written by the import)
]
FINAL = [
    "assets/.assets_ready",
    "assets/.regen3d_complete",
    "assets/.simready_complete",
    "episode-generation-job/quality_gate_report.json",  # seeded: the GPU job's report
    "episodes/.episodes_complete",
    "episodes/geniesim_job_1/import_manifest.json",  # seeded: the import job's manifest
    "geniesim/.circuit_breaker.json",
    "geniesim/.geniesim_complete",
    "geniesim/.geniesim_import_complete",
    "geniesim/idempotency/<export key>.json",
    "geniesim/idempotency/import/job_1.json",
    "geniesim/import_manifest.json",
    "geniesim/job.json",  # seeded: what the GPU job writes
    "geniesim/legal/asset_provenance.json",  # seeded input
    "geniesim/task_config.json",  # seeded input
    "isaac_lab/.isaac_lab_complete",
    "layout/.scale_complete",
    "layout/scene_layout.json",
    "objects/.objects_complete",
    "replicator/.replicator_complete",
    "usd/.usd_complete",
    "variation_assets/.progress.json",
    "variation_assets/.variation_pipeline_complete",
    "variation_assets/variation_assets.json",
]


def _final(objects: list[str]) -> list[str]:
    """The objects with the export's idempotency key (an MD5 of its inputs) named."""
    key = f"scenes/{SCENE}/geniesim/idempotency/{export_key(SCENE)}.json"
    return sorted(
        f"scenes/{SCENE}/geniesim/idempotency/<export key>.json" if name == key else name for name in objects
    )


def _world(gcs_emulator: GcsEmulator, name: str, experimental: bool) -> Pipeline:
    storage = GcsClient(gcs_emulator.url)
    storage.create_bucket(name)
    return Pipeline(WorkflowEnv(storage, name), config=experimental_config() if experimental else PROD)


def test_a_scene_runs_every_non_experimental_workflow_in_order(gcs_emulator: GcsEmulator) -> None:
    world = _world(gcs_emulator, "e2e-stable", experimental=False)
    prepare(world, SCENE)
    run = run_scene(world, SCENE)
    assert run.order == ORDER
    assert all(states == ["SUCCEEDED"] * len(states) for states in run.states.values()), run.states
    assert _final(run.objects) == [f"scenes/{SCENE}/{name}" for name in FINAL]
    # Each job ran once per run of its workflow.
    jobs = sorted(run_.job for run_ in world.cloud_run.runs)
    assert jobs == [
        "arena-export-job",  # for usd/.usd_complete
        "arena-export-job",  # for isaac_lab/.isaac_lab_complete
        "arena-export-job",  # for geniesim/.geniesim_complete
        "genie-sim-export-job",
        "genie-sim-import-job",
        "isaac-lab-job",
        "objects-job",
        "quality-gate-job",  # episode generation's gate after its GKE Job
        "regen3d-adapter-job",
        "replicator-job",
        "scale-job",
        "simready-job",  # usd-assembly's
        "simready-job",  # variation-assets' (the variation assets)
        "training-job",
        "usd-assembly-job",  # convert-only
        "usd-assembly-job",  # full assembly
        "variation-gen-job",
    ]


def test_with_the_experimental_flags_dream2flow_and_dwm_run_too(gcs_emulator: GcsEmulator) -> None:
    world = _world(gcs_emulator, "e2e-experimental", experimental=True)
    prepare(world, SCENE)
    run = run_scene(world, SCENE)
    regen3d = run.order.index("regen3d-pipeline")
    assert sorted(run.order[regen3d + 1 : regen3d + 3]) == [
        "dream2flow-preparation-pipeline",
        "dwm-preparation-pipeline",
    ]
    assert [name for name in run.order if "dream2flow" not in name and "dwm" not in name] == ORDER
    assert run.states["dream2flow-preparation-pipeline"] == ["SUCCEEDED"]
    assert run.states["dwm-preparation-pipeline"] == ["SUCCEEDED"]
    extra = {
        "dream2flow/.dream2flow_complete",
        "dream2flow/.dream2flow_inference_complete",
        "dwm/.dwm_complete",
        "dwm/.dwm_inference_complete",
    }
    assert _final(run.objects) == sorted(f"scenes/{SCENE}/{name}" for name in [*FINAL, *extra])
