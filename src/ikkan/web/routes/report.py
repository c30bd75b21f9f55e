"""``/report``: the review report of the dashboard's period as a download (PDF, XLSX or
HTML), the same file ``ikkan report`` writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.responses import Response

from ikkan.web.context import CtxDep

FormatQ = Annotated[str, Query(alias="format", description="pdf (default), xlsx or html")]


def register_report(app: FastAPI) -> None:
    @app.get("/report", tags=["export"], response_class=Response)
    def report(c: CtxDep, fmt: FormatQ = "pdf") -> Response:
        """The monthly (or quarterly) review of ``period`` for the whole company (a
        ``where`` slice is not applied: targets exist for the whole only). Figures from
        this snapshot, the alert history from the project's warehouse."""
        from ikkan.reports.review import MEDIA_TYPES, file_name, render_with_data

        period = c.filters.period
        assert period is not None  # request_ctx fills in the default period
        review, body = render_with_data(c.snap.ws, period, fmt, c.lang, alerts_ws=c.store.source)
        name = file_name(review["header"]["period"], fmt, c.lang)
        disposition = "inline" if fmt == "html" else "attachment"
        return Response(
            body,
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
        )
