#!/usr/bin/env bash
# Side-by-side fan-out benchmark: skillbus, Socket.IO 4.8.4 and a bare Node `ws` fan-out under the
# same load generator, each server pinned to core 0 and the generator to core 1.
#
#   src/test/bench/side-by-side.sh <generator dir> [scenario ...]
#
# <generator dir> holds loadgen.js, peer-socketio.js and peer-bare.js with their node_modules
# (`npm ci` there). Scenarios: cursor (150 clients, rooms of 30, 10 moves/s each), chat (1,000
# clients, rooms of 100, one sender per room at 40/s), connect (10,000 connections in rooms of 20,
# memory and join latency). Each server gets one warm-up run (JIT; WARMUP seconds, default 20)
# before the measured run of cursor and chat (DURATION seconds, default 20).
# Results: one JSON line per run in target/bench/results.jsonl, and a table on stdout.
set -euo pipefail
GEN=$(cd "${1:?generator directory}" && pwd); shift
SCENARIOS=("${@:-cursor chat connect}"); SCENARIOS=(${SCENARIOS[*]})
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
JAR="$ROOT/target/skillbus.jar"
OUT="$ROOT/target/bench"; mkdir -p "$OUT"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests package)
DURATION=${DURATION:-20}

args_for() {
  case $1 in
    cursor) echo "--mode cursor --rooms 5 --size 30 --rate 10";;
    chat) echo "--mode chat --rooms 10 --size 100 --rate 40";;
    connect) echo "--mode chat --rooms 500 --size 20 --rate 0.05 --warmup 1 --duration 5";;
  esac
}

start_server() { # target → sets PID and URL
  case $1 in
    skillbus)
      HTTP_PORT=8080 CLUSTER_PORT=5791 CLUSTER_NAME="bench-$$-$RANDOM" \
        taskset -c 0 java -XX:ActiveProcessorCount=1 ${SKILLBUS_JAVA_OPTS:-} -jar "$JAR" > "$OUT/skillbus.log" 2>&1 &
      PID=$!; URL=http://127.0.0.1:8080
      until curl -s -o /dev/null -X POST -H 'content-type: application/json' -d '{"userId":"probe"}' $URL/api/auth/token; do sleep 0.5; done;;
    socketio)
      (cd "$GEN" && PORT=3000 exec taskset -c 0 node peer-socketio.js) > "$OUT/socketio.log" 2>&1 &
      PID=$!; URL=http://127.0.0.1:3000; sleep 2;;
    bare)
      (cd "$GEN" && PORT=3001 exec taskset -c 0 node peer-bare.js) > "$OUT/bare.log" 2>&1 &
      PID=$!; URL=http://127.0.0.1:3001; sleep 2;;
  esac
}

run() { # target scenario
  local target=$1 scenario=$2
  [ "$target" = bare ] && [ "$scenario" = connect ] && return
  start_server "$target"
  local gen=(taskset -c 1 node "$GEN/loadgen.js" --target "$target" --url "$URL" --pid "$PID")
  if [ "$scenario" != connect ]; then
    "${gen[@]}" $(args_for "$scenario") --warmup 2 --duration "${WARMUP:-20}" > /dev/null
  fi
  local duration=(--duration "$DURATION"); [ "$scenario" = connect ] && duration=()
  "${gen[@]}" $(args_for "$scenario") "${duration[@]}" | tail -1 | tee -a "$OUT/results.jsonl"
  kill "$PID"; wait "$PID" 2>/dev/null || true
}

for scenario in "${SCENARIOS[@]}"; do
  for target in socketio bare skillbus; do
    run "$target" "$scenario"
  done
done
