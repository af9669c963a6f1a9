#!/usr/bin/env bash
# Load-mode benchmark: `proctor load` against wrk on the same machine and receiver.
#
# Starts nginx (`return 204`) on 127.0.0.1:$PORT with its own temporary config and pid file,
# then measures, in one run:
#   1. wrk, $CONNECTIONS connections, one static body of the proctor bodies' mean size and the
#      same headers with static values (lua script);
#   2. proctor load, closed model, $CONNECTIONS connections, signed Testlify candidate events;
#   3. proctor load, open model at 50% of wrk's requests/s: achieved rate and corrected p99
#      against uncorrected p99 (the median of OPEN_REPEAT runs);
#   4. proctor load of 1,000,000 events: maximum resident memory (/usr/bin/time -v);
#   5. HTTPS: wrk and proctor load (closed model) against the same nginx over TLS (a self-signed
#      certificate made for the run; proctor trusts it with --ca-file), next to plain HTTP.
# Installs nginx and wrk from the Debian packages when missing. Traffic goes to 127.0.0.1 only.
#
# Environment: PORT (18480; HTTPS on PORT+1), CONNECTIONS (32), DURATION seconds per timed run (10),
# REPEAT alternating wrk/proctor pairs, medians reported (5), OPEN_REPEAT open-model runs (5),
# EVENTS (the Testlify candidate lifecycle), NGINX_WORKERS (auto), WRK_THREADS (2),
# PROCTOR_THREADS (0: one per core), MILLION (1000000 events for the memory run; 0 skips it),
# PROCTOR (a built binary; default: release build of this package), TLS (1; 0 skips the HTTPS runs).
set -euo pipefail

PORT=${PORT:-18480}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10}
REPEAT=${REPEAT:-5}
OPEN_REPEAT=${OPEN_REPEAT:-5}
EVENTS=${EVENTS:-candidate.invited,candidate.enrolled,candidate.in_progress,candidate.completed}
NGINX_WORKERS=${NGINX_WORKERS:-auto}
WRK_THREADS=${WRK_THREADS:-2}
PROCTOR_THREADS=${PROCTOR_THREADS:-0}
MILLION=${MILLION:-1000000}
TLS=${TLS:-1}
TLS_PORT=$((PORT + 1))
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL="http://127.0.0.1:${PORT}/hooks"
SECRET="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "installing $2 (Debian package)" >&2
    if [ "$(id -u)" = 0 ]; then
        (apt-get install -y -qq "$2" >/dev/null 2>&1) || (apt-get update -qq && apt-get install -y -qq "$2" >/dev/null)
    else
        sudo apt-get install -y -qq "$2" >/dev/null
    fi
}
need nginx nginx
need wrk wrk
need python3 python3-minimal
[ -x /usr/bin/time ] || need /usr/bin/time time

WORK=$(mktemp -d)
cleanup() {
    if [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
    sleep 0.2
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# --- receiver -------------------------------------------------------------------------------
cat >"$WORK/nginx.conf" <<NGINX
worker_processes ${NGINX_WORKERS};
pid ${WORK}/nginx.pid;
error_log ${WORK}/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path ${WORK}/body;
    proxy_temp_path ${WORK}/proxy;
    fastcgi_temp_path ${WORK}/fastcgi;
    uwsgi_temp_path ${WORK}/uwsgi;
    scgi_temp_path ${WORK}/scgi;
    client_body_buffer_size 64k;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:${PORT} reuseport;
        location / { return 204; }
    }
    server {
        listen 127.0.0.1:${TLS_PORT} ssl reuseport;
        ssl_certificate ${WORK}/tls.crt;
        ssl_certificate_key ${WORK}/tls.key;
        location / { return 204; }
    }
}
NGINX
# A certificate for 127.0.0.1, made for this run.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
nginx -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/error.log"
for _ in $(seq 50); do [ -f "$WORK/nginx.pid" ] && break; sleep 0.1; done

# --- proctor --------------------------------------------------------------------------------
if [ -z "${PROCTOR:-}" ]; then
    (cd "$ROOT" && swift build -c release --product proctor >/dev/null)
    PROCTOR="$ROOT/.build/release/proctor"
fi
STEPS=$(echo "$EVENTS" | tr ',' '\n' | wc -l)

json() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

