"""Imports every module that declares state tables, so Alembic sees the whole metadata.

Add a line here for each new module of models.
"""

from ikkan.auth import models as auth_models  # noqa: F401
from ikkan.state import (
    info,  # noqa: F401
    pdca,  # noqa: F401
)
