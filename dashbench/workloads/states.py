"""State schemas and factories mirroring DashFlow's bench states (docs/workloads.md §states).

Every ``make_*`` returns a *new* value on each call, like Rust's ``XxxState::new()``,
so a timed body that calls it pays for construction exactly as the Rust twin does.
Schemas with reducers exist only where a LangGraph superstep has several writers
of one key; everywhere else the fields are plain, as in DashFlow.
"""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict


def merge_dicts(left: dict[str, str], right: dict[str, str]) -> dict[str, str]:
    """Dict-merge reducer: the later writer wins on conflicts, like DashFlow's HashMap insert."""
    return {**left, **right}


def last_write(_left: str, right: str) -> str:
    """Last-write-wins reducer for keys several parallel branches write in one superstep."""
    return right


# --- SimpleState (JSON 23 B) -------------------------------------------------------------


class SimpleState(TypedDict):
    counter: int
    data: str


def make_simple() -> SimpleState:
    return {"counter": 0, "data": ""}


# --- ComplexState (JSON 134 B) -----------------------------------------------------------


class ComplexState(TypedDict):
    """Plain fields: nodes on a linear or conditional path return whole new values."""

    messages: list[str]
    metadata: dict[str, str]
    counter: int
    status: str
    next: str


class _FanoutFields(TypedDict):
    """ComplexState's fields but ``next``, with the reducers that let branches merge."""

    messages: Annotated[list[str], operator.add]
    metadata: Annotated[dict[str, str], merge_dicts]
    counter: int
    status: str


class ComplexFanoutState(_FanoutFields):
    """ComplexState for fan-outs: branches return only new messages and new metadata keys."""

    next: str


class ComplexFanoutRoutedState(_FanoutFields):
    """Fan-out whose branches all route on ``next`` in the same superstep (batch pipeline)."""

    next: Annotated[str, last_write]


def make_complex() -> ComplexState:
    return {
        "messages": ["Initial message"],
        "metadata": {"user": "test_user", "session": "test_session"},
        "counter": 0,
        "status": "initialized",
        "next": "",
    }


# --- SmallState (JSON 42 B) --------------------------------------------------------------


class SmallState(TypedDict):
    counter: int
    status: str
    value: float


def make_small() -> SmallState:
    return {"counter": 0, "status": "ready", "value": 0.0}


# --- MediumState (JSON 2,196 B) ----------------------------------------------------------


class MediumState(TypedDict):
    data: list[str]
    metadata: dict[str, str]
    counters: list[int]


class MediumMergeState(TypedDict):
    """MediumState for ``medium_state_parallel_3_workers``: the three fields are merged."""

    data: Annotated[list[str], operator.add]
    metadata: Annotated[dict[str, str], merge_dicts]
    counters: Annotated[list[int], operator.add]


def make_medium() -> MediumState:
    return {
        "data": [f"Item {i}" for i in range(100)],
        "metadata": {f"key{i}": f"value{i}" for i in range(50)},
        "counters": list(range(100)),
    }


# --- LargeState (JSON 228,533 B) ---------------------------------------------------------

LARGE_BLOCKS = 10
LARGE_BLOCK_SIZE = 10_240


class LargeState(TypedDict):
    messages: list[str]
    metadata: dict[str, str]
    data_blocks: list[bytearray]


def make_large() -> LargeState:
    # bytearray, not bytes: an owned mutable buffer like Vec<u8>, which deepcopy really copies.
    return {
        "messages": [f"Message {i}" for i in range(1000)],
        "metadata": {f"key{i}": f"value{i}" for i in range(500)},
        "data_blocks": [bytearray(LARGE_BLOCK_SIZE) for _ in range(LARGE_BLOCKS)],
    }
