#!/usr/bin/env python3
"""Checks Schemas/scenario.schema.json against the scenario sample corpus and Scenarios/.

Every sample in Tests/ProctorScenarioTests/Fixtures/schema-samples/valid must validate, every one
in .../invalid must not, and every Scenarios/*.yaml must validate. Needs PyYAML and jsonschema.

Usage: scripts/check-scenario-schema.py
"""
import glob
import json
import os
import re
import sys

import yaml
from jsonschema import Draft202012Validator

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
schema = json.load(open(os.path.join(root, "Schemas/scenario.schema.json")))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)


class CoreSchemaLoader(yaml.SafeLoader):
    """PyYAML follows YAML 1.1; drop its yes/no/on/off booleans and timestamps (YAML 1.2 core)."""


CoreSchemaLoader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

samples = os.path.join(root, "Tests/ProctorScenarioTests/Fixtures/schema-samples")
problems = 0
for kind in ("valid", "invalid"):
    for path in sorted(glob.glob(os.path.join(samples, kind, "*.yaml"))):
        errors = list(validator.iter_errors(yaml.load(open(path), Loader=CoreSchemaLoader)))
        if (not errors) != (kind == "valid"):
            problems += 1
            print(f"{os.path.relpath(path, root)}: expected {kind}; {[e.message for e in errors[:2]]}")
for path in sorted(glob.glob(os.path.join(root, "Scenarios/*.yaml"))):
    errors = list(validator.iter_errors(yaml.load(open(path), Loader=CoreSchemaLoader)))
    for error in errors:
        problems += 1
        print(f"{os.path.relpath(path, root)}: {error.message}")
print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
