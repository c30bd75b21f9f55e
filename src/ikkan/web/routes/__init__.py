"""The dashboard's routes: the pages and their JSON twins, the tree SVG, exports and the
service endpoints."""

from __future__ import annotations

from fastapi import FastAPI

from ikkan.web.render import Renderer
from ikkan.web.routes.admin import register_admin
from ikkan.web.routes.alerts import register_alerts
from ikkan.web.routes.export import register_export
from ikkan.web.routes.pages import PAGE_ROUTES, register_page
from ikkan.web.routes.pdca import register_pdca
from ikkan.web.routes.pdca_pages import register_pdca_pages
from ikkan.web.routes.report import register_report
from ikkan.web.routes.scoring import register_scoring
from ikkan.web.routes.service import register_service
from ikkan.web.routes.signin import register_signin
from ikkan.web.routes.tokens import register_tokens
from ikkan.web.routes.tree import register_tree_svg


def register_routes(app: FastAPI, renderer: Renderer) -> None:
    for route in PAGE_ROUTES:
        register_page(app, renderer, route)
    register_pdca_pages(app, renderer)
    register_pdca(app)
    register_tree_svg(app)
    register_export(app)
    register_report(app)
    register_service(app)
    register_signin(app)
    register_tokens(app)
    register_admin(app)
    register_alerts(app, renderer)
    register_scoring(app, renderer)
