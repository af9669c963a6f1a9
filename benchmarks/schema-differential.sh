#!/usr/bin/env bash
# Differential test of the JSON Schema validator: random schema and instance pairs (seeded)
# through `proctor schema validate` and python-jsonschema; prints how often they agree and the
# disagreements, the first ones reduced to the keywords that still disagree.
#
#   benchmarks/schema-differential.sh [SCHEMAS [INSTANCES [SEED]]]     (default 400 8 1)
#
# Environment: PROCTOR (a built proctor; default: the debug build, built if needed), PYTHON
# (python3). Installs jsonschema with pip when it is missing. Not part of `swift test` or CI:
# python-jsonschema differs from the specification in places (see the output), so a
# disagreement is something to look at, not a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
schemas=${1:-400}
instances=${2:-8}
seed=${3:-1}

"$python" -c "import jsonschema" 2>/dev/null || "$python" -m pip install --quiet jsonschema

if [ -n "${PROCTOR:-}" ]; then
  proctor=$PROCTOR
else
  swift build --product proctor >&2
  proctor=$(swift build --show-bin-path)/proctor
fi

"$python" benchmarks/schema_differential.py "$proctor" --schemas "$schemas" --instances "$instances" \
  --seed "$seed"
