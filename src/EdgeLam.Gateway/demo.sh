#!/usr/bin/env bash
# The EdgeLam demo: a local mosquitto and `edgelam run` daemons of one binary running the built-in `small` synthetic
# model; the gateway, on the simulated `sim` board, turns its sensor windows into requests (Chronos tokens for env and
# vibration, patch embeddings for motion); only activations and metadata cross MQTT; the last stage publishes each
# result on edgelam/v1/demo/results/gateway-1, which the demo subscribes to like any other consumer.
#
# Orchestrated (default): the gateway and two peers with Orchestration:Enabled and no Node:Segments. They elect an
# orchestrator (gateway-1: the lowest id), which plans the split from the capacities the nodes measure and re-splits
# live. Every plan the site commits is printed as it happens (from the orchestrator's AgreementLog lines): epoch, the
# chain node[first,end) (blocks; +head on the last stage), the reason and the predicted decode step and gain. After
# --slow-peer-at N results the peer with the most blocks is throttled 4x (Node:Throttle rewritten, SIGHUP), so the
# split moves away from it.
# Static (--static): the old fixed split — a gateway (embedding + lower blocks) and one peer (upper blocks + head).
#
# Run through `./build.sh demo [options]`.
#   --requests N        stop after N finished requests and print one summary line (default: run until Ctrl-C); with a
#                       slowdown it also waits (at most 60 s) for the re-split that follows it
#   --slow-peer-at N    after N results, throttle the busiest peer 4x (default 10; 0: never)
#   --static            the static two-node split instead of the orchestrated site
#   --wire CODEC        raw | fp16 | bf16 | int8 (default raw; orchestrated: the planner picks each cut's codec)
#   --max-tokens N      new tokens per request (default 8)
#   --preset NAME       synthetic model preset (default small)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EDGELAM="$ROOT/edgelam"
requests=0 wire=raw max_tokens=8 preset=small slow_at=10 static=0 slow_factor=4
usage="use --requests N, --slow-peer-at N, --static, --wire CODEC, --max-tokens N, --preset NAME"
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests="${2:?--requests needs a number}"; shift 2 ;;
    --slow-peer-at) slow_at="${2:?--slow-peer-at needs a number}"; shift 2 ;;
    --static) static=1; shift ;;
    --wire) wire="${2:?--wire needs a codec}"; shift 2 ;;
    --max-tokens) max_tokens="${2:?--max-tokens needs a number}"; shift 2 ;;
    --preset) preset="${2:?--preset needs a name}"; shift 2 ;;
    *) echo "demo: unknown argument $1 ($usage)" >&2; exit 2 ;;
  esac
done
for n in "$requests" "$slow_at"; do
  case "$n" in ''|*[!0-9]*) echo "demo: --requests and --slow-peer-at take whole numbers" >&2; exit 2 ;; esac
done

work="$ROOT/.build/demo"
model="$work/$preset"
run="$work/run"
mkdir -p "$work"
rm -rf "$run"; mkdir -p "$run/broker"

say() { printf '==> %s\n' "$*" >&2; }

if [ ! -f "$model/model.onnx" ]; then
  say "building the '$preset' synthetic model into .build/demo/$preset"
  rm -rf "$model"
  "$EDGELAM" model build --preset "$preset" --out "$model" >&2
fi
blocks=$(sed -nE 's/.*"num_hidden_layers": *([0-9]+).*/\1/p' "$model/model_info.json")
[ -n "$blocks" ] || { echo "demo: $model/model_info.json has no num_hidden_layers" >&2; exit 1; }
if [ "$static" -eq 1 ]; then
  split="$work/$preset-split-embed"
  if [ ! -f "$split/manifest.json" ]; then
    say "splitting it at the embedding and in the middle (gateway: embedding + blocks 0-$((blocks / 2 - 1)), peer: the rest)"
    rm -rf "$split"
    "$EDGELAM" model split "$model/model.onnx" --out "$split" --at "0,$((blocks / 2))" >&2
  fi
else
  split="$work/$preset-split-blocks"
  if [ ! -f "$split/manifest.json" ]; then
    say "splitting it at every block ($blocks blocks) for the live split"
    rm -rf "$split"
    "$EDGELAM" model split "$model/model.onnx" --out "$split" --at "$(seq -s, 0 "$blocks")" >&2
  fi
fi

. "$ROOT/tools/local-broker.sh"
# Queues sized so nothing is dropped.
broker_config "$run" "autosave_interval 5" "max_queued_messages 100000" "max_packet_size 268435456" \
  || { echo "demo: no free loopback port found" >&2; exit 1; }
say "starting mosquitto on 127.0.0.1:$port (log: .build/demo/run/mosquitto.log)"
start_broker "$run" || { echo "demo: mosquitto did not start; see $run/mosquitto.log" >&2; exit 1; }

