"""Validates TOML config files against dondoc's JSON Schemas, independently of
dondoc: Python's tomllib reads them, the `jsonschema` package validates.

Usage: validate_schemas.py SCHEMA_DIR FILE...  (each file's schema by its name)
Prints one line per file: "ok PATH" or "invalid PATH: message"; exits 1 if any
file is invalid, 3 if jsonschema is not installed.
"""
import datetime
import os
import sys
import tomllib

try:
    import jsonschema
except ImportError:
    print("jsonschema not installed (pip install jsonschema)")
    sys.exit(3)


def plain(value):
    """TOML dates as the strings JSON has."""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def schema_for(path):
    name = os.path.basename(path)
    if os.path.basename(os.path.dirname(path)) == "plans":
        return "plan.schema.json"
    return name.replace(".toml", ".schema.json")


def main():
    schema_dir, files = sys.argv[1], sys.argv[2:]
    bad = 0
    for path in files:
        with open(os.path.join(schema_dir, schema_for(path))) as f:
            schema = __import__("json").load(f)
        with open(path, "rb") as f:
            data = plain(tomllib.load(f))
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(data))
        if errors:
            bad += 1
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path)
            print(f"invalid {path}: {where}: {first.message}")
        else:
            print(f"ok {path}")
    sys.exit(1 if bad else 0)


main()
