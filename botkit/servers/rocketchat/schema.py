"""A tiny JSON-schema subset with ajv's wording, for Rocket.Chat's validated request bodies.

Rocket.Chat validates bodies and queries with ajv (first error per schema, ``anyOf``/``oneOf``
collecting the branches' errors) and joins the messages with ``"\\n "``. Clients and tests see
these texts, so they are reproduced for the keywords the routes here use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Schema", "validate"]

Schema = dict[str, Any]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "number": (int, float),
    "integer": (int,),
    "null": (type(None),),
}


def _is_type(value: Any, name: str) -> bool:
    if name in ("number", "integer") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def validate(schema: Schema, value: Any) -> list[str]:
    """The ajv error messages for ``value``; empty when it is valid."""
    expected = schema.get("type")
    if expected is not None:
        names = expected if isinstance(expected, list) else [expected]
        if not any(_is_type(value, n) for n in names):
            return [f"must be {','.join(names)}"]
    if "enum" in schema and value not in schema["enum"]:
        return ["must be equal to one of the allowed values"]
    for keyword, text in (
        ("anyOf", "must match a schema in anyOf"),
        ("oneOf", "must match exactly one schema in oneOf"),
    ):
        if keyword in schema:
            branch_errors = [validate(branch, value) for branch in schema[keyword]]
            matched = sum(1 for errs in branch_errors if not errs)
            if matched == 0 or (keyword == "oneOf" and matched > 1):
                return [e for errs in branch_errors for e in errs] + [text]
    if isinstance(value, dict):
        return _validate_object(schema, value)
    if isinstance(value, list) and "items" in schema:
        for item in value:
            errors = validate(schema["items"], item)
            if errors:
                return errors
    return []


def _validate_object(schema: Schema, value: dict[str, Any]) -> list[str]:
    for name in schema.get("required", []):
        if name not in value:
            return [f"must have required property '{name}'"]
    properties: dict[str, Schema] = schema.get("properties", {})
    if schema.get("additionalProperties") is False and any(k not in properties for k in value):
        return ["must NOT have additional properties"]
    for name, sub in properties.items():
        if name in value:
            errors = validate(sub, value[name])
            if errors:
                return errors
    return []
