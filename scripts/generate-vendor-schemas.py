#!/usr/bin/env python3
"""Writes Schemas/<vendor>/<event>.schema.json (JSON Schema 2020-12), one per vendor event.

Talview's schemas are the vendor's Payload Type Showcase, read from TALVIEW_TYPES_DIR
(talview__EVENT.schema.json) when given, else from Schemas/talview/ itself (rewriting them is
idempotent). The others are derived from the reference examples: every key of the example is
required unless its presence is a quirk; a key is nullable when the vendor sends it as null in
any example or when the vendor sends it before a value exists (listed below); vocabulary fields
carry enums.
Usage: scripts/generate-vendor-schemas.py [EXAMPLES_DIR [TALVIEW_TYPES_DIR]]
EXAMPLES_DIR defaults to the examples in the repository, Sources/ProctorVendors/Templates/ReferenceExamples.
"""
import copy
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
examples_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "Sources/ProctorVendors/Templates/ReferenceExamples")
talview_types = sys.argv[2] if len(sys.argv) > 2 else None

V1_STAGES = ["Invited For Assessment", "Enrolled For Assessment", "Assessment Completed", "Rejected",
             "Request Expired For Assessment", "Invited For Interview"]
STATUSES = ["INVITED", "ENROLLED", "IN_PROGRESS", "COMPLETED", "DISQUALIFIED", "REJECTED", "INVITATION_EXPIRED"]
ENUMS = {
    "testlify": {
        "candidateStatus": STATUSES,
        "candidateStage": [s.upper().replace(" ", "_") for s in V1_STAGES] + ["ASSESSMENT_INCOMPLETE"],
        "classification": None, "assessmentStatus": ["DRAFT", "PUBLISHED", "SUBSCRIBED"],
    },
    "testlify-v1": {
        "candidateStatus": STATUSES, "candidateStage": V1_STAGES, "classification": None,
        "assessmentStatus": ["DRAFT", "PUBLISHED", "SUBSCRIBED"],
    },
    "qualified": {
        "_type": ["CodeSolution", "QuizSolution", "AdvancedCodeSolution", "CodeChallenge", "QuizChallenge",
                  "AdvancedCodeChallenge"],
    },
}
# Sent as null before a value exists (not yet completed, not yet reported).
EXTRA_NULLABLE = {"testlify": {"completedAt", "resultLink"}, "testlify-v1": set(), "qualified": set()}

EVENTS = {
    "testlify": ["candidate." + e for e in ["invited", "enrolled", "in_progress", "completed", "disqualified",
                 "rejected", "invitation_expired", "invited_for_interview", "score_updated"]]
                + ["assessment." + e for e in ["created", "updated", "deleted", "archived"]],
    "testlify-v1": ["candidate." + e for e in ["invited", "enrolled", "in_progress", "completed", "disqualified",
                    "invitation_expired", "score_updated"]]
                   + ["assessment." + e for e in ["created", "updated", "deleted", "archived"]],
}