# Each daemon gets its own configuration directory (edgelam.json layered over the built-in defaults and the sim board).
node_config() { # name dir node-keys
  mkdir -p "$2"
  local orchestration='"Enabled": false'
  [ "$static" -eq 1 ] || orchestration='"Enabled": true'
  cat > "$2/edgelam.json" <<JSON
{
  "Node": { "Name": "$1", "Site": "demo", $3, "Wire": "$wire", "StepTimeout": "10s", "Throttle": 1 },
  "Model": { "Path": "$split" },
  "Mqtt": { "Host": "127.0.0.1", "Port": $port },
  "Board": { "Name": "sim" },
  "Sensing": { "MaxNewTokens": $max_tokens, "MaxInFlight": 1 },
  "Metrics": { "StatusInterval": "2s" },
  "Orchestration": { $orchestration },
  "Logging": { "LogLevel": { "Default": "Information", "Microsoft": "Warning" } }
}
JSON
}
results_topic="edgelam/v1/demo/results/gateway-1"
declare -A peer_pid=()
start_peer() { # name keys what
  node_config "$1" "$run/$1" "$2"
  say "starting $1 ($3; log: .build/demo/run/$1.log)"
  "$EDGELAM" run --config-dir "$run/$1" >"$run/$1.log" 2>&1 & pids+=($!); peer_pid[$1]=$!
}
if [ "$static" -eq 1 ]; then
  start_peer peer-1 '"Segments": "2-2"' "static: segment 2, the upper blocks and the head"
  gateway_keys='"Segments": "0-1"' gateway_what="static: segments 0-1, the embedding and the lower blocks"
else
  start_peer peer-1 '"Role": "peer"' "orchestrated peer"
  start_peer peer-2 '"Role": "peer"' "orchestrated peer"
  gateway_keys='"Role": "gateway"' gateway_what="orchestrated gateway"
fi
node_config gateway-1 "$run/gateway-1" "$gateway_keys"
mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -q 1 -t "$results_topic" >"$run/results.jsonl" 2>"$run/results.err" & pids+=($!)
say "starting gateway-1 on the simulated sim board ($gateway_what; log: .build/demo/run/gateway-1.log)"
"$EDGELAM" run --config-dir "$run/gateway-1" >"$run/gateway-1.log" 2>&1 & gateway=$!; pids+=($gateway)
[ "$static" -eq 1 ] || say "plans the site commits (from gateway-1, the elected orchestrator) and results stream below"
say "results of finished requests stream below (subscribed to $results_topic)"

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
field() { sed -nE "s/.*\"$1\":(\[[^]]*\]|\"[^\"]*\"|[-0-9.]+|true|false).*/\1/p"; }
show() { # one line per finished request
  local line="$1" streams
  streams=$(printf '%s' "$line" | grep -o '"name":"[^"]*","tokenizer":"[^"]*"' | sed -E 's/"name":"([^"]*)","tokenizer":"([^"]*)"/\1(\2)/' | paste -sd, -)
  printf 'request %s: tokens %s from %s, window %s .. %s, last step %s ms\n' \
    "$(printf '%s' "$line" | field request)" "$(printf '%s' "$line" | field tokens)" "${streams:-a prompt}" \
    "$(printf '%s' "$line" | field startUtc | tr -d '"')" "$(printf '%s' "$line" | field endUtc | tr -d '"')" \
    "$(ms "$(printf '%s' "$line" | field stepUs)")"
}

# The orchestrator's decisions (AgreementLog, events 4002-4006), read from gateway-1's log as they are written.
declare -A proposed=()
log_read=0 commits=0 committed_after_slow=0 reasons="" chain="" last_noplan=""
agreement() {
  local lines line e
  lines=$(wc -l <"$run/gateway-1.log")
  [ "$lines" -gt "$log_read" ] || return 0
  while IFS= read -r line; do
    case "$line" in
      *"Re-split proposed: epoch "*)
        e=$(sed -E 's/.*Re-split proposed: epoch ([0-9]+),.*/\1/' <<<"$line")
        proposed[$e]=$(sed -E 's/.*reason ([A-Za-z]+), predicted decode step (.*) ms -> (.*) ms \(gain (.*)\); plan (.*)$/\5|\1|\2|\3|\4/' <<<"$line") ;;
      *"Re-split committed: epoch "*)
        e=$(sed -E 's/.*Re-split committed: epoch ([0-9]+) .*/\1/' <<<"$line")
        IFS='|' read -r p_chain p_reason p_old p_new p_gain <<<"${proposed[$e]:-?|?|-|-|-}"
        chain=$p_chain commits=$((commits + 1)) reasons="$reasons${reasons:+, }$p_reason"
        [ -z "${slowed:-}" ] || committed_after_slow=$((committed_after_slow + 1))
        printf 'plan epoch %s committed: %s | reason %s, predicted decode step %s -> %s ms (gain %s)\n' \
          "$e" "$p_chain" "$p_reason" "$p_old" "$p_new" "$p_gain" ;;
      *"Realized gain of epoch "*|*"Re-split abandoned: "*)
        printf 'plan: %s\n' "$(sed -E 's/^.*(Realized gain of epoch|Re-split abandoned: )/\1/' <<<"$line")" ;;
      *"No plan: "*)
        if [ "$line" != "$last_noplan" ]; then last_noplan=$line; printf 'plan: %s\n' "$(sed -E 's/^.*(No plan: )/\1/' <<<"$line")"; fi ;;
    esac
  done < <(sed -n "$((log_read + 1)),${lines}p" "$run/gateway-1.log")
  log_read=$lines
}

