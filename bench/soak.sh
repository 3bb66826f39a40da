#!/usr/bin/env bash
# Soak and load harness (issue 15): a local mosquitto, a gateway on the simulated `sim` board and two peers (the
# built-in synthetic model split in three) run for N minutes; every few seconds it samples each daemon's RSS, open
# fds and threads (/proc), its managed heap (the daemon's /metrics: edgelam_gc_heap_bytes) and the broker's stored
# messages ($SYS/broker/store/messages/count), into a CSV, then plots them (PNG, bench/EdgeLam.Plot) and fails when
# a daemon's RSS after warm-up drifts by more than 5 % or its open fds grow.
#   bench/soak.sh [--minutes 30] [--sample 5] [--warmup-minutes M] [--env-hz 20] [--max-tokens 4] [--wire raw]
#                 [--preset small] [--out DIR]
# Requests come from the sim board's windows: the slowest stream (env, 16-sample hop) sets the rate, so --env-hz 20
# gives a request every 0.8 s and --env-hz 40 one every 0.4 s. Needs `./build.sh build` first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDGELAM="$ROOT/edgelam"
minutes=30 sample=5 warmup="" env_hz=20 max_tokens=4 wire=raw preset=small out="$ROOT/.build/soak"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --sample) sample="$2"; shift 2 ;;
    --warmup-minutes) warmup="$2"; shift 2 ;;
    --env-hz) env_hz="$2"; shift 2 ;;
    --max-tokens) max_tokens="$2"; shift 2 ;;
    --wire) wire="$2"; shift 2 ;;
    --preset) preset="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "soak: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$EDGELAM" ] || { echo "soak: $EDGELAM not found; run ./build.sh build first" >&2; exit 2; }
warmup=${warmup:-$(awk -v m="$minutes" 'BEGIN { w = m / 5; if (w < 1) w = 1; print w }')}

say() { printf '==> %s\n' "$*" >&2; }
model="$ROOT/.build/demo/$preset"
split="$ROOT/.build/soak-model/$preset-split-3"
run="$out/run"
rm -rf "$run"; mkdir -p "$run/broker" "$out"
if [ ! -f "$model/model.onnx" ]; then
  say "building the '$preset' synthetic model"
  rm -rf "$model"; "$EDGELAM" model build --preset "$preset" --out "$model" >&2
fi
blocks=$(sed -nE 's/.*"num_hidden_layers": *([0-9]+).*/\1/p' "$model/model_info.json")
if [ ! -f "$split/manifest.json" ]; then
  say "splitting at the embedding, block $((blocks / 3)) and block $((2 * blocks / 3))"
  rm -rf "$split"; "$EDGELAM" model split "$model/model.onnx" --out "$split" --at "0,$((blocks / 3)),$((2 * blocks / 3))" >&2
fi

. "$ROOT/tools/local-broker.sh"
broker_config "$run" "autosave_interval 5" "max_queued_messages 100000" "sys_interval 2"
start_broker "$run" || { echo "soak: mosquitto did not start; see $run/mosquitto.log" >&2; exit 1; }

node_config() { # name segments dir metrics-port extra-json
  mkdir -p "$3"
  cat > "$3/edgelam.json" <<JSON
{
  "Node": { "Name": "$1", "Site": "soak", "Segments": "$2", "Wire": "$wire", "StepTimeout": "10s" },
  "Model": { "Path": "$split" },
  "Mqtt": { "Host": "127.0.0.1", "Port": $port },
  "Board": { "Name": "sim" },
  "Sensing": { "MaxNewTokens": $max_tokens, "MaxInFlight": 1 },
  "Metrics": { "Enabled": true, "Port": $4, "StatusInterval": "5s" },
  "Onnx": { "IntraOpThreads": 1 },
  "Logging": { "LogLevel": { "Default": "Warning" } }$5
}
JSON
}
names=(gateway peer-1 peer-2)
mports=($(free_port) $(free_port) $(free_port))
node_config peer-2 3-3 "$run/peer-2" "${mports[2]}" ""
node_config peer-1 2-2 "$run/peer-1" "${mports[1]}" ""
node_config gateway 0-1 "$run/gateway" "${mports[0]}" ",
  \"Sensors\": { \"Devices\": { \"env\": { \"RateHz\": $env_hz } } }"
node_pids=()
for name in peer-2 peer-1 gateway; do
  "$EDGELAM" run --config-dir "$run/$name" >"$run/$name.log" 2>&1 & pids+=($!)
