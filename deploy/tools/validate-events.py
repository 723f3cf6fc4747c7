#!/usr/bin/env python3
"""Validates CloudEvents (one JSON per line in a file, or stdin) against docs/asyncapi.json.

Usage: validate-events.py docs/asyncapi.json [events.jsonl]

Each event is checked against the payload schema of the message whose name is its `type`;
an event whose type the document does not describe is a failure. Prints one line per
failure and a summary; exits 1 when anything failed.
"""
import json
import sys

import jsonschema

document = json.load(open(sys.argv[1]))
by_type = {}
for key, message in document["components"]["messages"].items():
    by_type[message["name"]] = key

validated, failures, types = 0, 0, set()
for line in (open(sys.argv[2]) if len(sys.argv) > 2 else sys.stdin):
    if not line.strip():
        continue
    event = json.loads(line)
    key = by_type.get(event.get("type"))
    if key is None:
        print(f"FAIL {event.get('id')}: type {event.get('type')!r} is not in the document")
        failures += 1
        continue
    schema = dict(document)
    schema["$ref"] = f"#/components/messages/{key}/payload"
    errors = list(jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(event))
    if errors:
        failures += 1
        for error in errors[:3]:
            print(f"FAIL {event.get('type')} {event.get('id')}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    else:
        validated += 1
        types.add(event["type"])
print(f"validated {validated} events of {len(types)} types, {failures} failures")
sys.exit(1 if failures else 0)
