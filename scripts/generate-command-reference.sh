#!/usr/bin/env bash
# Writes docs/commands.md from the --help of the built proctor executable, so the command
# reference says exactly what the code says. Run it after changing a command, a flag or a help text:
#
#   swift build && scripts/generate-command-reference.sh
#
# Usage: scripts/generate-command-reference.sh [PROCTOR] [OUTPUT]
#   PROCTOR  the executable to ask (default: .build/debug/proctor)
#   OUTPUT   the file to write (default: docs/commands.md); "-" writes to standard output
#
# Commands are found by walking the SUBCOMMANDS sections of the help texts, so a new command or
# subcommand gets its section without a change here. Its exit codes and guide link come from the
# two tables below; the script warns when a command has no entry. DocsTests runs this script with
# OUTPUT "-" and fails when docs/commands.md differs from what it prints.
set -euo pipefail
cd "$(dirname "$0")/.."

proctor=${1:-.build/debug/proctor}
output=${2:-docs/commands.md}
if [ ! -x "$proctor" ]; then
  echo "error: $proctor is not an executable; run swift build first, or pass the executable" >&2
  exit 2
fi

# ArgumentParser wraps help to the terminal width; a fixed width gives the same page everywhere.
export COLUMNS=100

# Exit codes of each command, as the code maps its outcomes (Sources/proctor/*.swift).
exit_codes() {
  case "$1" in
    run) echo "0 every step passed and every threshold was met; 1 a step failed, or a target could not be reached (the run stops sending to it early); 2 bad input (a scenario with problems, a bad flag or threshold, a report folder that cannot be written, a receiver that cannot start); 99 every step passed but a threshold was breached; 130 interrupted (reports are still written)" ;;
    check) echo "0 every file is clean; 2 at least one problem" ;;
    send) echo "0 the consumer answered as a correct one should; 1 it did not, or could not be reached; 2 bad input" ;;
    emit) echo "0; 2 bad input (unknown vendor, event or quirk, a bad --set, --format or --hmac-encoding)" ;;
    events) echo "0; 2 an unknown vendor or format" ;;
    serve) echo "runs until Ctrl-C or SIGTERM, then 0; 2 a bad flag or an address that cannot be bound" ;;
    verify) echo "0 valid; 1 invalid; 2 unusable input (no usable secret, an unreadable file, no header/body separator)" ;;
    "schema validate") echo "0 every instance is valid; 1 at least one is invalid; 2 the schema or an input is unusable" ;;
    load) echo "0; 1 no request got a 2xx answer, or no connection could be opened (the run stops early); 2 bad input (a threshold that cannot be measured included); 99 a threshold was breached; 130 interrupted (reports are still written)" ;;
    "report merge") echo "0 (missing shards are a warning); 2 bad input (an unreadable report, reports of different runs, a shard given twice, a bad threshold); 99 a threshold was breached on the merged figures" ;;
    replay) echo "0 every answer as expected; 1 one was not; 2 bad input (no capture, nothing selected, stored signatures of a masked capture, a bad flag); 130 interrupted (reports are still written)" ;;
    "capture to-scenario") echo "0 the scenario was written; 2 bad input (an unreadable capture, several vendors without --vendor, a vendor the capture does not hold, a file that cannot be written)" ;;
    *) echo "" ;;
  esac
}

# The guide page that explains each command.
guide() {
  case "$1" in
    run) echo "[Scenarios: running them](scenarios.md#running-scenarios-proctor-run)" ;;
    check) echo "[Scenarios: checking them](scenarios.md#checking-scenarios-proctor-check)" ;;
    send | emit | events) echo "[Vendors: one event at a time](vendors.md#one-event-at-a-time-events-emit-send)" ;;
    serve) echo "[Reference receiver](receiver.md)" ;;
    verify) echo "[Signing: verifying a captured request](signing.md#verifying-a-captured-request-proctor-verify)" ;;
    "schema validate") echo "[Contracts: proctor schema validate](contracts.md#proctor-schema-validate)" ;;
    load) echo "[Load mode](load.md)" ;;
    "report merge") echo "[Load mode: shards](load.md#shards)" ;;
    replay) echo "[From a production incident to a regression test](incident-to-test.md#2-replay-them-proctor-replay)" ;;
    "capture to-scenario") echo "[Capturing deliveries: a capture as a scenario](capture.md#a-capture-as-a-scenario-capture-to-scenario)" ;;
    *) echo "" ;;
  esac
}

# Names listed in the SUBCOMMANDS section of a help text read from standard input.
subcommands_in() {
  awk '/^SUBCOMMANDS:/ { s = 1; next }
       s && /^[^ ]/ { s = 0 }
       s && /^  [a-z][a-z0-9-]*( |$)/ { print $1 }'
}

# Leaf commands (those without subcommands of their own), depth first, in help order.
commands=()
collect() {
  local names name
  names=$("$proctor" "$@" --help | subcommands_in)
  if [ -z "$names" ]; then
    commands+=("$*")
    return
  fi
  for name in $names; do
    [ "$name" = help ] && continue
    collect "$@" "$name"
  done
}
collect

fence() {
  printf '```text\n'
  "$proctor" "$@" --help | sed -e 's/[[:space:]]*$//'
  printf '```\n'
}

render() {
  cat <<'EOF'
# Command reference

<!-- Generated by scripts/generate-command-reference.sh from the help of the built proctor. Do not
edit: change the help text in Sources/proctor/ and run the script again. -->

Every section below is the `--help` text of one command, exactly as the built `proctor` prints
it. The guides explain what the commands do and show them at work; this page is the complete
list of flags and their defaults. `proctor help COMMAND` prints the same text.

A flag or argument that does not parse is bad input, like every other input problem: one line on
stderr and exit 2. Bad input names close matches where they help:
`error: unknown testlify event "candidate.complete"; did you mean 'candidate.completed'?`.

| command | exit codes | guide |
|---|---|---|
EOF
  local command
  for command in "${commands[@]}"; do
    printf '| [`proctor %s`](#proctor-%s) | %s | %s |\n' "$command" "${command// /-}" \
      "$(exit_codes "$command")" "$(guide "$command")"
  done
  printf '\n## proctor\n\n'
  fence
  for command in "${commands[@]}"; do
    printf '\n## proctor %s\n\n' "$command"
    # shellcheck disable=SC2086 # "schema validate" is two words on purpose
    fence $command
  done
}

for command in "${commands[@]}"; do
  if [ -z "$(exit_codes "$command")" ] || [ -z "$(guide "$command")" ]; then
    echo "warning: proctor $command has no exit codes or guide in $0; add them" >&2
  fi
done

if [ "$output" = - ]; then
  render
else
  mkdir -p "$(dirname "$output")"
  render > "$output.tmp"
  mv "$output.tmp" "$output"
  echo "Wrote $output (${#commands[@]} commands)"
fi
