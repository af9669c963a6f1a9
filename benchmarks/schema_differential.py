#!/usr/bin/env python3
"""Differential test of `proctor schema validate` against python-jsonschema (Draft 2020-12).

    benchmarks/schema_differential.py PROCTOR [--schemas N] [--instances M] [--seed S] [--reduce K]

Generates N random schemas (seeded) with M instances each, validates every pair with Proctor (one
`proctor schema validate SCHEMA --jsonl --output basic` per schema) and with python-jsonschema's
Draft202012Validator (formats not asserted, as Proctor's default), and prints how often they agree
and each disagreement, the first K of them reduced to the fewest keywords that still disagree.

A verdict is "valid", "invalid" or "error" (Proctor cannot use the schema; python-jsonschema
raises). Run through benchmarks/schema-differential.sh, which builds Proctor and installs jsonschema.
"""

import argparse
import collections
import importlib.metadata
import json
import os
import random
import subprocess
import sys
import tempfile

import jsonschema

# Keys and strings chosen to meet each other: "é" is one code point, "e\u0301" two (equal only
# under Unicode canonical equivalence, which JSON does not use).
KEYS = ["a", "b", "c", "é", "e\u0301", "x-1", "x-2", "0", ""]
STRINGS = ["", "a", "ab", "abc", "é", "e\u0301", "\U0001F600", "12", "٣", "a\n", "A", "x-1", "aaaa"]
NUMBERS = [0, 1, -1, 2, 3, 7, 10, 100, 1.0, 1.5, 2.5, -0.5, 0.1, 0.3, 0.07, 1e2, 12345678901234567890,
           0.0001, 3.0]
PATTERNS = ["^a", "b$", "^[a-c]+$", "^\\d+$", "\\w", "^.$", "^$", "[^a]", "^(a|b)*$", "^x-\\d$",
            "^\\p{L}+$", "\\S", "^.{2,3}$", "a$"]
TYPES = ["null", "boolean", "object", "array", "number", "string", "integer"]