proctor_load() {  # report path, then flags; with CPU_FILE set, its user and system seconds go there
    local report=$1
    shift
    /usr/bin/time -f "%U %S" -o "${CPU_FILE:-/dev/null}" timeout $((DURATION * 4 + 120)) "$PROCTOR" load --vendor testlify --events "$EVENTS" --secret "$SECRET" \
        --target "${TARGET_URL:-$URL}" --connections "$CONNECTIONS" --threads "$PROCTOR_THREADS" --progress none \
        --report "json=$report" "$@" >"$report.txt"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "receiver: nginx ${NGINX_WORKERS} worker(s), return 204, ${URL}"

# Warm-up (connections, page cache, CPU frequency) and the proctor bodies' mean size.
proctor_load "$WORK/warm.json" --concurrency "$CONNECTIONS" --duration 2s
BODY=$(json "$WORK/warm.json" "r['counters']['bodyBytes'] // r['counters']['sent']")
# Proctor's start-up CPU (building the payload pool, writing the report): one actor's run.
CPU_FILE="$WORK/start.cpu" proctor_load "$WORK/start.json" --concurrency 1 --actors 1
P_START=$(python3 -c "import sys; print(sum(map(float, open(sys.argv[1]).read().split())))" "$WORK/start.cpu")
# What one signature costs on this machine: HMAC-SHA256 over a body of that size (openssl's
# SHA-NI/AVX code, the same BoringSSL lineage proctor signs with), in microseconds.
SIGN_US=$(openssl speed -seconds 2 -bytes "$BODY" -hmac sha256 2>/dev/null | awk '/^hmac\(sha256\)/ {v = $NF; sub(/k$/, "", v); printf "%.2f", '"$BODY"' / (v * 1000) * 1e6}')

# 1. wrk with a static body of the same size.
cat >"$WORK/body.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "Svix-Webhooks/1.76.1 (sender-testlify; +https://www.svix.com/http-sender/)"
wrk.headers["svix-id"] = "msg_2LJKjjGsaW8fS1ZU7j3Vb5mzEeT"
wrk.headers["svix-timestamp"] = "1763900000"
wrk.headers["svix-signature"] = "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="
wrk.body = string.rep("x", ${BODY})
LUA
# 1 and 2 alternate REPEAT times (machine noise hits both alike); the medians are reported.
WRK_ALL=""
P_ALL=""
: >"$WORK/wrk.rows"
: >"$WORK/proctor.rows"
: >"$WORK/wrk.cpu.rows"
: >"$WORK/proctor.cpu.rows"
for i in $(seq "$REPEAT"); do
    /usr/bin/time -f "%U %S" -o "$WORK/wrk.cpu" timeout $((DURATION + 30)) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" \
        -d"${DURATION}s" --latency -s "$WORK/body.lua" "$URL" >"$WORK/wrk.txt"
    echo "$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt") $(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt") $(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")" >>"$WORK/wrk.rows"
    python3 -c "import sys; u, s = map(float, open(sys.argv[1]).read().split()); print('%.2f' % ((u + s) * 1e6 / int(sys.argv[2])))" \
        "$WORK/wrk.cpu" "$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")" >>"$WORK/wrk.cpu.rows"
    CPU_FILE="$WORK/proctor.cpu" proctor_load "$WORK/closed.json" --concurrency "$CONNECTIONS" --duration "${DURATION}s"
    json "$WORK/closed.json" "'%d %.2fms %.2fms %d' % (round(r['summary']['requestsPerSecond']), r['summary']['corrected']['p50_us'] / 1000, r['summary']['corrected']['p99_us'] / 1000, sum(r['counters']['errors'].values()))" >>"$WORK/proctor.rows"
    python3 -c "import sys, json; u, s = map(float, open(sys.argv[1]).read().split()); print('%.2f' % ((u + s - float(sys.argv[3])) * 1e6 / json.load(open(sys.argv[2]))['counters']['sent']))" \
        "$WORK/proctor.cpu" "$WORK/closed.json" "$P_START" >>"$WORK/proctor.cpu.rows"
