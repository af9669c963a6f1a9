#!/usr/bin/env bash
# Validations per second of the Proctor JSON Schema validator next to python-jsonschema and
# jsonschema-rs, measured in the same run on the same instances.
#
#   benchmarks/schema-bench.sh [SECONDS_PER_MEASUREMENT]
#
# Environment: BENCH (a built proctor-schema-bench; default: a release build of this package),
# BASELINE (an older proctor-schema-bench, measured on the same instances in the same run, for
# before/after ratios), PYTHON (python3).
#
# Cases: the Talview reference payloads (../shared/reference), any Schemas/*/*.schema.json with a
# matching example, and a generated 50-property schema. Each case is measured from parsed values
# and from raw bytes (parse + validate).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared=${PROCTOR_SHARED:-$repo/../shared}
seconds=${1:-3}
python=${PYTHON:-python3}

python3_has() { "$python" -c "import $1" 2>/dev/null; }
python3_has jsonschema || { echo "python jsonschema is required (pip install jsonschema)" >&2; exit 2; }
python3_has jsonschema_rs || "$python" -m pip install --quiet jsonschema-rs

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" benchmarks/schema_bench_cases.py "$work/cases" "$repo" "$shared"
cases=("$work"/cases/*)

if [ -n "${BENCH:-}" ]; then
  bench=$BENCH
else
  swift build -c release --product proctor-schema-bench >&2
  bench=$(swift build -c release --show-bin-path)/proctor-schema-bench
fi

"$bench" --seconds "$seconds" "${cases[@]}" > "$work/proctor.jsonl"
if [ -n "${BASELINE:-}" ]; then
  "$BASELINE" --seconds "$seconds" "${cases[@]}" > "$work/baseline.jsonl"
fi
"$python" benchmarks/schema_bench_python.py "$seconds" "${cases[@]}" > "$work/python.jsonl"

"$python" - "$work/proctor.jsonl" "$work/python.jsonl" "$work/baseline.jsonl" <<'PY'
import json, os, sys
ours = {r["case"]: r for r in map(json.loads, open(sys.argv[1]))}
theirs = {}
for r in map(json.loads, open(sys.argv[2])):
    theirs.setdefault(r["case"], {})[r["validator"]] = r
print("| case | input | proctor (val/s) | python-jsonschema (val/s) | jsonschema-rs (val/s) | vs python | vs rs |")
print("|---|---|---:|---:|---:|---:|---:|")
for case, r in ours.items():
    if "error" in r:
        print("| %s | error: %s |" % (case, r["error"]))
        continue
    for mode, key in (("values", "values_per_sec"), ("bytes", "bytes_per_sec")):
        py = theirs.get(case, {}).get("python-jsonschema", {}).get(key)
        rs = theirs.get(case, {}).get("jsonschema-rs", {}).get(key)
        print("| %s | %s | %s | %s | %s | %s | %s |" % (
            case, mode, f"{r[key]:,}", f"{py:,}" if py else "-", f"{rs:,}" if rs else "-",
            "%.1fx" % (r[key] / py) if py else "-", "%.2fx" % (r[key] / rs) if rs else "-"))
    for label, other in theirs.get(case, {}).items():
        if other["valid"] != r["valid"]:
            print("| %s | note: %s finds %d valid, proctor %d |" % (case, label, other["valid"], r["valid"]))
# Ratios over all cases: lowest, median, and how many cases fall short of the targets
# (20x python-jsonschema, 1x jsonschema-rs).
print()
for mode, key in (("values", "values_per_sec"), ("bytes", "bytes_per_sec")):
    for label, target in (("python-jsonschema", 20.0), ("jsonschema-rs", 1.0)):
        ratios = sorted(r[key] / theirs[c][label][key] for c, r in ours.items()
                        if "error" not in r and theirs.get(c, {}).get(label, {}).get(key))
        if ratios:
            print("%s vs %s over %d cases: lowest %.2fx, median %.2fx, below %gx: %d" % (
                mode, label, len(ratios), ratios[0], ratios[len(ratios) // 2], target,
                sum(1 for x in ratios if x < target)))
if os.path.exists(sys.argv[3]):
    base = {r["case"]: r for r in map(json.loads, open(sys.argv[3]))}
    for mode, key in (("values", "values_per_sec"), ("bytes", "bytes_per_sec")):
        ratios = sorted(r[key] / base[c][key] for c, r in ours.items()
                        if "error" not in r and c in base and "error" not in base[c] and base[c].get(key))
        if ratios:
            print("%s vs baseline over %d cases: lowest %.2fx, median %.2fx, highest %.2fx" % (
                mode, len(ratios), ratios[0], ratios[len(ratios) // 2], ratios[-1]))
PY
