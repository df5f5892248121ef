#!/usr/bin/python3
"""check_schema.py - validates rdnscheck JSON Lines against the JSON Schema
(draft 2020-12) in schema/rdnscheck.schema.json, with Debian's
python3-jsonschema.

Usage: check_schema.py [--tagged] [--min N] SCHEMA [FILE...]
  Every non-empty line of each FILE (standard input when none) must be one
  JSON record that the schema accepts. With --tagged a line is
  "WHERE<TAB>JSON" and WHERE names the line in messages (the case runner
  writes its log so). --min N: fail unless at least N lines were read.

The check is closed-world: every object the schema describes with
"properties" takes no other key here (additionalProperties: false is added
to each in memory). The installed schema stays open, so that a consumer
holding it still accepts the fields a later release adds within schema 1;
the tests make sure no field reaches the output undocumented.

Exit 0 when every line is valid, 1 otherwise (the first 20 errors are
printed), 2 on a usage error or when jsonschema is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("check_schema.py: python3-jsonschema is missing (apt-get install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)


def close(node, root=True):
    """additionalProperties: false on every object schema with properties."""
    if isinstance(node, dict):
        if not root and "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for k, v in node.items():
            if k != "if":  # a condition, not a description of the object
                close(v, False)
    elif isinstance(node, list):
        for v in node:
            close(v, False)


def main(argv):
    tagged, minimum, args = False, 0, []
    it = iter(argv)
    for a in it:
        if a == "--tagged":
            tagged = True
        elif a == "--min":
            minimum = int(next(it))
        else:
            args.append(a)
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    close(schema)
    validator = jsonschema.Draft202012Validator(schema)
    # each record type's own branch, for a precise message
    branches = {t: jsonschema.Draft202012Validator({"$ref": f"#/$defs/{t}", "$defs": schema["$defs"]})
                for t in schema["$defs"] if f"#/$defs/{t}" in json.dumps(schema.get("oneOf", []))}
    files = args[1:] or ["-"]
    count = errors = 0
    for path in files:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="strict")
        for n, line in enumerate(stream, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            where = f"{path}:{n}"
            if tagged:
                where, _, line = line.partition("\t")
            count += 1
            problems = []
            try:
                record = json.loads(line)
            except ValueError as e:
                problems.append(f"not JSON: {e}")
            else:
                if not line.isascii():
                    problems.append("not ASCII (names are escaped, IDN input as \\uXXXX)")
                best = jsonschema.exceptions.best_match(validator.iter_errors(record))
                kind = record.get("type") if isinstance(record, dict) else None
                if best is not None and kind in branches:
                    best = jsonschema.exceptions.best_match(branches[kind].iter_errors(record)) or best
                if best is not None:
                    problems.append(f"{'/'.join(map(str, best.absolute_path)) or '(record)'}: "
                                    f"{best.message[:300]}")
            if problems:
                errors += 1
                if errors <= 20:
                    print(f"INVALID {where}: {'; '.join(problems)}\n    {line[:400]}")
        if stream is not sys.stdin:
            stream.close()
    print(f"check_schema.py: {count} records, {errors} invalid")
    if count < minimum:
        print(f"check_schema.py: expected at least {minimum} records")
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
