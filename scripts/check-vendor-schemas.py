#!/usr/bin/env python3
"""Checks Schemas/<vendor>/ against the reference examples and `proctor emit` output.

For every vendor event: the reference example validates against its schema, and so does the
payload `proctor emit` prints for many seeds, with each selectable quirk, alone and after the
events that usually precede it. Also compares each payload's shape with its example (keys,
nesting, JSON types, key order) and reports example values copied into generated payloads.
Usage: scripts/check-vendor-schemas.py [PROCTOR_BINARY] [SEEDS] [EXAMPLES_DIR]
EXAMPLES_DIR defaults to the examples in the repository, Sources/ProctorVendors/Templates/ReferenceExamples.
"""
import json
import os
import subprocess
import sys

import jsonschema

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/debug/proctor")
seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
examples = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "Sources/ProctorVendors/Templates/ReferenceExamples")
failures = []

PRECEDING = {
    "candidate.enrolled": ["candidate.invited"],
    "candidate.in_progress": ["candidate.invited", "candidate.enrolled"],
    "candidate.completed": ["candidate.invited", "candidate.enrolled", "candidate.in_progress"],
    "candidate.score_updated": ["candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed"],
    "ae.test_instance.updated": ["ae.test_instance.created", "ae.test_instance.updated"],
    "assessment_result_submitted": ["team_candidate_state_changed", "assessment_result_started"],
    "assessment_result_review_submitted": ["assessment_result_submitted", "assessment_result_review_created"],
    "team_candidate_label_removed": ["team_candidate_label_added"],
}


def emit(vendor, event, *args):
    out = subprocess.run([binary, "emit", vendor, event, "--format", "json", "--time", "1778491596453", *args],
                         capture_output=True, text=True)
    if out.returncode != 0:
        failures.append("%s %s %s: exit %d %s" % (vendor, event, " ".join(args), out.returncode, out.stderr.strip()))
        return None
    return json.loads(out.stdout)


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    return type(v).__name__


def shape(gen, ex, path, out):
    if gen is None:
        return  # nullability is the schema's business
    if isinstance(ex, dict):
        if not isinstance(gen, dict):
            out.append("%s: %s instead of object" % (path, kind(gen)))
            return
        if list(gen.keys()) != list(ex.keys()):
            out.append("%s: keys %s, example %s" % (path, list(gen.keys()), list(ex.keys())))
        for k in ex:
            if k in gen:
                shape(gen[k], ex[k], path + "." + k, out)
    elif isinstance(ex, list):
        if not isinstance(gen, list):
            out.append("%s: %s instead of array" % (path, kind(gen)))
            return
        if ex:
            for i, g in enumerate(gen):
                shape(g, ex[i % len(ex)], "%s[%d]" % (path, i), out)
    elif kind(gen) != kind(ex) and gen is not None and ex is not None:
        out.append("%s: %s, example %s" % (path, kind(gen), kind(ex)))


def strings(v, key=None, acc=None):
    acc = [] if acc is None else acc
    if isinstance(v, dict):
        for k, x in v.items():
            strings(x, k, acc)
    elif isinstance(v, list):
        for x in v:
            strings(x, key, acc)
    elif isinstance(v, str):
        acc.append((key, v))
    return acc


catalog = json.loads(subprocess.run([binary, "events", "--format", "json"], capture_output=True, text=True).stdout)
quirks = json.loads(subprocess.run([binary, "events", "--quirks", "--format", "json"], capture_output=True, text=True).stdout)
VOCAB = {"label", "slug", "type", "visibility", "classification", "format", "language", "defaultLanguage",
         "difficultyLevel", "targetAudience", "redirectMethod", "customQuestionTimerType", "color", "status",
         "testTypeName", "testLibraryTypeName", "input", "output", "assessmentStatus", "event", "database", "level",
         "_type", "ai_reviewed", "state", "prev_state", "candidateStatus", "candidateStage", "description",
         "added_label", "removed_label", "topics", "labels", "remarks", "startIPAddress", "recentLongitude", "device",
         "browserName", "country", "state"}
# Vendor constants: Talview's pending report URL and zero interval, Testlify v1's "null" string.
# Grading bands and test types are vocabulary found under the generic key `name`.
CONSTANTS = {"00:00:00", "https://reports.talview.com/pending", "null", "NOT_SUITABLE", "BEGINNER", "INTERMEDIATE",
             "EXPERIENCED", "EXPERT", "PROFICIENT", "Situational Judgement"}
checked = 0
for row in catalog:
    vendor, event = row["vendor"], row["event"]
    schema_path = os.path.join(root, "Schemas", vendor, event + ".schema.json")
    schema = json.load(open(schema_path, encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    jsonschema.Draft202012Validator.check_schema(schema)
    example = json.load(open(os.path.join(examples, row["example"] + ".json"), encoding="utf-8"))
    own = "exampleNote" not in row
    if own:
        for e in validator.iter_errors(example):
            failures.append("%s %s: example: %s at %s" % (vendor, event, e.message, e.json_path))
    copied_from = {s for k, s in strings(example) if k not in VOCAB and len(s) >= 4}
    variants = [[]] + [["--quirk", q["quirk"]] for q in quirks
                       if q["vendor"] == vendor and not q["always"] and event in q["events"]]
    if event in PRECEDING:
        variants.append(["--after", ",".join(PRECEDING[event])])
    for seed in range(1, seeds + 1):
        for variant in variants:
            body = emit(vendor, event, "--seed", str(seed), *variant)
            if body is None:
                continue
            checked += 1
            for e in validator.iter_errors(body):
                failures.append("%s %s seed %d %s: %s at %s" % (vendor, event, seed, variant, e.message, e.json_path))
            if own and not variant:
                problems = []
                shape(body, example, "$", problems)
                for p in problems:
                    failures.append("%s %s seed %d: shape: %s" % (vendor, event, seed, p))
            for k, s in strings(body):
                if k not in VOCAB and s not in CONSTANTS and s in copied_from:
                    failures.append("%s %s seed %d: copied example value %r at key %s" % (vendor, event, seed, s, k))
unique = sorted(set(failures))
for f in unique[:80]:
    print(f)
print("%d payloads checked, %d problems" % (checked, len(unique)))
sys.exit(1 if unique else 0)
