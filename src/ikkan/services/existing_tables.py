"""``warehouse.canonical``: canonical tables read from tables the company already has.

``apply`` points a warehouse at the mapped tables; ``issues`` is ``ikkan validate``'s
check of them: each mapped column exists in the existing table and has a usable type,
every problem at its line in ikkan.yml.
"""

from __future__ import annotations

from ikkan.errors import UserError
from ikkan.model.issues import Issue, error
from ikkan.model.spec import ProjectSpec
from ikkan.project.loader import SourceMap
from ikkan.warehouse.base import SqlWarehouse
from ikkan.warehouse.mapping import MappingProblem, build_mappings, check_mapping, source_types


def apply(spec: ProjectSpec, warehouse: SqlWarehouse) -> None:
    """Make ``warehouse`` read the mapped canonical tables from the existing ones."""
    if not spec.warehouse.canonical:
        return
    mappings, problems = build_mappings(spec.warehouse.canonical, engine=warehouse.NAME)
    if problems:
        first = problems[0]
        raise UserError(
            f"warehouse.canonical.{first.canonical}: {first.message}",
            hint=f"{first.hint}; `ikkan validate` lists every problem",
        )
    warehouse.read_existing_tables(mappings)


def issues(spec: ProjectSpec, warehouse: SqlWarehouse, source_map: SourceMap) -> list[Issue]:
    """Every problem of ``warehouse.canonical``, checked against the warehouse."""
    if not spec.warehouse.canonical:
        return []
    mappings, problems = build_mappings(spec.warehouse.canonical, engine=warehouse.NAME)
    applied = warehouse.mappings
    warehouse.read_existing_tables({})  # check the sources themselves, not their views
    try:
        with warehouse.reading() as session:
            for mapping in mappings.values():
                try:
                    found = source_types(session, mapping)
                except UserError:
                    raise
                except Exception as exc:  # the engine's own "no such table" error
                    problems.append(
                        MappingProblem(
                            mapping.canonical,
                            ("table" if mapping.relation[0] == '"' else "path",),
                            f"cannot read {mapping.written}: {_first_line(exc)}",
                            "check the name (schema.table) and that the warehouse's user "
                            "may read it",
                        )
                    )
                    continue
                problems += check_mapping(mapping, found)
    except UserError as exc:
        warehouse.read_existing_tables(applied)
        return [
            error(
                "canonical-table",
                f"cannot check warehouse.canonical: {exc.message}",
                source_map.top("warehouse", "canonical", key=True),
                hint=exc.hint,
            )
        ]
    warehouse.read_existing_tables(applied)
    return [
        error(
            "canonical-table",
            f"warehouse.canonical.{p.canonical}: {p.message}",
            source_map.top("warehouse", "canonical", p.canonical, *p.path, key=True),
            hint=p.hint,
        )
        for p in problems
    ]


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
