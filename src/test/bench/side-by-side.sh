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
# before the measured run of cursor and chat (DURATION seconds, default 20). The connect scenario
# runs twice on one server: on a fresh process ("round": "cold") and again once the first
# round's clients are gone ("round": "warm"), where code is compiled and the heap is in use, so
# that the memory figure is what more connections cost rather than what a first start costs.
# Results: one JSON line per run, on stdout and appended to target/bench/results.jsonl, each naming
# the build measured ("build": the commit, "+changes" when the checkout differs from it). The jar is
# built first when it is missing or older than the sources.
# Where `perf stat` works, cursor and chat runs also count the server's instructions (user and
# kernel) over the middle of the measured run, per delivery: a figure that, unlike CPU-seconds,
# does not move with how busy the machine's other core or its host is.
# skillbus runs as the README advises for a node with one CPU: `-Xmn32m` (a young generation sized
# for the node rather than for the machine's memory; SKILLBUS_JAVA_OPTS replaces it, empty for the
# JVM's defaults), and its result lines name the options ("javaOpts").
# Ports: SKILLBUS_PORT (8080, and SKILLBUS_CLUSTER_PORT 5791), SOCKETIO_PORT (3000), BARE_PORT
# (3001). A port already taken stops the script: the generator would load another server.
set -euo pipefail
GEN=$(cd "${1:?generator directory}" && pwd); shift
SCENARIOS=("${@:-cursor chat connect}"); SCENARIOS=(${SCENARIOS[*]})
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
JAR="$ROOT/target/skillbus.jar"
OUT="$ROOT/target/bench"; mkdir -p "$OUT"
# What the build itself writes under src/main (the browser client's npm packages) is no source.
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -path '*/node_modules' -prune -o -type f -newer "$JAR" -print -quit)" ]; then
  # Its output goes to stderr: stdout carries the result lines alone.
  (cd "$ROOT" && mvn -q -B -Djansi.noreset=true -DskipTests package) >&2
fi
BUILD=$(cd "$ROOT" && git rev-parse --short HEAD 2> /dev/null || echo unknown)
[ -z "$(cd "$ROOT" && git status --porcelain -- src/main pom.xml 2> /dev/null)" ] || BUILD="$BUILD+changes"
DURATION=${DURATION:-20}
# The generator's own warm-up in the measured run (its default), before the DURATION window.
GEN_WARMUP=5
SKILLBUS_JAVA_OPTS=${SKILLBUS_JAVA_OPTS--Xmn32m}
SKILLBUS_PORT=${SKILLBUS_PORT:-8080}; SKILLBUS_CLUSTER_PORT=${SKILLBUS_CLUSTER_PORT:-5791}
SOCKETIO_PORT=${SOCKETIO_PORT:-3000}; BARE_PORT=${BARE_PORT:-3001}
PID=

args_for() {
  case $1 in
    cursor) echo "--mode cursor --rooms 5 --size 30 --rate 10";;
    chat) echo "--mode chat --rooms 10 --size 100 --rate 40";;
    connect) echo "--mode chat --rooms 500 --size 20 --rate 0.05 --warmup 1 --duration 5";;
  esac
}

listening() { # port → whether something listens on it
  [ -n "$(ss -Htln "( sport = :$1 )")" ]
}

start_server() { # target → sets PID and URL, once the server listens
  local port
  case $1 in skillbus) port=$SKILLBUS_PORT;; socketio) port=$SOCKETIO_PORT;; bare) port=$BARE_PORT;; esac
  if listening "$port"; then
    echo "port $port is taken: stop what listens there, or set ${1^^}_PORT" >&2
    exit 1
  fi
  case $1 in
    skillbus)
      HTTP_PORT=$port CLUSTER_PORT=$SKILLBUS_CLUSTER_PORT CLUSTER_NAME="bench-$$-$RANDOM" \
        taskset -c 0 java -XX:ActiveProcessorCount=1 $SKILLBUS_JAVA_OPTS -jar "$JAR" > "$OUT/skillbus.log" 2>&1 &;;
    socketio)
      (cd "$GEN" && PORT=$port exec taskset -c 0 node peer-socketio.js) > "$OUT/socketio.log" 2>&1 &;;
    bare)
      (cd "$GEN" && PORT=$port exec taskset -c 0 node peer-bare.js) > "$OUT/bare.log" 2>&1 &;;
  esac
  PID=$!; URL=http://127.0.0.1:$port
  local tries=600
  until ready "$1"; do
    tries=$((tries - 1))
    if ! kill -0 "$PID" 2> /dev/null || [ "$tries" -le 0 ]; then
      echo "$1 did not start on port $port (see $OUT/$1.log)" >&2
      exit 1
    fi
    sleep 0.2
  done
}

