"""Validations per second of python-jsonschema and jsonschema-rs on the same benchmark cases."""
import json
import os
import sys
import time

import jsonschema
import jsonschema_rs


def measure(seconds, body, count):
    """Operations per second: the best of three rounds of seconds / 3 each."""
    body()
    best = 0.0
    for _ in range(3):
        operations = 0
        start = time.perf_counter()
        while True:
            body()
            operations += count
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / 3:
                break
        best = max(best, operations / elapsed)
    return best


seconds = float(sys.argv[1])
for folder in sys.argv[2:]:
    name = os.path.basename(folder.rstrip("/"))
    schema = json.load(open(os.path.join(folder, "schema.json")))
    lines = [line for line in open(os.path.join(folder, "instances.jsonl"), "rb").read().split(b"\n") if line]
    values = [json.loads(line) for line in lines]
    validators = {
        "python-jsonschema": jsonschema.Draft202012Validator(schema),
        "jsonschema-rs": jsonschema_rs.Draft202012Validator(schema),
    }
    for label, validator in validators.items():
        valid = sum(1 for v in values if validator.is_valid(v))
        from_values = measure(seconds, lambda: [validator.is_valid(v) for v in values], len(values))
        from_bytes = measure(seconds, lambda: [validator.is_valid(json.loads(b)) for b in lines], len(lines))
        print(json.dumps({"case": name, "validator": label, "valid": valid, "instances": len(values),
                          "values_per_sec": int(from_values), "bytes_per_sec": int(from_bytes)}))
