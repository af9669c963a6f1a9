#!/usr/bin/env bash
# Fuzzes Proctor's parsers with libFuzzer (AddressSanitizer on) and reports what it finds.
#
#   scripts/fuzz.sh TARGET|all [SECONDS]       SECONDS per target (default 60)
#   scripts/fuzz.sh list                       the targets and what each checks
#
# Targets: scenario, json, schema, http-response, verify-request (Sources/proctor-fuzz/).
# Builds the proctor-fuzz product with -sanitize=fuzzer,address into .build-fuzz (release), then
# runs each target for SECONDS from its seeds (fuzz/corpus/TARGET) and the corpus grown by
# earlier runs (.fuzz/TARGET/corpus), with fuzz/dictionaries/TARGET.dict. An input that crashes,
# breaks an invariant, runs longer than FUZZ_TIMEOUT seconds or uses more than FUZZ_RSS_MB is
# stored in .fuzz/findings/TARGET/ (crash-*, timeout-*, oom-*); the log of each run is
# .fuzz/TARGET/log. Prints executions per second and counts per target.
#
# Exit status: 0 nothing found, 1 a finding, 2 the build or a run failed otherwise.
#
# Environment: FUZZ_TIMEOUT (5), FUZZ_RSS_MB (2048), FUZZ_BINARY (a built proctor-fuzz: skip
# the build), FUZZ_FLAGS (more libFuzzer flags), PROCTOR_SHARED (../shared: when it holds the
# JSON Schema Test Suite, its cases are extra seeds of the schema target).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

targets=(scenario json schema http-response verify-request)
# Largest input libFuzzer makes, per target: the seeds' sizes with room to grow.
max_len() {
  case $1 in
    schema) echo 32768 ;;
    scenario | json) echo 16384 ;;
    *) echo 8192 ;;
  esac
}

usage() {
  echo "usage: scripts/fuzz.sh TARGET|all [SECONDS]    targets: ${targets[*]}" >&2
  exit 2
}

