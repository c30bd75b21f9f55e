"""State tables of the PDCA log: target revisions, actions, notes and check-ins on a node.

The actor is kept as a username string (no foreign key to ``users``): the log outlives
accounts, and these tables do not depend on the sign-in tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ikkan.state.db import Base


class TargetRevision(Base):
    """One change of a node's commit or stretch target, with its reason."""

    __tablename__ = "target_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    node_id: Mapped[str] = mapped_column(String(200), index=True)
    scenario: Mapped[str] = mapped_column(String(16))  # commit | stretch
    period: Mapped[str] = mapped_column(String(32))  # '' = the node's target as written; YYYY-MM
    old_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    new_value: Mapped[float] = mapped_column(Float)
    yaml_value: Mapped[float | None] = mapped_column(Float, nullable=True)  # ikkan.yml then
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    moved: Mapped[str] = mapped_column(Text, default="[]")  # JSON: derived targets that moved


class PdcaAction(Base):
    """An action taken to move a node (施策): what, why, who, when, and what it should do."""

    __tablename__ = "pdca_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    node_id: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(Text)
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # planned | doing | done | dropped
    expected_low: Mapped[float | None] = mapped_column(Float, nullable=True)  # fraction
    expected_high: Mapped[float | None] = mapped_column(Float, nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class PdcaNote(Base):
    """A qualitative note on a node: customer voice, meeting minutes, anything said."""

    __tablename__ = "pdca_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    node_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # customer_voice | minutes | other
    body: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CheckIn(Base):
    """A check-in on a node: the value seen, a status and a comment (one history)."""

    __tablename__ = "pdca_checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    node_id: Mapped[str] = mapped_column(String(200), index=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # on_track | at_risk | off_track
    comment: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