done
node_pids=("${pids[3]}" "${pids[2]}" "${pids[1]}") # gateway, peer-1, peer-2
mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -q 1 -t "edgelam/v1/soak/results/gateway" >"$run/results.jsonl" 2>/dev/null & pids+=($!)

status_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
heap() { curl -s --max-time 2 "http://127.0.0.1:$1/metrics" | awk '$1 == "edgelam_gc_heap_bytes" { print $2 }'; }
stored() { timeout 5 mosquitto_sub -h 127.0.0.1 -p "$port" -C 1 -W 4 -t '$SYS/broker/store/messages/count' 2>/dev/null || true; }

csv="$out/soak.csv"
header="t_s"
for n in "${names[@]}"; do header+=",${n}_rss_mb,${n}_fds,${n}_threads,${n}_heap_mb"; done
echo "$header,broker_stored,results" > "$csv"
say "soaking for $minutes min (warm-up $warmup min), sampling every $sample s into $csv"
start=$SECONDS end=$((SECONDS + minutes * 60))
while [ "$SECONDS" -lt "$end" ]; do
  row="$((SECONDS - start))"
  for i in 0 1 2; do
    pid=${node_pids[$i]}
    if ! kill -0 "$pid" 2>/dev/null; then echo "soak: ${names[$i]} exited; see $run/${names[$i]}.log" >&2; tail -20 "$run/${names[$i]}.log" >&2; exit 1; fi
    rss=$(status_field "$pid" VmRSS); threads=$(status_field "$pid" Threads); fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    row+=",$(awk -v k="${rss:-0}" 'BEGIN { printf "%.1f", k / 1024 }'),$fds,$threads,$(awk -v b="$(heap "${mports[$i]}")" 'BEGIN { if (b == "") print ""; else printf "%.2f", b / 1048576 }')"
  done
  results=$(grep -c '"final":true' "$run/results.jsonl" 2>/dev/null || true)
  echo "$row,$(stored),${results:-0}" >> "$csv"
  sleep "$sample"
done

# Verdict: RSS drift = mean of the last tenth of the samples vs the mean of the first tenth after warm-up.
verdict=0
for i in 0 1 2; do
  n=${names[$i]} rc=$((2 + i * 4)) fc=$((3 + i * 4))
  line=$(awk -F, -v w="$((${warmup%.*} * 60))" -v rc="$rc" -v fc="$fc" 'NR > 1 && $1 >= w { t[++k] = $rc; f[k] = $fc }
    END { m = int(k / 10); if (m < 1) m = 1; for (i = 1; i <= m; i++) { a += t[i]; b += t[k - m + i] }
          a /= m; b /= m; maxf = 0; for (i = 1; i <= k; i++) if (f[i] > maxf) maxf = f[i]
          printf "%.1f %.1f %.2f %d %d %d", a, b, (b - a) * 100 / a, f[1], f[k], maxf }' "$csv")
  read -r a b drift f0 f1 fmax <<<"$line"
  ok=ok
  if awk -v d="$drift" 'BEGIN { exit !(d > 5) }' || [ "$f1" -gt "$f0" ]; then ok=FAIL; verdict=1; fi
  echo "soak: $n RSS $a -> $b MB after warm-up (${drift} %), fds $f0 -> $f1 (max $fmax): $ok"
done
results=$(grep -c '"final":true' "$run/results.jsonl" || true)
failed=$(grep -c "Sensor request from .* failed" "$run/gateway.log" || true)
echo "soak: $minutes min, $results results, $failed failed requests"
plot() { dotnet run -c Release --project "$ROOT/bench/EdgeLam.Plot" -- --csv "$csv" --x t_s "$@" >&2; }
mark="$((${warmup%.*} * 60)):warm-up"
plot --y gateway_rss_mb,peer-1_rss_mb,peer-2_rss_mb --out "$out/soak-rss.png" --title "Soak: resident memory" --xlabel "time (s)" --ylabel "RSS (MB)" --marks "$mark"
plot --y gateway_heap_mb,peer-1_heap_mb,peer-2_heap_mb --out "$out/soak-heap.png" --title "Soak: managed heap" --xlabel "time (s)" --ylabel "heap (MB)" --marks "$mark"
plot --y gateway_fds,peer-1_fds,peer-2_fds,gateway_threads,peer-1_threads,peer-2_threads --out "$out/soak-fds.png" --title "Soak: open fds and threads" --xlabel "time (s)" --ylabel "count" --marks "$mark"
plot --y broker_stored --out "$out/soak-broker.png" --title "Soak: broker stored messages" --xlabel "time (s)" --ylabel "messages" --marks "$mark"
[ "$failed" -eq 0 ] || verdict=1
exit "$verdict"
