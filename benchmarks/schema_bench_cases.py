"""Builds the benchmark cases for schema-bench.sh: folders with schema.json and instances.jsonl.

Cases: each Talview reference schema with its example payload; every Schemas/*/*.schema.json that
has a matching example; and a generated 50-property schema (nested objects, patterns, enums,
formats) with deterministic instances.
"""
import glob
import json
import os
import random
import sys

out, repo, shared = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)


def write_case(name, schema, instances):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "schema.json"), "w") as f:
        json.dump(schema, f)
    with open(os.path.join(folder, "instances.jsonl"), "w") as f:
        for instance in instances:
            f.write(json.dumps(instance, ensure_ascii=False) + "\n")


# Talview reference payloads.
for path in sorted(glob.glob(os.path.join(shared, "reference/types/talview__*.schema.json"))):
    stem = os.path.basename(path)[: -len(".schema.json")]
    example = os.path.join(shared, "reference/examples", stem + ".json")
    if os.path.exists(example):
        write_case(stem, json.load(open(path)), [json.load(open(example))])

# Vendor schemas in the repository, when present: an example next to the schema
# (NAME.example.json or examples/NAME.json) or in the shared reference examples.
for path in sorted(glob.glob(os.path.join(repo, "Schemas/*/*.schema.json"))):
    vendor = os.path.basename(os.path.dirname(path))
    stem = os.path.basename(path)[: -len(".schema.json")]
    candidates = [
        os.path.join(os.path.dirname(path), stem + ".example.json"),
        os.path.join(os.path.dirname(path), "examples", stem + ".json"),
        os.path.join(repo, "Schemas", vendor, "examples", stem + ".json"),
        os.path.join(shared, "reference/examples", vendor + "__" + stem + ".json"),
    ]
    example = next((c for c in candidates if os.path.exists(c)), None)
    if example:
        schema = json.load(open(path))
        # References to other files are not resolved by the Python validators here; keep
        # schemas whose references stay inside the document.
        refs = []

        def collect(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    if key == "$ref" and isinstance(item, str):
                        refs.append(item)
                    collect(item)
            elif isinstance(value, list):
                for item in value:
                    collect(item)

        collect(schema)
        if all(ref.startswith("#") for ref in refs):
            write_case("Schemas-%s__%s" % (vendor, stem), schema, [json.load(open(example))])

# A generated 50-property schema.
rng = random.Random(20261123)
properties = {}
kinds = []
for i in range(50):
    name = "field_%02d" % i
    kind = i % 10
    kinds.append((name, kind))
    if kind == 0:
        properties[name] = {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}
    elif kind == 1:
        properties[name] = {"type": "integer", "minimum": 0, "maximum": 100000}
    elif kind == 2:
        properties[name] = {"enum": ["pending", "active", "completed", "expired", "cancelled"]}
    elif kind == 3:
        properties[name] = {"type": "string", "format": "date-time"}
    elif kind == 4:
        properties[name] = {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01}
    elif kind == 5:
        properties[name] = {"type": "boolean"}
    elif kind == 6:
        properties[name] = {
            "type": "object",
            "properties": {
                "street": {"type": "string", "minLength": 1, "maxLength": 80},
                "city": {"type": "string", "minLength": 1},
                "zip": {"type": "string", "pattern": "^[0-9]{5}$"},
                "country": {"enum": ["US", "GB", "DE", "FR", "IN"]},
            },
            "required": ["street", "city", "zip", "country"],
            "additionalProperties": False,
        }
    elif kind == 7:
        properties[name] = {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                },
                "required": ["id", "score"],
            },
        }
    elif kind == 8:
        properties[name] = {"type": ["string", "null"], "format": "email", "maxLength": 254}
    else:
        properties[name] = {"type": "string", "minLength": 1, "maxLength": 64}
schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": properties,
    "required": [name for name, _ in kinds],
    "additionalProperties": False,
}


def value(kind):
    if kind == 0:
        return "%s-%04d" % ("".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3)), rng.randrange(10000))
    if kind == 1:
        return rng.randrange(100001)
    if kind == 2:
        return rng.choice(["pending", "active", "completed", "expired", "cancelled"])
    if kind == 3:
        return "2026-%02d-%02dT%02d:%02d:%02dZ" % (rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24), rng.randrange(60), rng.randrange(60))
    if kind == 4:
        return round(rng.randrange(10001) / 100, 2)
    if kind == 5:
        return rng.random() < 0.5
    if kind == 6:
        return {"street": "%d Main Street" % rng.randrange(1, 999), "city": rng.choice(["Springfield", "Leeds", "Berlin"]),
                "zip": "%05d" % rng.randrange(100000), "country": rng.choice(["US", "GB", "DE", "FR", "IN"])}
    if kind == 7:
        return [{"id": "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48)),
                 "score": rng.randrange(101), "tags": ["t%d" % j for j in range(rng.randrange(4))]} for _ in range(rng.randrange(1, 5))]
    if kind == 8:
        return None if rng.random() < 0.2 else "user%d@example.com" % rng.randrange(1000)
    return "text %d" % rng.randrange(10**6)


instances = [{name: value(kind) for name, kind in kinds} for _ in range(200)]
write_case("generated-50-properties", schema, instances)