done
median_row() { sort -n -k1,1 "$1" | sed -n "$(( (REPEAT + 1) / 2 ))p"; }
read -r WRK_RPS WRK_P50 WRK_P99 < <(median_row "$WORK/wrk.rows")
read -r P_RPS P_P50 P_P99 P_ERR < <(median_row "$WORK/proctor.rows")
WRK_ALL=$(awk '{printf "%s%d", (NR > 1 ? ", " : ""), $1}' "$WORK/wrk.rows")
P_ALL=$(awk '{printf "%s%d", (NR > 1 ? ", " : ""), $1}' "$WORK/proctor.rows")
RATIO=$(python3 -c "print('%.2f' % ($P_RPS / $WRK_RPS))")
median_of() { sort -n "$1" | sed -n "$(( (REPEAT + 1) / 2 ))p"; }
WRK_CPU=$(median_of "$WORK/wrk.cpu.rows")
P_CPU=$(median_of "$WORK/proctor.cpu.rows")
# A sender that cost exactly wrk's CPU per request plus the signature: with every core busy
# (sender and receiver), a request costs the pair CORES / wrk's rate, so such a sender reaches
# that / (that + signature) of wrk's rate.
CORES=$(nproc)
SIGN_BOUND=$(python3 -c "pair = $CORES * 1e6 / $WRK_RPS; print('%.2f' % (pair / (pair + $SIGN_US)))")

# 3. proctor, open model at half of wrk's maximum (requests/s; each actor sends $STEPS events).
TARGET_RPS=$(python3 -c "print(round($WRK_RPS * 0.5))")
ACTOR_RATE=$(python3 -c "print('%.3f' % ($TARGET_RPS / $STEPS))")
# Steady state: the whole intervals after the first second and before the arrivals end.
steady() {
    python3 - "$1" "$TARGET_RPS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); target = float(sys.argv[2])
rows, prev = [], 0.0
for i in r["timeline"]:
    span = i["end"] - prev
    if prev >= 1.0 and i["end"] <= r["arrivalSeconds"] and span > 0.5:
        rows.append((i["responses"], span))
    prev = i["end"]
total = sum(n for n, _ in rows); secs = sum(s for _, s in rows)
mean = total / secs if secs else 0
worst = max((abs(n / s - target) / target for n, s in rows), default=0)
print("%d %.2f%% %.2f%% %d" % (round(mean), abs(mean - target) * 100 / target, worst * 100, len(rows)))
PY
}
# OPEN_REPEAT runs (a neighbour's burst on a shared machine shows in one run's p99); the run
# with the median corrected/uncorrected p99 ratio is reported, with every run's ratio.
: >"$WORK/open.rows"
for i in $(seq "$OPEN_REPEAT"); do
    proctor_load "$WORK/open$i.json" --rate "${ACTOR_RATE}/s" --duration "${DURATION}s" --max-in-flight 100000
    json "$WORK/open$i.json" "'%.4f %d' % (r['summary']['corrected']['p99_us'] / max(1, r['summary']['uncorrected']['p99_us']), $i)" >>"$WORK/open.rows"
done
O_ALL=$(awk '{printf "%s%.2f", (NR > 1 ? ", " : ""), $1}' "$WORK/open.rows")
O_RUN=$(sort -n -k1,1 "$WORK/open.rows" | sed -n "$(( (OPEN_REPEAT + 1) / 2 ))p" | cut -d' ' -f2)
OPEN="$WORK/open${O_RUN}.json"
read -r O_RPS O_DEV O_WORST O_N < <(steady "$OPEN")
O_ACTORS=$(json "$OPEN" "'%.1f' % r['summary']['achievedActorsPerSecond']")
O_P99=$(json "$OPEN" "'%.2fms' % (r['summary']['corrected']['p99_us'] / 1000)")
O_UP99=$(json "$OPEN" "'%.2fms' % (r['summary']['uncorrected']['p99_us'] / 1000)")
O_DROP=$(json "$OPEN" "r['counters']['dropped']")

# 4. 1,000,000 events, maximum resident memory.
if [ "$MILLION" -gt 0 ]; then
    ACTORS=$(( (MILLION + STEPS - 1) / STEPS ))
    /usr/bin/time -v -o "$WORK/time.txt" "$PROCTOR" load --vendor testlify --events "$EVENTS" --secret "$SECRET" \
        --target "$URL" --connections "$CONNECTIONS" --threads "$PROCTOR_THREADS" --concurrency "$CONNECTIONS" \
        --actors "$ACTORS" --progress none --report "json=$WORK/million.json" >"$WORK/million.txt"
    M_SENT=$(json "$WORK/million.json" "r['counters']['sent']")
    M_RSS=$(awk -F: '/Maximum resident/ {printf "%.1f MB", $2 / 1024}' "$WORK/time.txt")
    M_RPS=$(json "$WORK/million.json" "round(r['summary']['requestsPerSecond'])")
