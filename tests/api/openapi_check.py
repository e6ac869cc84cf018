"""A small validator of JSON values against the OpenAPI document's schemas (the shapes pydantic
writes: objects, arrays, scalars, `anyOf` for optional values, `$ref` to components), so the
contract test needs no package beyond the standard library."""

from __future__ import annotations

import datetime as dt


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        path = schema["$ref"].removeprefix("#/").split("/")
        node = document
        for part in path:
            node = node[part]
        schema = node
    return schema


def problems(document: dict, schema: dict, value, where: str = "$") -> list[str]:
    """Every way `value` departs from `schema`, as readable strings (empty when it conforms)."""
    schema = _resolve(document, schema)
    if "anyOf" in schema:
        options = [problems(document, option, value, where) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else [f"{where}: matches none of anyOf: {options}"]
    kind = schema.get("type")
    found: list[str] = []
    if kind == "null":
        return [] if value is None else [f"{where}: expected null, got {value!r}"]
    if kind == "object" or "properties" in schema:
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: missing required {name!r}")
        for name, item in value.items():
            if name not in properties:
                found.append(f"{where}: {name!r} is not in the schema")
            else:
                found += problems(document, properties[name], item, f"{where}.{name}")
        return found
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected an array, got {type(value).__name__}"]
        for i, item in enumerate(value):
            found += problems(document, schema.get("items", {}), item, f"{where}[{i}]")
        return found
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {value!r}"]
        if schema.get("format") == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                found.append(f"{where}: not a date: {value!r}")
        if schema.get("format") == "date-time":
            try:
                dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                found.append(f"{where}: not a date-time: {value!r}")
        return found
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected an integer, got {value!r}"]
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected a number, got {value!r}"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean, got {value!r}"]
    return []  # no constraint


def operation_schema(document: dict, path: str, status: int) -> dict:
    """The response schema the document gives for GET `path` (a concrete URL path, matched
    against the templated ones) and `status`."""
    for template, item in document["paths"].items():
        if _matches(template, path) and "get" in item:
            response = item["get"]["responses"].get(str(status))
            assert response is not None, f"GET {template} does not document status {status}"
            return response["content"]["application/json"]["schema"]
    raise AssertionError(f"No path in the OpenAPI document matches {path}")


def _matches(template: str, path: str) -> bool:
    left, right = template.strip("/").split("/"), path.strip("/").split("/")
    return len(left) == len(right) and all(
        a == b or (a.startswith("{") and a.endswith("}")) for a, b in zip(left, right)
    )
