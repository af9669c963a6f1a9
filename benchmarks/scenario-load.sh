#!/usr/bin/env bash
# Times `proctor check` on a generated 5,000-step scenario (release build).
# Usage: benchmarks/scenario-load.sh [STEPS]
set -euo pipefail

steps="${1:-5000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
file="$work/scenario-load.yaml"

{
    echo "scenario: load-benchmark"
    echo "vendor: testlify"
    echo "seed: 1"
    echo "defaults:"
    echo "  timeout: 5s"
    echo "  expect: { status: 2xx }"
    echo "actors:"
    echo "  count: 100"
    echo "  jane: { first_name: Jane, email: jane@example.com }"
    echo "steps:"
    # A lifecycle the catalog accepts, then score updates.
    echo "  - lifecycle: [invited, enrolled, in_progress, completed]"
    for ((i = 0; i < steps - 4; i++)); do
        echo "  - send: candidate.score_updated"
        echo "    id: s$i"
        echo "    after: 10ms"
        if ((i > 0)); then
            echo "    with: { data.scores.totalScore: $((i % 100)), data.previous: \"{{steps.s$((i - 1)).payload.data.scores.totalScore}}\" }"
        fi
        echo "    expect: { status: [200, 202], within: 1s, headers: { Content-Type: /json/ } }"
    done
} >"$file"

echo "generated $steps steps ($(wc -c <"$file") bytes) in $file" >&2
swift build -c release --product proctor --package-path "$root" >&2
binary="$(swift build -c release --show-bin-path --package-path "$root")/proctor"

if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 1 "$binary check $file"
else
    best=""
    for run in 1 2 3 4 5; do
        start=$(date +%s%N)
        "$binary" check "$file" >/dev/null 2>&1
        end=$(date +%s%N)
        ms=$(((end - start) / 1000000))
        if [[ -z "$best" || "$ms" -lt "$best" ]]; then best="$ms"; fi
    done
    # CPU time matters on a shared machine, where wall time includes waiting for a core.
    read -r user sys rss < <(/usr/bin/time -f "%U %S %M" "$binary" check "$file" 2>&1 >/dev/null | tail -1)
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
    echo "proctor check, $steps steps: best wall time of 5 runs ${best} ms; CPU ${cpu} ms; max RSS ${rss} KB"
fi