fi

# 5. HTTPS next to plain HTTP: one wrk and one proctor run each.
if [ "$TLS" -gt 0 ]; then
    TLS_URL="https://127.0.0.1:${TLS_PORT}/hooks"
    timeout $((DURATION + 30)) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/body.lua" "$TLS_URL" >"$WORK/wrk-tls.txt"
    T_WRK=$(awk '/Requests\/sec/ {printf "%d", $2}' "$WORK/wrk-tls.txt")
    TARGET_URL="$TLS_URL" proctor_load "$WORK/tls.json" --concurrency "$CONNECTIONS" --duration "${DURATION}s" \
        --ca-file "$WORK/tls.crt"
    read -r T_RPS T_P50 T_P99 T_ERR < <(json "$WORK/tls.json" "'%d %.2fms %.2fms %d' % (round(r['summary']['requestsPerSecond']), r['summary']['corrected']['p50_us'] / 1000, r['summary']['corrected']['p99_us'] / 1000, sum(r['counters']['errors'].values()))")
fi

echo
echo "body: ${BODY} bytes (mean of the signed Testlify bodies; wrk sends one static body of that size, same headers)"
echo "connections: ${CONNECTIONS}; wrk -t${WRK_THREADS}; proctor --threads ${PROCTOR_THREADS} (0 = one per core); ${DURATION}s per run"
echo
printf '%-44s %12s %10s %10s\n' "run (median of ${REPEAT})" "requests/s" "p50" "p99"
printf '%-44s %12s %10s %10s\n' "wrk (static body)" "$WRK_RPS" "$WRK_P50" "$WRK_P99"
printf '%-44s %12s %10s %10s\n' "proctor load --concurrency ${CONNECTIONS} (signed)" "$P_RPS" "$P_P50" "$P_P99"
echo "proctor / wrk requests/s: ${RATIO} (target: at least 0.90)   (proctor errors: ${P_ERR})"
echo "  all runs: wrk ${WRK_ALL}; proctor ${P_ALL}"
echo "  CPU per request (user + system, median): wrk ${WRK_CPU} us; proctor ${P_CPU} us (start-up ${P_START} s taken out)"
echo "  one HMAC-SHA256 signature of a ${BODY}-byte body: ${SIGN_US} us (openssl speed); a sender costing wrk's"
echo "  CPU plus that signature would reach ${SIGN_BOUND} of wrk (${CORES} cores shared by sender and receiver)"
echo
echo "constant rate at 50% of wrk: requested ${TARGET_RPS} req/s (${ACTOR_RATE} actors/s x ${STEPS} events)"
echo "  achieved ${O_RPS} responses/s over ${O_N} steady 1-s intervals: mean off by ${O_DEV}, worst interval off by ${O_WORST}"
echo "  actor arrivals ${O_ACTORS}/s, dropped ${O_DROP}"
echo "  corrected p99 ${O_P99}, uncorrected p99 ${O_UP99}: corrected / uncorrected $(python3 -c "print('%.2f' % (float('${O_P99%ms}') / float('${O_UP99%ms}')))") (target: at most 2)"
echo "  (median of ${OPEN_REPEAT} runs by that ratio; all runs: ${O_ALL})"
if [ "$MILLION" -gt 0 ]; then
    echo
    echo "1M-event run: ${M_SENT} requests at ${M_RPS} req/s, maximum resident set ${M_RSS} (target: under 100 MB)"
fi
if [ "$TLS" -gt 0 ]; then
    echo
    echo "HTTPS (nginx over TLS, ECDSA P-256; proctor through its TLS tunnel, --ca-file):"
    echo "  wrk ${T_WRK} req/s; proctor ${T_RPS} req/s (p50 ${T_P50}, p99 ${T_P99}, errors ${T_ERR})"
    echo "  proctor / wrk over HTTPS: $(python3 -c "print('%.2f' % (${T_RPS} / max(1, ${T_WRK})))"); proctor HTTPS / plain HTTP: $(python3 -c "print('%.2f' % (${T_RPS} / ${P_RPS}))")"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
