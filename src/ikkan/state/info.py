"""``state_info``: facts about the state database itself (key/value)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ikkan.state.db import Base


class StateInfo(Base):
    __tablename__ = "state_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text())