def load(name):
    with open(os.path.join(examples_dir, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def observed_types(vendor):
    """key -> set of JSON types seen for it in any of the vendor's examples."""
    seen = {}

    def walk(v, key):
        if key is not None:
            seen.setdefault(key, set()).add(json_type(v))
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, k)
        elif isinstance(v, list):
            for x in v:
                walk(x, key)

    for name in os.listdir(examples_dir):
        if name.startswith(vendor + "__"):
            walk(load(name[:-5]), None)
    return seen


def merge(a, b):
    if a == b:
        return a
    if a.get("type") == "object" and b.get("type") == "object":
        props = dict(a["properties"])
        for k, v in b["properties"].items():
            props[k] = merge(props[k], v) if k in props else v
        req = [k for k in a.get("required", []) if k in b.get("required", [])]
        return {"type": "object", "properties": props, "required": req}
    return {"anyOf": [a, b]} if "anyOf" not in a else {"anyOf": a["anyOf"] + [b]}


def schema_for(v, key, vendor, types, nullable_keys):
    t = json_type(v)
    enums = ENUMS.get(vendor, {})
    if isinstance(v, dict):
        s = {"type": "object", "properties": {k: schema_for(x, k, vendor, types, nullable_keys) for k, x in v.items()},
             "required": list(v.keys())}
    elif isinstance(v, list):
        s = {"type": "array"}
        if v:
            item = schema_for(v[0], key, vendor, types, nullable_keys)
            for x in v[1:]:
                item = merge(item, schema_for(x, key, vendor, types, nullable_keys))
            s["items"] = item
    elif v is None:
        others = sorted(types.get(key, set()) - {"null"})
        s = {"type": others + ["null"]} if others and "object" not in others and "array" not in others else {}
        if "array" in others:
            s = {"type": ["array", "null"], "items": {"type": "string"}}
    else:
        s = {"type": t}
        if key in enums and t == "string":
            if enums[key] is not None:
                s["enum"] = enums[key]
        if key in nullable_keys or "null" in types.get(key, set()):
            s["type"] = [t, "null"]
            if "enum" in s:
                s["enum"] = s["enum"] + [None]
    return s


def write(vendor, event, schema):
    d = os.path.join(root, "Schemas", vendor)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, event + ".schema.json"), "w", encoding="utf-8") as f:
        json.dump(schema, f, indent=2, ensure_ascii=False)
        f.write("\n")


def header(vendor, event, note):
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://proctor.dev/schemas/%s/%s.schema.json" % (vendor, event),
            "title": "%s %s webhook payload" % (vendor, event), "description": note}


# Talview: the vendor's type showcase.
for event in ["ae.test_instance.created", "ae.test_instance.updated"]:
    showcase = (os.path.join(talview_types, "talview__%s.schema.json" % event) if talview_types
                else os.path.join(root, "Schemas", "talview", "%s.schema.json" % event))
    with open(showcase, encoding="utf-8") as f:
        s = json.load(f)
    s["$id"] = "https://proctor.dev/schemas/talview/%s.schema.json" % event
    if "old" in s["properties"]:
        # The showcase types `old` as Partial<{id, score, updated_at, updated_by}>: closed.
        s["properties"]["old"]["additionalProperties"] = False
    write("talview", event, s)
    classic = s

    # The flat version: the newer pages' shape (see NOTES.md), derived from the showcase.
    f = copy.deepcopy(classic)
    f["$id"] = "https://proctor.dev/schemas/talview/flat/%s.schema.json" % event
    f["title"] = "Talview %s webhook payload, flat version" % event
    f["description"] = (
        "The flatter shape of the newer pages (docs.talview.com/graph-api-reference/webhooks/ae/"
        "test-instance-*), derived from the showcase schema: instance_status and the ids of the "
        "related records (candidate, catalog_assessment, measurement, session instance, workflow "
        "candidate step) added after external_id; score number or null; no tenant_id; candidate "
        "without is_active, old_id and tenant_id; assessment without configuration_id and created_by. "
        "Closed like the showcase schema, so that the other version fails it.")
    added = {"instance_status": {"type": "string"}, "candidate_id": {"type": "number"},
             "catalog_assessment_id": {"type": "number"}, "measurement_id": {"type": "number"},
             "session_instance_id": {"type": "number"}, "workflow_candidate_step_id": {"type": "number"}}
    properties = {}
    for key, value in f["properties"].items():
        if key == "tenant_id":
            continue
        properties[key] = value
        if key == "external_id":
            properties.update(added)
    properties["score"] = {"type": ["number", "null"]}
    candidate = properties["candidate"]
    for key in ["is_active", "old_id", "tenant_id"]:
        candidate["properties"].pop(key, None)
    candidate["required"] = [k for k in candidate["required"] if k in candidate["properties"]]
    assessment = properties["catalog_assessment"]["properties"]["assessment"]
    for key in ["configuration_id", "created_by"]:
        assessment["properties"].pop(key, None)
    assessment["required"] = [k for k in assessment["required"] if k in assessment["properties"]]
    f["properties"] = properties
    required = [k for k in f["required"] if k in properties]
    f["required"] = required[:required.index("external_id") + 1] + list(added) + required[required.index("external_id") + 1:]
    write("talview/flat", event, f)

    # The open variant, for live deliveries whichever shape they take: no additionalProperties
    # anywhere, required only what both versions require, score nullable.
    def opened(a, b):
        if not isinstance(a, dict):
            return a
        out = {}
        for key, value in a.items():
            if key == "additionalProperties":
                continue
            if key == "properties":
                other = (b or {}).get("properties", {})
                out[key] = {k: opened(v, other.get(k)) for k, v in value.items()}
                for k, v in other.items():
                    out[key].setdefault(k, opened(v, None))
            elif key == "required":
                out[key] = [k for k in value if b is None or k in b.get("required", [])]
            else:
                out[key] = value
        return out
    o = opened(classic, f)
    o["properties"]["score"] = {"type": ["number", "null"]}
    o["$id"] = "https://proctor.dev/schemas/talview/open/%s.schema.json" % event
    o["title"] = "Talview %s webhook payload, either version, open" % event
    o["description"] = (
        "For validating live deliveries: the showcase schema and the flat version's merged, with "
        "every object open (no additionalProperties) and only the keys both versions require "
        "required; score number or null.")
    write("talview/open", event, o)

