#!/usr/bin/env bash
# Offline gateway harness (issue 15, docs/offline.md): a local mosquitto, a peer and a gateway on the simulated `sim`
# board (the built-in synthetic `tiny` model split in two, a request per env window: one every 0.8 s) with
# Offline:Enabled. Once results flow, the broker is stopped for SECONDS while the gateway keeps sampling, then started
# again; an independent subscriber (mosquitto_sub, persistent session, QoS 1) collects the results. Prints how many
# requests were queued, how many got a final result (distinct per request id) and how many copies, the drops, and how
# long the drain took; fails when a queued request got no final result or two different ones.
#   bench/offline.sh [SECONDS (60)] [--max-windows N] [--out DIR]
# Needs a build: ./build.sh build (or CONFIGURATION=Debug after building the Debug configuration).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDGELAM="$ROOT/edgelam"
outage=60 max_windows=10000 out="$ROOT/.build/offline"
while [ $# -gt 0 ]; do
  case "$1" in
    --max-windows) max_windows="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    [0-9]*) outage="$1"; shift ;;
    *) echo "offline: unknown argument $1" >&2; exit 2 ;;
  esac
done
"$EDGELAM" --version >/dev/null || { echo "offline: $EDGELAM does not run; build first" >&2; exit 2; }

say() { printf '==> %s\n' "$*" >&2; }
model="$ROOT/.build/demo/tiny"
split="$ROOT/.build/offline-model/tiny-split-2"
run="$out/run"
rm -rf "$run"; mkdir -p "$run/broker" "$out"
if [ ! -f "$model/model.onnx" ]; then
  say "building the 'tiny' synthetic model"
  rm -rf "$model"; "$EDGELAM" model build --preset tiny --out "$model" >&2
fi
if [ ! -f "$split/manifest.json" ]; then
  rm -rf "$split"; "$EDGELAM" model split "$model/model.onnx" --out "$split" --at 1 >&2
fi

. "$ROOT/tools/local-broker.sh"
broker_config "$run" "autosave_interval 1" "max_queued_messages 1000000" "persistent_client_expiration 1h"
start_broker "$run" || { echo "offline: mosquitto did not start; see $run/mosquitto.log" >&2; exit 1; }

node_config() { # name segments dir extra-json
  mkdir -p "$3"
  cat > "$3/edgelam.json" <<JSON
{
  "Node": { "Name": "$1", "Site": "offline", "Segments": "$2", "StepTimeout": "2s" },
  "Model": { "Path": "$split" },
  "Mqtt": { "Host": "127.0.0.1", "Port": $port, "ReconnectDelayMax": "500ms" },
  "Board": { "Name": "sim" },
  "Onnx": { "IntraOpThreads": 1 },
  "Logging": { "LogLevel": { "Default": "Warning", "EdgeLam.Gateway.Offline": "Debug" } }$4
}
JSON
}
node_config peer 1-1 "$run/peer" ""
node_config gateway 0-0 "$run/gateway" ",
  \"Sensors\": { \"Tokenizer\": { \"Chronos\": { \"Bins\": 400 } } },
  \"Sensing\": { \"Streams\": [\"env\"], \"Grouping\": \"per-window\", \"MaxNewTokens\": 2, \"PromptIds\": [11] },
  \"Offline\": { \"Enabled\": true, \"Directory\": \"$run/queue\", \"MaxWindows\": $max_windows }"
"$EDGELAM" run --config-dir "$run/peer" >"$run/peer.log" 2>&1 & pids+=($!)
"$EDGELAM" run --config-dir "$run/gateway" >"$run/gateway.log" 2>&1 & pids+=($!)
mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -q 1 -c -x 3600 -i offline-bench-results -t "edgelam/v1/offline/results/gateway" >"$run/results.jsonl" 2>"$run/sub.log" & pids+=($!)

wait_for() { # seconds description command...
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 $((limit * 5))); do "$@" && return 0; sleep 0.2; done
  echo "offline: no $what within $limit s; see $run" >&2; tail -20 "$run/gateway.log" >&2; exit 1
}
wait_for 120 "result before the outage" grep -q '"final":true' "$run/results.jsonl"
say "results flow; stopping the broker for $outage s"
kill -TERM "$broker"; wait "$broker" 2>/dev/null || true
sleep "$outage"
say "starting the broker again"
start_broker "$run" || { echo "offline: mosquitto did not restart; see $run/mosquitto.log" >&2; exit 1; }
wait_for 300 "drained queue" grep -q "Offline: queue drained" "$run/gateway.log"
sleep 3 # the last results on their way to the subscriber

grep -oE 'queued sensor request s[0-9a-f]{32}' "$run/gateway.log" | awk '{ print $4 }' >"$run/queued.txt"
queued=$(wc -l <"$run/queued.txt")
answered=0 copies=0 conflicting=0
while read -r id; do
  finals=$(grep -F "\"id\":\"$id\"" "$run/results.jsonl" | grep -F '"final":true' | grep -oE '"tokens":\[[^]]*\]' || true)
  n=$(printf '%s' "$finals" | grep -c . || true)
  [ "$n" -gt 0 ] && answered=$((answered + 1))
  copies=$((copies + n))
  [ "$(printf '%s\n' "$finals" | sort -u | grep -c .)" -gt 1 ] && conflicting=$((conflicting + 1))
done <"$run/queued.txt"
drain=$(grep -oE 'queue drained \([0-9]+ delivered in [0-9.]+ s\)' "$run/gateway.log" | tail -1)
drops=$(grep -oE 'dropped window s[0-9a-f]{32} \([a-z-]+\); [0-9]+ more dropped since the last such line, [0-9]+ in all' "$run/gateway.log" | tail -1 || true)
echo "offline: broker stopped $outage s; $queued requests queued; $answered with a final result ($copies copies, $conflicting conflicting); $drain; drops: ${drops:-none}"
[ "$answered" -eq "$queued" ] && [ "$conflicting" -eq 0 ] && [ "$queued" -gt 0 ]