ready() { # target → whether the server started by start_server answers
  case $1 in
    skillbus) curl -s -f -o /dev/null -X POST -H 'content-type: application/json' -d '{"userId":"probe"}' \
      "$URL/api/auth/token";;
    *) listening "${URL##*:}";;
  esac
}

stop_server() {
  [ -n "$PID" ] || return 0
  kill "$PID" 2> /dev/null || true
  wait "$PID" 2> /dev/null || true
  PID=
}
trap stop_server EXIT

connected_to() { # url → the number of clients connected to it
  ss -Htn state established "( sport = :${1##*:} )" | wc -l
}

connections_of() { # scenario → its number of clients
  case $1 in cursor) echo 150;; chat) echo 1000;; esac
}

# Once all clients are connected, skips the generator's pause and warm-up (1 + GEN_WARMUP s) and
# two more seconds, then counts the server's instructions over DURATION - 4 seconds (perf stat,
# CSV): the middle of the measured window, two seconds from either end. (For skillbus the count of
# connections includes the generator's HTTP connections for tokens, up to 16: it may be reached
# while the last clients connect, well within those two seconds.)
count_instructions() { # url connections file
  [ "$DURATION" -gt 4 ] || return 0
  perf stat -e instructions:u true > /dev/null 2>&1 || return 0
  local tries=600
  until [ "$(connected_to "$1")" -ge "$2" ]; do
    tries=$((tries - 1)); [ "$tries" -gt 0 ] || return 0
    sleep 0.2
  done
  sleep $((1 + GEN_WARMUP + 2))
  perf stat -x, -e instructions:u,instructions:k -p "$PID" -o "$3" -- sleep $((DURATION - 4)) > /dev/null 2>&1 || true
}

# Waits until no client is connected to the server at this url.
wait_disconnected() { # url
  local tries=600
  while [ "$(connected_to "$1")" -gt 0 ]; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      echo "warning: clients still connected to $1 after 120 s; the next round starts anyway" >&2
      return 0
    fi
    sleep 0.2
  done
}

# Adds to the generator's JSON line the build measured, skillbus's JVM options, the instructions per delivery (from the
# file, when it has them) and the round of a connect run.
annotate() { # file [round]
  python3 -c '
import json, sys
result = json.loads(sys.stdin.read())
result["build"] = sys.argv[3]
if result["target"] == "skillbus":
    result["javaOpts"] = sys.argv[4]
if len(sys.argv) > 5:
    result["round"] = sys.argv[5]
counts, window = {}, int(sys.argv[2]) - 4
try:
    for line in open(sys.argv[1]):
        fields = line.strip().split(",")
        if len(fields) > 2 and fields[0].isdigit():
            counts[fields[2].split(":")[-1]] = int(fields[0])
except OSError:
    pass
if "u" in counts and "k" in counts and result.get("deliveredPerSec") and window > 0:
    per = result["deliveredPerSec"] * window
    result["instructionsPerDelivery"] = {"user": round(counts["u"] / per), "kernel": round(counts["k"] / per)}
print(json.dumps(result, separators=(",", ":")))' "$1" "$DURATION" "$BUILD" "$SKILLBUS_JAVA_OPTS" "${@:2}"
}

run() { # target scenario
  local target=$1 scenario=$2
  [ "$target" = bare ] && [ "$scenario" = connect ] && return
  start_server "$target"
  local gen=(taskset -c 1 node "$GEN/loadgen.js" --target "$target" --url "$URL" --pid "$PID")
  local counts="$OUT/instructions-$target-$scenario.csv"; rm -f "$counts"
  if [ "$scenario" = connect ]; then
    for round in cold warm; do
      wait_disconnected "$URL"
      "${gen[@]}" $(args_for connect) | tail -1 | annotate "$counts" "$round" | tee -a "$OUT/results.jsonl"
    done
  else
    "${gen[@]}" $(args_for "$scenario") --warmup 2 --duration "${WARMUP:-20}" > /dev/null
    count_instructions "$URL" "$(connections_of "$scenario")" "$counts" & local counter=$!
    "${gen[@]}" $(args_for "$scenario") --warmup "$GEN_WARMUP" --duration "$DURATION" | tail -1 | annotate "$counts" \
      | tee -a "$OUT/results.jsonl"
    wait "$counter"
  fi
  stop_server
}

for scenario in "${SCENARIOS[@]}"; do
  for target in socketio bare skillbus; do
    run "$target" "$scenario"
  done
done