# Throttles the peer with the most blocks in the plan in force: Node:Throttle rewritten, SIGHUP reloads it.
slow_peer() {
  local busiest="" most=-1 stage name first end
  for stage in $(grep -oE 'peer-[0-9]+\[[0-9]+,[0-9]+\)' <<<"$chain"); do
    name=${stage%%\[*} first=$(sed -E 's/.*\[([0-9]+),.*/\1/' <<<"$stage") end=$(sed -E 's/.*,([0-9]+)\).*/\1/' <<<"$stage")
    if [ $((end - first)) -gt "$most" ]; then most=$((end - first)) busiest=$name; fi
  done
  busiest=${busiest:-peer-1}
  sed -i -E "s/\"Throttle\": *[0-9]+/\"Throttle\": $slow_factor/" "$run/$busiest/edgelam.json"
  kill -HUP "${peer_pid[$busiest]}"
  slowed=$busiest slowed_at=$SECONDS
  printf 'event: after %s results %s is slowed %sx (Node:Throttle %s, SIGHUP): its steps now take %s times their compute time\n' \
    "$finished" "$busiest" "$slow_factor" "$slow_factor" "$slow_factor"
}

shown=0 finished=0 deadline=$((SECONDS + 600)) slowed="" slowed_at=0
while :; do
  if ! kill -0 "$gateway" 2>/dev/null; then
    echo "demo: the gateway stopped; see $run/gateway-1.log" >&2; tail -20 "$run/gateway-1.log" >&2; exit 1
  fi
  if grep -q "Sensing cannot run" "$run/gateway-1.log"; then
    echo "demo: the gateway's sensing stopped; see $run/gateway-1.log" >&2; grep "Sensing cannot run" "$run/gateway-1.log" >&2; exit 1
  fi
  [ "$static" -eq 1 ] || agreement
  mapfile -t finals < <(grep '"final":true' "$run/results.jsonl" 2>/dev/null || true)
  while [ "$shown" -lt "${#finals[@]}" ]; do show "${finals[$shown]}"; shown=$((shown + 1)); done
  finished=${#finals[@]}
  if [ "$static" -eq 0 ] && [ -z "$slowed" ] && [ "$slow_at" -gt 0 ] && [ "$finished" -ge "$slow_at" ] && [ "$commits" -gt 0 ]; then
    slow_peer
  fi
  if [ "$requests" -gt 0 ] && [ "$finished" -ge "$requests" ]; then
    # With a slowdown, the run waits (60 s at most) for the re-split it causes.
    if [ -z "$slowed" ] || [ "$committed_after_slow" -gt 0 ] || [ "$SECONDS" -ge $((slowed_at + 60)) ]; then break; fi
  fi
  if [ "$requests" -gt 0 ] && [ "$SECONDS" -ge "$deadline" ]; then
    echo "demo: only $finished of $requests requests finished in 600 s; see the logs in $run" >&2; exit 1
  fi
  sleep 0.2
done

kill -TERM "$gateway"; wait "$gateway"; rc=$?
failed=$(grep -c "Sensor request from .* failed" "$run/gateway-1.log" || true)
steps=$(field stepUs < "$run/results.jsonl" | sort -n)
count=$(printf '%s\n' "$steps" | grep -c . || true)
pct() { printf '%s\n' "$steps" | sed -n "$(( ($1 * count + 99) / 100 ))p"; }
summary="demo: $finished results from sensor windows, $failed failed, p50 step $(ms "$(pct 50)") ms, p99 step $(ms "$(pct 99)") ms ($count steps; gateway exit $rc)"
if [ "$static" -eq 1 ]; then
  echo "$summary"
else
  echo "$summary; $commits plans committed (${reasons:-none}), $((commits > 0 ? commits - 1 : 0)) re-splits${slowed:+, $committed_after_slow after $slowed was slowed}"
  if [ "$commits" -eq 0 ]; then
    echo "demo: the site committed no plan; see the Orchestration lines in $run/gateway-1.log and the peers' logs" >&2; exit 1
  fi
fi
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
