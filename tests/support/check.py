#!/usr/bin/env python3
"""Test helper for omsso's render tests (run by tests/render_*.rs, not by users).

Reads one JSON document on stdin:
  {"schemas": [{"label", "schema": FILE, "instance": {...}}],
   "yaml11":  [{"label", "text": YAML, "expect": VALUE}]}
and prints one line per failure; exit status 1 if anything failed.

schemas: validates each instance with jsonschema's Draft 7 validator. `$ref`s are resolved by
file path, as PROVENANCE.md of the reference schemas explains: every *.json file under the
schema's root folder is registered under its file:// URI (its own `$id` is ignored, because
the upstream `$id`s are inconsistent).

yaml11: parses YAML text with PyYAML, a YAML 1.1 parser like the SnakeYAML that OpenMetadata
uses, and compares the result with `expect`.
"""
import json
import pathlib
import sys

import jsonschema
import yaml


def registry_for(root):
    docs = {}
    for path in root.rglob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        uri = path.resolve().as_uri()
        doc["$id"] = uri
        docs[uri] = doc
    return docs


def validator(schema_file, cache):
    schema_file = pathlib.Path(schema_file).resolve()
    # The reference root is the folder holding `configuration/`, `security/`, ... or, for the
    # Helm schema, its own folder.
    root = schema_file.parent
    while root.parent != root and not (root / "configuration").is_dir() and root.name != "helm":
        root = root.parent
    if root.parent == root:
        root = schema_file.parent
    docs = cache.setdefault(str(root), registry_for(root))
    schema = docs[schema_file.as_uri()]
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7

        registry = Registry().with_resources(
            (uri, Resource(contents=doc, specification=DRAFT7)) for uri, doc in docs.items()
        )
        return jsonschema.Draft7Validator(schema, registry=registry)
    except ImportError:  # jsonschema < 4.18
        resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=docs)
        return jsonschema.Draft7Validator(schema, resolver=resolver)


def main():
    job = json.load(sys.stdin)
    failures = []
    cache = {}
    for check in job.get("schemas", []):
        v = validator(check["schema"], cache)
        for err in sorted(v.iter_errors(check["instance"]), key=lambda e: list(e.path)):
            path = "/".join(str(p) for p in err.absolute_path)
            failures.append(f"{check['label']}: {path}: {err.message}")
    for check in job.get("yaml11", []):
        got = yaml.safe_load(check["text"])
        if got != check["expect"]:
            failures.append(f"{check['label']}: YAML 1.1 reads {got!r}, expected {check['expect']!r}")
    for f in failures:
        print(f)
    print(f"checked {len(job.get('schemas', []))} schema instances, "
          f"{len(job.get('yaml11', []))} YAML 1.1 texts: {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