# Testlify (v2 and v1).
for vendor in ["testlify", "testlify-v1"]:
    types = observed_types(vendor)
    anti = load("testlify-v1__candidate.in_progress")["data"]["antiCheatingMonitor"]
    for event in EVENTS[vendor]:
        own = os.path.exists(os.path.join(examples_dir, "%s__%s.json" % (vendor, event)))
        example = load("%s__%s" % (vendor, event)) if own else load("testlify__assessment.archived")
        s = schema_for(example, None, vendor, types, EXTRA_NULLABLE[vendor])
        body_event = event.split(".")[1]
        if vendor == "testlify-v1" and event in ("candidate.invited", "candidate.score_updated"):
            body_event = "candidateStatusChanged"
        if "event" in s["properties"]:
            s["properties"]["event"] = {"const": body_event}
        if "type" in s["properties"]:
            s["properties"]["type"] = {"const": event.split(".")[0]}
        data = s["properties"]["data"]
        if vendor == "testlify" and event.startswith("assessment."):
            data["properties"]["status"]["properties"]["assessmentStatus"]["enum"] = ["DRAFT", "PUBLISHED", "SUBSCRIBED"]
        if vendor == "testlify-v1" and event.startswith("candidate."):
            anti_schema = schema_for(anti, "antiCheatingMonitor", vendor, types, set())
            data["properties"]["antiCheatingMonitor"] = {"anyOf": [{"type": "string"}, anti_schema]}
            data["required"] = [k for k in data["required"] if k != "antiCheatingMonitor"]
            if event != "candidate.invitation_expired":
                data["properties"]["resultLink"] = {"type": ["string", "null"]}
                data["required"] = [k for k in data["required"] if k != "resultLink"]
                s["properties"]["timestamp"] = {"type": "integer"}
                s["required"] = [k for k in s["required"] if k != "timestamp"]
        note = ("Derived from the reference example %s__%s." % (vendor, event)) if own else \
            "The vendor shows the assessment.archived example for every assessment event; derived from it."
        out = header(vendor, event, note)
        out.update(s)
        write(vendor, event, out)

# Qualified.
types = observed_types("qualified")
for name in sorted(os.listdir(examples_dir)):
    if not name.startswith("qualified__"):
        continue
    event = name[len("qualified__"):-5]
    example = load(name[:-5])
    s = schema_for(example, None, "qualified", types, set())
    s["properties"]["event"] = {"const": event}
    for k in ("labels",):
        if k in s["properties"]["data"]["properties"]:
            s["properties"]["data"]["properties"][k] = {"type": ["array", "null"], "items": {"type": "string"}}
    out = header("qualified", event, "Derived from the reference example qualified__%s; see reference/qualified.md." % event)
    out.update(s)
    write("qualified", event, out)
print("schemas written")
