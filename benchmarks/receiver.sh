#!/usr/bin/env bash
# Reference receiver under abuse: `proctor serve` with its default limits against
#   1. EVENTS signed Testlify events (load mode's pooled payloads: many candidate ids sharing 64
#      emails, so few candidates with long histories), then EVENTS Qualified events (each about a
#      new candidate), in batches of a quarter: resident memory after each batch and at its peak,
#      the candidates held, and the size of GET /events and GET /candidates;
#   2. HOLD idle connections against --max-connections 1024: how many the server accepts, the
#      answer time of /health on a kept-alive connection opened before them, the server's CPU
#      while they are held, and whether a connection past the cap is answered before and after
#      the held ones close;
#   3. SLOW slowloris connections sending a header line every 2 s: when the server closes them;
#   4. SIGTERM and SIGINT with SLOW partial bodies and SLOW half-sent heads held: time to exit.
# Traffic goes to 127.0.0.1 only; every server it starts is stopped.
#
# Environment: EVENTS (200000), HOLD (2000; each is a file descriptor of this shell's ulimit -n),
# SLOW (200), PROCTOR (a built binary; default: release build of this package).
set -euo pipefail

EVENTS=${EVENTS:-200000}
HOLD=${HOLD:-2000}
SLOW=${SLOW:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${PROCTOR:-}" ]; then
    (cd "$ROOT" && swift build -c release --product proctor >/dev/null)
    PROCTOR="$ROOT/.build/release/proctor"
fi
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }
[ -r /proc/self/status ] || { echo "reads /proc: Linux only" >&2; exit 2; }

exec python3 "$ROOT/benchmarks/receiver_clients.py" "$PROCTOR" "$EVENTS" "$HOLD" "$SLOW"
