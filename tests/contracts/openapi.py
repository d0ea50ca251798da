"""Validate JSON against Starweb's own OpenAPI 3.0 spec (vendored beside this file)."""

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft4Validator

SPEC = Path(__file__).with_name("starweb-openapi-2.12.json")


@lru_cache(maxsize=1)
def spec() -> dict:
    return json.loads(SPEC.read_text())


def errors(document, schema_name: str) -> list[str]:
    """Every way `document` breaks components.schemas[schema_name] (OpenAPI 3.0 ≈ JSON Schema draft 4)."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec()["components"]}
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in Draft4Validator(schema).iter_errors(document)
    ]
