#!/usr/bin/env python3
"""Validates a rendered `jwtTokenConfiguration` block with each release line's own model
(`JWTTokenConfiguration` of that line's openmetadata-ingestion wheel, loaded by
scripts/om-models). Run by tests/suite/jwt_keys.rs; not for users.

stdin: {"lines": ["1.6", ...], "block": {...}}
stdout: {"1.6": {"wheel": "1.6.13.2", "errors": [TEXT...], "values": {...}}, ...}
Exit 1 with one `error:` line when a prerequisite (python module, wheel) is missing.
"""
import importlib.machinery
import importlib.util
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]


def om_models():
    path = ROOT / "scripts/om-models"
    loader = importlib.machinery.SourceFileLoader("om_models", str(path))
    spec = importlib.util.spec_from_loader("om_models", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def main():
    job = json.load(sys.stdin)
    om = om_models()
    from pydantic import ValidationError
    out = {}
    for line in job["lines"]:
        wheel = om.wheel_of(line)
        try:
            cls = om.load(wheel, names=("jwt_token",))["jwt_token"]
        except om.Missing as e:
            print(f"error: {e}", file=sys.stderr)
            sys.exit(1)
        try:
            model = cls.model_validate(job["block"])
            out[line] = {"wheel": wheel, "errors": [],
                         "values": model.model_dump(exclude_none=True)}
        except ValidationError as e:
            out[line] = {"wheel": wheel, "values": {},
                         "errors": [f"{'.'.join(map(str, x['loc']))}: {x['msg']}"
                                    for x in e.errors()]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
