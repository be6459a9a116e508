"""Entry point the Pulumi CLI runs for `--policy-pack policy`: serves the pack's policies."""

from blueprint_policy.facts import facts_from_runtime
from blueprint_policy.pack import PACK_NAME, policies
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=PACK_NAME, enforcement_level=EnforcementLevel.MANDATORY, policies=policies(facts_from_runtime)
)
