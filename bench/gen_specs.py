#!/usr/bin/env python3
"""Synthetic dashboard specs with N routes, for measuring how the generator scales.

Each spec keeps the dashboard's header sections (worker, api, cors, oauth, mcp, bindings, environments)
verbatim, so only the route count varies, and adds N/5 CRUD resources of five JSON routes each: list (query
params), create (JSON body), get, update and delete (path param). Each resource has its own four types, so
types grow with routes as they do in a real API.

Resource names are zero-padded (`res0000`, `res0001`, …) so the generator's sorted route order is the spec
order: the "first" and "last" routes of the dispatch benchmark are then first and last in the emitted code too.

    python3 bench/gen_specs.py 1000 > /tmp/routes-1000.yaml
"""

import sys
from dataclasses import dataclass
from pathlib import Path

ROUTES_PER_RESOURCE = 5


@dataclass(frozen=True)
class Resource:
    """One synthetic CRUD resource: its index names its types, routes and path."""

    index: int

    @property
    def tag(self) -> str:
        return f"{self.index:04d}"

    @property
    def path(self) -> str:
        return f"/api/res{self.tag}/items"


def dashboard_header(dashboard_spec: Path) -> str:
    """Everything in the dashboard spec before its `types:` section: the sections that do not scale."""
    text = dashboard_spec.read_text()
    head, separator, _ = text.partition("\ntypes:\n")
    if not separator:
        raise ValueError(f"{dashboard_spec}: no top-level `types:` section to cut at")
    # The MCP server's tools name the dashboard's own routes, which a synthetic spec does not have.
    head = without_section(head, "mcp")
    # `worker.crate` is relative to the spec; a synthetic spec lives elsewhere, so point it at nothing real.
    return head.replace("crate: ../worker", "crate: ./worker") + "\n"


def without_section(yaml_text: str, key: str) -> str:
    """`yaml_text` without its top-level `key:` section (from that line up to the next top-level key)."""
    kept, skipping = [], False
    for line in yaml_text.splitlines(keepends=True):
        top_level = line[:1].isalpha()
        if top_level:
            skipping = line.startswith(f"{key}:")
        if not skipping:
            kept.append(line)
    return "".join(kept)


def types_yaml(resource: Resource) -> str:
    t = resource.tag
    return f"""  Item{t}:
    description: One item of resource {t}
    properties:
      id: {{type: string, format: uuid}}
      name: {{type: string, min_length: 1, max_length: 80}}
      count: {{type: integer, minimum: 0}}
      tags: {{type: array, items: string}}
      created_at: {{type: string, format: date-time}}
  NewItem{t}:
    description: What creating an item of resource {t} takes
    properties:
      name: {{type: string, min_length: 1, max_length: 80}}
      count: {{type: integer, minimum: 0, default: 0}}
  ItemPatch{t}:
    description: Changes to an item of resource {t}
    properties:
      name: {{type: string, min_length: 1, max_length: 80, required: false}}
      count: {{type: integer, minimum: 0, required: false}}
  ItemPage{t}:
    description: A page of items of resource {t}
    properties:
      items: {{type: array, items: Item{t}}}
      next_cursor: {{type: string, required: false}}
"""


def routes_yaml(resource: Resource) -> str:
    t, path = resource.tag, resource.path
    item = f"{path}/{{item_id}}"
    item_id = "    path_params:\n      item_id: {type: string, format: uuid}\n"
    return f"""  - id: list_items_{t}
    method: GET
    path: {path}
    summary: List items of resource {t}
    query:
      limit: {{type: integer, minimum: 1, maximum: 100, default: 20}}
      cursor: {{type: string, required: false, max_length: 64}}
    response: {{type: ItemPage{t}}}
  - id: create_item_{t}
    method: POST
    path: {path}
    summary: Create an item of resource {t}
    body: {{type: NewItem{t}}}
    response: {{status: 201, type: Item{t}}}
  - id: get_item_{t}
    method: GET
    path: {item}
    summary: One item of resource {t}
{item_id}    response: {{type: Item{t}}}
  - id: update_item_{t}
    method: PATCH
    path: {item}
    summary: Change an item of resource {t}
{item_id}    body: {{type: ItemPatch{t}}}
    response: {{type: Item{t}}}
  - id: delete_item_{t}
    method: DELETE
    path: {item}
    summary: Delete an item of resource {t}
{item_id}    response: {{type: Deleted}}
"""


def resources(route_count: int) -> list[Resource]:
    if route_count <= 0 or route_count % ROUTES_PER_RESOURCE:
        raise ValueError(f"route count must be a positive multiple of {ROUTES_PER_RESOURCE}, got {route_count}")
    return [Resource(i) for i in range(route_count // ROUTES_PER_RESOURCE)]


def synthetic_spec(route_count: int, dashboard_spec: Path) -> str:
    """A valid spec with exactly `route_count` routes."""
    all_resources = resources(route_count)
    parts = [
        f"# Synthetic spec with {route_count} routes, made by bench/gen_specs.py; not for editing.\n",
        dashboard_header(dashboard_spec),
        "types:\n  Deleted:\n    description: Outcome of a delete\n    properties:\n      deleted: {type: boolean}\n",
        *(types_yaml(r) for r in all_resources),
        "\nroutes:\n",
        *(routes_yaml(r) for r in all_resources),
    ]
    return "".join(parts)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    dashboard = Path(__file__).resolve().parent.parent / "spec" / "dashboard.yaml"
    sys.stdout.write(synthetic_spec(int(argv[1]), dashboard))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
