"""View models, one module per page: plain, JSON-ready data built from the façade; the
API returns them, the templates render them (one source for both)."""
