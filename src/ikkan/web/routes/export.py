"""``/export/{page}/{table}.{ext}``: any page's table as CSV or XLSX."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import Response

from ikkan.errors import UserError, valid_values
from ikkan.web.context import BasisQ, ByQ, CtxDep, GrainQ, NodeQ, NotFound
from ikkan.web.export import tables_of, to_csv, to_xlsx
from ikkan.web.routes.page_route import Params, view_of
from ikkan.web.routes.pages import ROUTES_BY_NAME

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register_export(app: FastAPI) -> None:
    @app.get("/export/{page_name}/{table}.{ext}", tags=["export"], response_class=Response)
    def export(
        c: CtxDep,
        page_name: str,
        table: str,
        ext: str,
        node: NodeQ = None,
        grain: GrainQ = None,
        basis: BasisQ = None,
        by: ByQ = None,
    ) -> Response:
        """A page's table as CSV (UTF-8 with BOM) or XLSX, formula injection guarded."""
        if ext not in ("csv", "xlsx"):
            raise UserError(f"unknown export format '{ext}'", hint="valid values are: csv, xlsx")
        route = ROUTES_BY_NAME.get(page_name)
        if route is None:
            raise NotFound(f"unknown page '{page_name}'", hint=valid_values(ROUTES_BY_NAME))
        params: Params = {}
        if page_name == "node":
            if node is None:
                raise UserError("the node page's export needs ?node=ID", hint="e.g. ?node=leads")
            params = {"node_id": node}
        elif page_name == "trends":
            params = {"node": node, "grain": grain}
        elif page_name == "funnel":
            params = {"basis": basis, "by": by or None}
        view = view_of(route, c, params)
        tables = tables_of(page_name, view, c.lang)
        if table not in tables:
            raise NotFound(f"page '{page_name}' has no table '{table}'", hint=valid_values(tables))
        data = tables[table]
        body = to_csv(data) if ext == "csv" else to_xlsx(data)
        media = "text/csv; charset=utf-8" if ext == "csv" else XLSX
        filename = f"ikkan-{page_name}-{table}.{ext}"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
