#!/usr/bin/env python3
"""Test helper for omsso's render tests (run by tests/render_*.rs, not by users).

Reads one JSON document on stdin:
  {"schemas": [{"label", "schema": FILE, "instance": {...}}],
   "yaml11":  [{"label", "text": YAML, "expect": VALUE}]}
and prints one line per failure; exit status 1 if anything failed.

schemas: validates each instance with jsonschema's Draft 7 validator against a released Helm
chart's values.schema.json (self-contained: it has no `$ref`). OpenMetadata's own config is
checked with its released models instead (tests/suite/support/om_release.py).

yaml11: parses YAML text with PyYAML, a YAML 1.1 parser like the SnakeYAML that OpenMetadata
uses, and compares the result with `expect`.
"""
import json
import pathlib
import sys

import jsonschema
import yaml


def validator(schema_file, cache):
    if schema_file not in cache:
        schema = json.loads(pathlib.Path(schema_file).read_text(encoding="utf-8"))
        cache[schema_file] = jsonschema.Draft7Validator(schema)
    return cache[schema_file]


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