[ $# -ge 1 ] || usage
selection=$1
seconds=${2:-60}
[[ $seconds =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || usage
timeout=${FUZZ_TIMEOUT:-5}
rss=${FUZZ_RSS_MB:-2048}
shared=${PROCTOR_SHARED:-$repo/../shared}

if [ "$selection" = all ]; then
  selected=("${targets[@]}")
elif [ "$selection" = list ]; then
  selected=()
elif [[ " ${targets[*]} " == *" $selection "* ]]; then
  selected=("$selection")
else
  usage
fi

build_path=.build-fuzz
if [ -n "${FUZZ_BINARY:-}" ]; then
  binary=$FUZZ_BINARY
else
  # --sanitize fuzzer instruments the C targets (libyaml) and makes libFuzzer's main the entry
  # point. For Swift, one combined -sanitize=fuzzer,address: swiftc keeps only the last of several
  # -sanitize= flags, so SwiftPM's `--sanitize fuzzer --sanitize address` (in an order that varies
  # between runs) leaves out coverage or AddressSanitizer and rebuilds everything each time.
  build=(swift build --build-path "$build_path" -c release --product proctor-fuzz
    --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address
    -Xswiftc -DPROCTOR_LIBFUZZER)
  echo "== building proctor-fuzz with libFuzzer and AddressSanitizer: ${build[*]}"
  start=$(date +%s)
  build_log=$(mktemp)
  if ! "${build[@]}" > "$build_log" 2>&1; then
    # The linker's "Cannot export local symbol" lines about ASan internals are noise.
    grep -v "Cannot export local symbol" "$build_log" | tail -40 >&2
    rm -f "$build_log"
    echo "fuzz: the build failed" >&2
    exit 2
  fi
  # As in CI's main build, a warning in Proctor's own sources is an error (the fuzzing build
  # compiles code the other builds leave out).
  if grep -E "^/.*/Sources/.*warning:" "$build_log" | grep -v "/\.build" >&2; then
    rm -f "$build_log"
    echo "fuzz: compiler warnings in Proctor's sources" >&2
    exit 2
  fi
  rm -f "$build_log"
  echo "== built in $(($(date +%s) - start)) s"
  binary=$("${build[@]}" --show-bin-path)/proctor-fuzz
fi

if [ "$selection" = list ]; then
  "$binary" --help 2>&1 | sed -n '/^targets:/,$p'
  exit 0
fi

# Swift's backtracer would get in the way of libFuzzer's and ASan's reports. LeakSanitizer is
# off: Swift keeps enum case tags in the spare bits of pointers (JSONValue, the regex AST), so
# memory that a global still holds looks unreachable to it and every run "leaks".
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

# The JSON Schema Test Suite's cases as extra seeds (SCHEMA NUL INSTANCE), when it is beside the
# checkout; they stay out of the repository.
suite_seeds() {
  local out=.fuzz/schema/suite-seeds
  [ -d "$shared/json-schema-test-suite/tests/draft2020-12" ] || return 0
  [ -d "$out" ] && { echo "$out"; return 0; }
  mkdir -p "$out"
  python3 - "$shared/json-schema-test-suite/tests/draft2020-12" "$out" <<'PY' || { rm -rf "$out"; return 0; }
import json, os, sys
source, out = sys.argv[1], sys.argv[2]
count = 0
for root, _, files in os.walk(source):
    for name in sorted(files):
        if not name.endswith(".json"):
            continue
        for g, group in enumerate(json.load(open(os.path.join(root, name), encoding="utf-8"))):
            for t, test in enumerate(group["tests"][:2]):
                data = (json.dumps(group["schema"]) + "\0" + json.dumps(test["data"])).encode()
                open(os.path.join(out, "%s-%d-%d" % (name[:-5], g, t)), "wb").write(data)
                count += 1
PY
  echo "$out"
}

found=0
failed=0
summary=()
for target in "${selected[@]}"; do
  work=.fuzz/$target
  findings=.fuzz/findings/$target
  mkdir -p "$work/corpus" "$findings"
  seeds=("fuzz/corpus/$target")
  if [ "$target" = schema ]; then
    extra=$(suite_seeds)
    [ -n "$extra" ] && seeds+=("$extra")
  fi
  before=$(ls "$findings" | sort)
  echo "== $target: ${seconds} s (timeout ${timeout} s per input, ${rss} MB), seeds ${seeds[*]}"
  status=0
  # shellcheck disable=SC2086
  "$binary" "$target" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" \
    -max_len="$(max_len "$target")" -dict="fuzz/dictionaries/$target.dict" \
    -artifact_prefix="$findings/" -print_final_stats=1 -detect_leaks=0 ${FUZZ_FLAGS:-} \
    "$work/corpus" "${seeds[@]}" > "$work/log" 2>&1 || status=$?
  new=$(comm -13 <(echo "$before") <(ls "$findings" | sort) | sed '/^$/d')
  final_stat() { sed -n "s/^stat::$1: *//p" "$work/log" | tail -1; }
  runs=$(final_stat number_of_executed_units)
  rate=$(final_stat average_exec_per_sec)
  added=$(final_stat new_units_added)
  peak=$(final_stat peak_rss_mb)
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$work/log" | tail -1 || true)
  count=$(echo -n "$new" | grep -c . || true)
  line=$(printf '%-15s %4s s  %10s runs  %7s exec/s  %5s new units  %s  peak %s MB  %s finding(s)' \
    "$target" "$seconds" "${runs:-?}" "${rate:-?}" "${added:-?}" "${coverage:-cov: ?}" "${peak:-?}" "$count")
  summary+=("$line")
  if [ -n "$new" ]; then
    found=1
    echo "!! $target: found $count input(s):" >&2
    grep -E "invariant broken|^ +input:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|Fatal error|runtime failure|SUMMARY" \
      "$work/log" | head -20 >&2 || true
    echo "!! the log's end ($work/log):" >&2
    grep -v "^#[0-9]" "$work/log" | tail -40 >&2
    for file in $new; do
      echo "!! $findings/$file ($(wc -c < "$findings/$file") bytes), reproduce with:" >&2
      echo "   $binary $target $findings/$file     (or: swift run proctor-fuzz $target $findings/$file)" >&2
      if [ "$(wc -c < "$findings/$file")" -le 4096 ]; then
        echo "   base64: $(base64 -w0 < "$findings/$file")" >&2
      fi
    done
  elif [ "$status" -ne 0 ] || [ -z "$runs" ]; then
    failed=1
    echo "!! $target: libFuzzer exited with $status and stored no input; the log's end:" >&2
    tail -30 "$work/log" >&2
  fi
done

echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
if [ "$found" -ne 0 ]; then
  echo "fuzz: findings in .fuzz/findings/ (see above)" >&2
  exit 1
fi
[ "$failed" -eq 0 ] || exit 2
echo "fuzz: nothing found"