class Generator:
    def __init__(self, rng):
        self.rng = rng
        self.defs = []

    def value(self, depth=0):
        r = self.rng.random()
        if depth > 2 or r < 0.55:
            return self.rng.choice([None, True, False] + NUMBERS + STRINGS)
        if r < 0.78:
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 4))]
        return {self.rng.choice(KEYS): self.value(depth + 1) for _ in range(self.rng.randint(0, 4))}

    def schema(self, depth=0):
        rng = self.rng
        if depth > 3 or rng.random() < 0.08:
            return rng.choice([True, False, {}, {"type": rng.choice(TYPES)}])
        if self.defs and rng.random() < 0.08:
            return {"$ref": "#/$defs/" + rng.choice(self.defs)}
        schema = {}
        for _ in range(rng.randint(1, 3)):
            self.keyword(schema, depth)
        return schema

    def keyword(self, schema, depth):
        rng = self.rng
        kind = rng.choice(["type", "number", "string", "array", "object", "combinator", "conditional",
                           "enum", "unevaluated"])
        sub = lambda: self.schema(depth + 1)
        if kind == "type":
            schema["type"] = rng.choice(TYPES) if rng.random() < 0.7 else rng.sample(TYPES, 2)
        elif kind == "number":
            key = rng.choice(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"])
            schema[key] = rng.choice([0.5, 0.25, 0.1, 0.01, 2, 3, 1e-3]) if key == "multipleOf" \
                else rng.choice(NUMBERS)
        elif kind == "string":
            key = rng.choice(["minLength", "maxLength", "pattern"])
            schema[key] = rng.choice(PATTERNS) if key == "pattern" else rng.randint(0, 3)
        elif kind == "array":
            key = rng.choice(["items", "prefixItems", "contains", "minItems", "maxItems", "uniqueItems"])
            if key in ("items", "contains"):
                schema[key] = sub()
                if key == "contains" and rng.random() < 0.5:
                    schema[rng.choice(["minContains", "maxContains"])] = rng.randint(0, 2)
            elif key == "prefixItems":
                schema[key] = [sub() for _ in range(rng.randint(1, 3))]
            elif key == "uniqueItems":
                schema[key] = rng.random() < 0.8
            else:
                schema[key] = rng.randint(0, 3)
        elif kind == "object":
            key = rng.choice(["properties", "required", "additionalProperties", "patternProperties",
                              "propertyNames", "minProperties", "maxProperties", "dependentRequired",
                              "dependentSchemas"])
            if key == "properties":
                schema[key] = {k: sub() for k in rng.sample(KEYS, rng.randint(1, 3))}
            elif key == "required":
                schema[key] = rng.sample(KEYS, rng.randint(1, 2))
            elif key in ("additionalProperties", "propertyNames"):
                schema[key] = sub()
            elif key == "patternProperties":
                schema[key] = {rng.choice(PATTERNS): sub()}
            elif key == "dependentRequired":
                schema[key] = {rng.choice(KEYS): rng.sample(KEYS, 1)}
            elif key == "dependentSchemas":
                schema[key] = {rng.choice(KEYS): sub()}
            else:
                schema[key] = rng.randint(0, 3)
        elif kind == "combinator":
            key = rng.choice(["allOf", "anyOf", "oneOf", "not"])
            schema[key] = sub() if key == "not" else [sub() for _ in range(rng.randint(1, 3))]
        elif kind == "conditional":
            schema["if"] = sub()
            if rng.random() < 0.8:
                schema["then"] = sub()
            if rng.random() < 0.6:
                schema["else"] = sub()
        elif kind == "enum":
            if rng.random() < 0.5:
                schema["const"] = self.value(1)
            else:
                schema["enum"] = [self.value(1) for _ in range(rng.randint(1, 4))]
        else:
            key = rng.choice(["unevaluatedProperties", "unevaluatedItems"])
            schema[key] = sub()
            if rng.random() < 0.7:
                schema["allOf"] = [sub()]

    def root(self):
        self.defs = []
        defs = {}
        for i in range(self.rng.randint(0, 2)):
            self.defs.append("d%d" % i)
        for name in self.defs:
            defs[name] = self.schema(1)
        schema = self.schema(0)
        if not isinstance(schema, dict):
            schema = {"allOf": [schema]}
        if defs:
            schema["$defs"] = defs
        return schema

    def instance(self, schema):
        """A value near the schema half of the time: its property names, its constants."""
        rng = self.rng
        if isinstance(schema, dict) and rng.random() < 0.5:
            if "const" in schema:
                return schema["const"]
            if "enum" in schema:
                return rng.choice(schema["enum"])
            names = list(schema.get("properties", {})) + list(schema.get("required", []))
            if names:
                return {k: self.value(1) for k in rng.sample(names, min(len(names), rng.randint(1, 3)))}
        return self.value()


def python_verdict(schema, instance):
    try:
        return "valid" if jsonschema.Draft202012Validator(schema).is_valid(instance) else "invalid"
    except Exception as error:  # unresolvable $ref, bad regex, ...
        return "error: %s" % type(error).__name__


def proctor_verdicts(proctor, work, schema, instances):
    path = os.path.join(work, "schema.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(schema, f, ensure_ascii=False)
    lines = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in instances)
    run = subprocess.run([proctor, "schema", "validate", path, "--jsonl", "--output", "basic"],
                         input=lines.encode(), capture_output=True,
                         env=dict(os.environ, SWIFT_BACKTRACE="enable=no"))
    out = [l for l in run.stdout.decode().splitlines() if l.strip()]
    if run.returncode < 0:
        # Killed by a signal: a crash is a finding of its own, whatever python-jsonschema says.
        return ["crash: signal %d" % -run.returncode] * len(instances)
    if run.returncode == 2 and not out:
        return ["error: " + run.stderr.decode().strip().splitlines()[0][:80]] * len(instances)
    if len(out) != len(instances):
        raise SystemExit("proctor printed %d results for %d instances (exit %d): %s" % (
            len(out), len(instances), run.returncode, run.stderr.decode()[:400]))
    return ["valid" if json.loads(l)["valid"] else "invalid" for l in out]


def kind(verdict):
    return verdict.split(":")[0]


def subschemas_removed(schema):
    """Schemas with one keyword (anywhere) removed, or one subschema replaced by true."""
    if isinstance(schema, dict):
        for key in list(schema):
            if key == "$defs":
                continue
            smaller = dict(schema)
            del smaller[key]
            yield smaller
        for key, value in schema.items():
            if isinstance(value, dict) and key not in ("properties", "patternProperties", "$defs",
                                                        "dependentSchemas", "dependentRequired"):
                for s in subschemas_removed(value):
                    yield dict(schema, **{key: s})
            elif isinstance(value, dict):
                for name, member in value.items():
                    for s in subschemas_removed(member):
                        yield dict(schema, **{key: dict(value, **{name: s})})
            elif isinstance(value, list) and key in ("allOf", "anyOf", "oneOf", "prefixItems"):
                for i, member in enumerate(value):
                    for s in subschemas_removed(member):
                        yield dict(schema, **{key: value[:i] + [s] + value[i + 1:]})


def reduce(proctor, work, schema, instance):
    """The schema with keywords removed while Proctor and python-jsonschema still disagree."""
    def disagree(s):
        return kind(proctor_verdicts(proctor, work, s, [instance])[0]) != kind(python_verdict(s, instance))
    changed = True
    attempts = 0
    while changed and attempts < 200:
        changed = False
        for smaller in subschemas_removed(schema):
            attempts += 1
            if disagree(smaller):
                schema = smaller
                changed = True
                break
    return schema


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("proctor")
    parser.add_argument("--schemas", type=int, default=400)
    parser.add_argument("--instances", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reduce", type=int, default=12)
    args = parser.parse_args()

    generator = Generator(random.Random(args.seed))
    counts = collections.Counter()
    disagreements = []
    with tempfile.TemporaryDirectory() as work:
        for _ in range(args.schemas):
            schema = generator.root()
            instances = [generator.instance(schema) for _ in range(args.instances)]
            ours = proctor_verdicts(args.proctor, work, schema, instances)
            for instance, mine in zip(instances, ours):
                theirs = python_verdict(schema, instance)
                if kind(mine) == kind(theirs):
                    counts["both " + kind(mine)] += 1
                else:
                    counts["proctor %s, python %s" % (kind(mine), kind(theirs))] += 1
                    disagreements.append((schema, instance, mine, theirs))

        total = sum(counts.values())
        agreed = sum(n for k, n in counts.items() if k.startswith("both"))
        print("python-jsonschema %s, seed %d: %d schemas x %d instances" % (
            importlib.metadata.version("jsonschema"), args.seed,
            args.schemas, args.instances))
        print("agreement: %d of %d pairs (%.2f%%)" % (agreed, total, 100.0 * agreed / max(total, 1)))
        for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            print("  %-40s %6d" % (key, n))
        if disagreements:
            print("\ndisagreements (the first %d reduced to the keywords that still disagree):" % args.reduce)
        seen = set()
        for index, (schema, instance, mine, theirs) in enumerate(disagreements):
            if index < args.reduce:
                schema = reduce(args.proctor, work, schema, instance)
                mine = proctor_verdicts(args.proctor, work, schema, [instance])[0]
                theirs = python_verdict(schema, instance)
            text = json.dumps(schema, ensure_ascii=False, sort_keys=True)
            line = "  schema %s\n    instance %s\n    proctor %s, python-jsonschema %s" % (
                text, json.dumps(instance, ensure_ascii=False), mine, theirs)
            if line in seen:
                continue
            seen.add(line)
            print(line)


if __name__ == "__main__":
    main()
