"""The capabilities table (components/capabilities.py) is the one home of a catalog
capability: the catalog accepts its names, iam.py grants its roles and admits them at
project level, project.py enables its APIs, and no other module respells any of it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from components import iam
from components.capabilities import CAPABILITIES, capability_roles
from components.catalog import Catalog, load_catalog
from components.project import BASE_APIS, required_apis
from components.stack_files import ROOT, load_stack

CATALOG = load_catalog()
# Any workflow works as a template: its own capabilities are replaced.
TEMPLATE = CATALOG.workflows["objects-pipeline"]


@pytest.mark.parametrize("name", list(CAPABILITIES))
def test_each_row_is_a_documented_narrow_project_grant(name: str) -> None:
    capability = CAPABILITIES[name]
    assert capability.roles and capability.apis and capability.purpose.strip()
    for role, page in capability.roles.items():
        assert role.startswith("roles/"), role
        assert "cloud.google.com/" in page, role
        # Refused if it were primitive, project-wide storage or Cloud Run, or undocumented.
        iam.check_least_privilege([iam.Grant(role, "project", f"capability {name}")])
    assert all(re.fullmatch(r"[a-z]+\.googleapis\.com", api) for api in capability.apis), capability.apis


@pytest.mark.parametrize("name", list(CAPABILITIES))
def test_a_workflow_with_a_capability_gets_exactly_its_rows_roles_and_apis(name: str) -> None:
    config = load_stack("prod")
    bare = dataclasses.replace(TEMPLATE, capabilities=())
    spec = dataclasses.replace(TEMPLATE, capabilities=(name,))
    added = set(iam.workflow_grants(spec, config)) - set(iam.workflow_grants(bare, config))
    assert added == {iam.Grant(role, "project", f"capability {name}") for role in CAPABILITIES[name].roles}
    apis = required_apis(Catalog(workflows={spec.name: spec}))
    assert set(apis) == {*BASE_APIS, *CAPABILITIES[name].apis}


def test_the_catalogs_capabilities_all_come_from_the_table() -> None:
    used = {c for spec in CATALOG.workflows.values() for c in spec.capabilities}
    assert used and used <= set(CAPABILITIES)
    assert set(capability_roles()) <= set(iam.PROJECT_LEVEL_ROLES)


def test_no_other_module_spells_a_capability_or_its_roles() -> None:
    """A capability name or one of its roles written anywhere else in components/ is a
    second table that can drift from this one."""
    spelled = {*CAPABILITIES, *capability_roles()}
    for path in sorted((ROOT / "components").glob("*.py")):
        if path.name == "capabilities.py":
            continue
        text = path.read_text()
        assert [word for word in spelled if f'"{word}"' in text] == [], path.name
