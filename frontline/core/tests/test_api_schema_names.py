"""Ninja names each schema in the OpenAPI document after its class and silently keeps only
one of two classes with the same name, so the document would describe another app's
shape; every named schema must come from one class."""

from collections import defaultdict

from ninja import Schema

from frontline.api import api


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    sub: type
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_schema_in_the_openapi_document_comes_from_one_class():
    components = api.get_openapi_schema()["components"]["schemas"]
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("frontline.") and cls.__name__ in components:
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")

    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}
    assert len(by_name) > 20  # the API's schemas were found
