"""JSON Schemas of the files the bridge reads: Criterion's three files per benchmark and the
store entry. They fix each file's shape in one declaration; what a schema cannot say (finite
values, a bound below its estimate) is checked by the reader and the store afterwards.
"""

from __future__ import annotations

from typing import Any

import fastjsonschema

_NUMBER = {"type": "number"}
_STRING_OR_NULL = {"type": ["string", "null"]}
_NON_EMPTY = {"type": "string", "minLength": 1}
# How Criterion names a benchmark, in its benchmark.json and in a store record alike.
_CRITERION_ID = {
    "group_id": _NON_EMPTY,
    "full_id": _NON_EMPTY,
    "function_id": _STRING_OR_NULL,
    "value_str": _STRING_OR_NULL,
}

_ESTIMATE = {
    "type": "object",
    "required": ["point_estimate", "standard_error", "confidence_interval"],
    "properties": {
        "point_estimate": _NUMBER,
        "standard_error": _NUMBER,
        "confidence_interval": {
            "type": "object",
            "required": ["confidence_level", "lower_bound", "upper_bound"],
            "properties": {k: _NUMBER for k in ("confidence_level", "lower_bound", "upper_bound")},
        },
    },
}

ESTIMATES = {
    "type": "object",
    "required": ["mean", "median", "std_dev", "median_abs_dev"],
    "properties": {
        **{k: _ESTIMATE for k in ("mean", "median", "std_dev", "median_abs_dev")},
        "slope": {"anyOf": [{"type": "null"}, _ESTIMATE]},  # null in Flat sampling mode
    },
}

SAMPLE = {
    "type": "object",
    "required": ["iters", "times"],
    "properties": {
        "sampling_mode": {"type": "string"},
        "iters": {"type": "array", "minItems": 1, "items": _NUMBER},
        "times": {"type": "array", "minItems": 1, "items": _NUMBER},
    },
}

# throughput is left open here: an unknown kind costs the throughput, not the measurement.
BENCHMARK = {
    "type": "object",
    "required": ["group_id", "full_id"],
    "properties": {
        **_CRITERION_ID,
        "directory_name": {"type": "string"},
        "title": {"type": "string"},
    },
}

_STORED_ESTIMATE = {
    "type": "object",
    "required": ["point", "standard_error", "lower", "upper", "confidence_level"],
    "additionalProperties": False,
    "properties": {
        k: _NUMBER for k in ("point", "standard_error", "lower", "upper", "confidence_level")
    },
}

_RECORD = {
    "type": "object",
    "required": ["full_id", "group_id", "samples", "mean", "median", "std_dev", "median_abs_dev"],
    "properties": {
        **_CRITERION_ID,
        "baseline": {"type": "string"},
        "directory": {"type": "string"},
        "throughput": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["kind", "amount"],
                    "additionalProperties": False,
                    "properties": {"kind": {"type": "string"}, "amount": {"type": "integer"}},
                },
            ]
        },
        "sampling_mode": {"type": "string"},
        "samples": {"type": "array", "minItems": 1, "items": {"type": "number", "minimum": 0}},
        **{k: _STORED_ESTIMATE for k in ("mean", "median", "std_dev", "median_abs_dev")},
        "slope": {"anyOf": [{"type": "null"}, _STORED_ESTIMATE]},
    },
}

_TEXT_FIELDS = {"type": "object", "additionalProperties": {"type": "string"}}

STORE_ENTRY = {
    "type": "object",
    "required": ["schema", "commit", "records"],
    "properties": {
        "schema": {"type": "integer", "minimum": 1},
        "commit": {"type": "string"},
        "records": {"type": "array", "items": _RECORD},
        "failures": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["full_id", "reason"],
                "additionalProperties": False,
                "properties": {k: {"type": "string"} for k in ("full_id", "reason", "log")},
            },
        },
        "problems": {
            "type": "array",
            "items": {**_TEXT_FIELDS, "required": ["path", "message"]},
        },
        "runs": {"type": "array", "items": {"type": "object"}},
        "record_run": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
    },
}

# Compiled once to plain Python: about 50x faster than an interpreting validator, which
# matters at three files per benchmark and thousands of benchmarks per import.
_VALIDATORS = {
    id(schema): fastjsonschema.compile(schema)
    for schema in (ESTIMATES, SAMPLE, BENCHMARK, STORE_ENTRY)
}


def violation(data: Any, schema: dict[str, Any]) -> str | None:
    """A one-line description of where ``data`` departs from ``schema``, or None if it fits."""
    try:
        _VALIDATORS[id(schema)](data)
    except fastjsonschema.JsonSchemaValueException as exc:
        # "data.mean.point_estimate must be number": the path, then the rule broken.
        return exc.message.removeprefix("data.").replace("data ", "top level ", 1)
    return None
