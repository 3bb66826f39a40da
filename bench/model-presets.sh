#!/usr/bin/env bash
# Reproduces the figures of docs/model-presets.md: builds a synthetic preset (default qwen2.5-0.5b) with
# `edgelam model build`, splits it with `edgelam model split`, and loads + runs the whole model and the split folder
# with `edgelam model run` on the example cases written beside the model. Wall time and peak RSS come from
# /usr/bin/time -v. Needs ./build.sh build (or the Release net10.0 build of src/EdgeLam.Gateway) first.
#
#   bench/model-presets.sh [--preset NAME] [--dtypes "fp32 fp16"] [--segments N] [--out DIR] [--keep]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRESET="qwen2.5-0.5b"
DTYPES="fp32 fp16"
SEGMENTS=2
OUT="${TMPDIR:-/tmp}/edgelam-model-presets"
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) PRESET="$2"; shift 2 ;;
    --dtypes) DTYPES="$2"; shift 2 ;;
    --segments) SEGMENTS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "model-presets.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

EDGELAM="$ROOT/edgelam"
[ -x /usr/bin/time ] || { echo "model-presets.sh: /usr/bin/time is required (apt-get install time)" >&2; exit 1; }
"$EDGELAM" --help >/dev/null || { echo "model-presets.sh: build first (./build.sh build)" >&2; exit 1; }
export ORT_DISABLE_TELEMETRY=1

# measure LABEL COMMAND...: runs COMMAND under /usr/bin/time -v, prints "LABEL | wall s | peak RSS MiB".
measure() {
  local label="$1"; shift
  local log; log="$(mktemp)"
  if ! /usr/bin/time -v "$@" >"$log.out" 2>"$log"; then
    cat "$log.out" "$log" >&2; echo "model-presets.sh: $label failed" >&2; exit 1
  fi
  local wall rss
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$log")"
  rss="$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")"
  printf '| %-36s | %8s s | %8s MiB |\n' "$label" "$wall" "$rss"
  rm -f "$log" "$log.out"
}

mib() { printf '%.1f' "$(echo "$(stat -c %s "$1") / 1048576" | bc -l)"; }

echo "# $PRESET on $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| step                                 |     wall   |     peak RSS |"
echo "|--------------------------------------|------------|--------------|"
mkdir -p "$OUT"
for dtype in $DTYPES; do
  model="$OUT/$PRESET-$dtype"
  split="$OUT/$PRESET-$dtype-split$SEGMENTS"
  rm -rf "$model" "$split" "$OUT/run-$dtype"-*
  measure "build $dtype" "$EDGELAM" model build --preset "$PRESET" --out "$model" --dtype "$dtype"
  measure "split $dtype --segments $SEGMENTS" "$EDGELAM" model split "$model/model.onnx" --out "$split" --segments "$SEGMENTS"
  for case in prefill decode; do
    measure "load+run whole $dtype ($case)" "$EDGELAM" model run "$model/model.onnx" \
      --inputs "$model/cases/$case/inputs" --outputs "$OUT/run-$dtype-whole-$case"
    measure "load+run split $dtype ($case)" "$EDGELAM" model run "$split" \
      --inputs "$model/cases/$case/inputs" --outputs "$OUT/run-$dtype-split-$case"
  done
  echo
  echo "files ($dtype): model.onnx $(mib "$model/model.onnx") MiB, model.onnx.data $(mib "$model/model.onnx.data") MiB;" \
    "split: $(for f in "$split"/*.onnx "$split"/*.data; do printf '%s %s MiB, ' "$(basename "$f")" "$(mib "$f")"; done)"
  echo
  [ "$KEEP" = 1 ] || rm -rf "$model" "$split" "$OUT/run-$dtype"-*
done
