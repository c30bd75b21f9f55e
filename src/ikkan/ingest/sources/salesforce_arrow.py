"""Salesforce leads and opportunities on Arrow batches (the engine's vectorised path): the
same rows, keys, stage rows and rejections as the row-wise handlers in ``salesforce.py``.
Python runs once per distinct stage, type, channel and account, and row by row only for
the rows without a record id (their fallback key or their rejection)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ikkan.ingest.engine.arrow_convert import json_strings, mapped_by_distinct
from ikkan.ingest.engine.arrow_rows import ArrowBatch
from ikkan.ingest.engine.runner import ReadState

_NO_ID = "no record id and nothing to key it by"


def ids_arrow(
    state: ReadState,
    batch: ArrowBatch,
    field: str,
    fallback: Callable[[int], Any] | None,
    fallback_column: str | None = None,
) -> tuple[ArrowBatch, pa.Array]:
    """``salesforce._ids``: the record id, else the fallback key (``fallback_column``'s
    value, or ``fallback(row index)``); rows with neither are rejected, in row order."""
    ids = batch.get(field)
    if fallback_column is not None:
        ids = pc.coalesce(ids, batch.get(fallback_column))
    missing = pc.is_null(ids)
    if pc.any(missing).as_py():
        where = pc.indices_nonzero(missing).to_pylist()
        found = [None if fallback is None else fallback(i) for i in where]
        numbers = pc.take(batch.numbers, pa.array(where, pa.int64())).to_pylist()
        for number, key in zip(numbers, found, strict=True):
            if key is None:
                state.log.reject(number, None, None, _NO_ID)
        filled_at = [i for i, key in zip(where, found, strict=True) if key is not None]
        if filled_at:
            mask = np.zeros(batch.size, dtype=bool)
            mask[filled_at] = True
            filled = pa.array([str(k) for k in found if k is not None], pa.string())
            ids = pc.replace_with_mask(ids, pa.array(mask), filled)
        kept = pc.is_valid(ids)
        return batch.filter(kept), pc.filter(ids, kept)
    return batch, ids


def keyed(source: str, values: Any) -> Any:
    """``f"{source}:{value}"`` per row (null stays null)."""
    return pc.binary_join_element_wise(f"{source}:", values, "")


def with_account(attributes: Any, accounts: Any, extra_labels: list[str]) -> Any:
    """``salesforce._with_account``: the account name added to each row's attributes."""
    if "account_name" in extra_labels:  # the key exists already: the row-wise merge
        merged = with_account_rows(attributes.to_pylist(), accounts.to_pylist())
        return pa.array(merged, pa.string())
    member = pc.binary_join_element_wise('"account_name": ', json_strings(accounts), "")
    alone = pc.binary_join_element_wise("{", member, "}", "")
    body = pc.utf8_slice_codeunits(attributes, 0, -1)
    added = pc.binary_join_element_wise(pc.binary_join_element_wise(body, member, ", "), "}", "")
    merged = pc.if_else(pc.is_null(attributes), alone, added)
    return pc.if_else(pc.is_null(member), attributes, merged)


def with_account_rows(attributes: list[Any], accounts: list[Any]) -> list[str | None]:
    """The account name added to each row's attributes (JSON text), row by row."""
    out: list[str | None] = []
    for text, account in zip(attributes, accounts, strict=True):
        if account is None:
            out.append(text)
            continue
        data = json.loads(text) if text else {}
        data["account_name"] = account
        out.append(json.dumps(data, ensure_ascii=False))
    return out


def outcome_columns(
    batch: ArrowBatch,
    stage_won: Callable[[str | None], bool],
    stage_lost: Callable[[str | None], bool],
) -> tuple[Any, Any]:
    """(is_won, is_closed): the Won/Closed columns when filled, else what the stage means."""
    stage = batch.get("stage")
    won_by_stage = pc.fill_null(mapped_by_distinct(stage, stage_won, pa.bool_()), stage_won(None))
    lost = pc.fill_null(mapped_by_distinct(stage, stage_lost, pa.bool_()), stage_lost(None))
    won = pc.coalesce(batch.get("won", pa.bool_()), won_by_stage)
    closed = pc.coalesce(batch.get("closed", pa.bool_()), pc.or_(won, lost))
    return won, closed


def lead_stage_rows(
    state: ReadState,
    keys: Any,
    numbers: Any,
    created: Any,
    converted_at: Any,
    converted_stage: str | None,
) -> None:
    """The ``lead_stages`` rows of a batch in the row-wise order: per lead, ``lead`` at its
    created date, then ``converted_stage`` at its converted date (when both are known)."""
    parts = [(0, "lead", created, "created_at")]
    if converted_stage:
        parts.append((1, converted_stage, converted_at, "converted_at"))
    order_parts = []
    for k, _, values, _ in parts:
        hits = np.flatnonzero(pc.is_valid(values).to_numpy(zero_copy_only=False))
        order_parts.append(hits * 2 + k)
    order = np.sort(np.concatenate(order_parts)) if order_parts else np.array([], np.int64)
    if not len(order):
        return
    rows, which = pa.array(order // 2), order % 2
    labels = [state.plan.label(p[3]) if np.any(which == p[0]) else "" for p in parts]
    stages = [p[1] for p in parts]
    first = pa.array(which == 0)
    stamps = pc.take(created, rows)
    if len(parts) > 1:
        stamps = pc.if_else(first, stamps, pc.take(converted_at, rows))
    index = pa.array(which)
    state.builders["lead_stages"].add_arrow(
        {
            "lead_key": pc.take(keys, rows),
            "stage": pc.take(pa.array(stages, pa.string()), index),
            "entered_at": stamps,
            "source": pc.take(pa.array(labels, pa.string()), index),
        },
        pc.take(numbers, rows),
    )
