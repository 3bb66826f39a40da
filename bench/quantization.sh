#!/usr/bin/env bash
# Reproduces the table of docs/quantization.md: quantizes a synthetic preset (default `small`, built with
# `edgelam model build`) and every shared model with `edgelam model quantize` (int8 block 32, int4 block 32 and 128),
# prints file bytes against the source, and compares each with its source with `edgelam model compare`
# (decoders: --generate N positions after an 8-token prompt, greedy and teacher-forced random tokens; bert-toy: its
# cases).
# Needs the net10.0 build of src/EdgeLam.Gateway (CONFIGURATION=Debug|Release, as for ./edgelam).
#
#   bench/quantization.sh [--preset NAME] [--generate N] [--out DIR] [--shared] [--threads T]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRESET="small"
GENERATE=256
OUT="${TMPDIR:-/tmp}/edgelam-quantization"
SHARED=0
THREADS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) PRESET="$2"; shift 2 ;;
    --generate) GENERATE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --shared) SHARED=1; shift ;;
    --threads) THREADS="$2"; shift 2 ;;
    *) echo "quantization.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

EDGELAM="$ROOT/edgelam"
export ORT_DISABLE_TELEMETRY=1
mkdir -p "$OUT"
VARIANTS=("8 32" "4 32" "4 128")
[ -n "${EXTRA_VARIANTS:-}" ] && IFS=';' read -r -a extra <<< "$EXTRA_VARIANTS" && VARIANTS+=("${extra[@]}")

bytes() { du -cb "$@" | tail -1 | cut -f1; }

measure() { # name model-path compare-args...
  local name="$1" model="$2"; shift 2
  local dir; dir="$(dirname "$model")"
  local before; before=$(bytes "$model" $(ls "$dir"/*.data 2>/dev/null || true))
  for v in "${VARIANTS[@]}"; do
    set -- $v "$@"
    local bits="$1" block="$2"; shift 2
    local q="$OUT/$name-int$bits-b$block"
    rm -rf "$q"
    "$EDGELAM" model quantize "$model" --out "$q" --bits "$bits" --block "$block" | head -1
    local after; after=$(bytes "$q/$(basename "$model")" $(ls "$q"/*.data 2>/dev/null || true))
    echo "$name int$bits block $block: $before -> $after bytes ($(awk "BEGIN{printf \"%.3f\", $after/$before}")x)"
    if [ "$1" = "--generate" ]; then
      for tokens in greedy random; do
        echo "-- $tokens"
        "$EDGELAM" model compare "$model" "$q/$(basename "$model")" --threads "$THREADS" --tokens "$tokens" "$@"
      done
    else
      "$EDGELAM" model compare "$model" "$q/$(basename "$model")" --threads "$THREADS" "$@"
    fi
  done
}

if [ "$PRESET" != "none" ]; then
  src="$OUT/$PRESET-fp32"
  [ -f "$src/model.onnx" ] || "$EDGELAM" model build --preset "$PRESET" --out "$src"
  measure "$PRESET" "$src/model.onnx" --generate "$GENERATE"
fi

if [ "$SHARED" = 1 ]; then
  shared="$ROOT/../shared/models"
  measure tiny-llama-fp16 "$shared/tiny-llama-fp16/model.onnx" --generate "$GENERATE"
  measure phi3-torchscript "$shared/phi3-torchscript/model.onnx" --generate "$GENERATE"
  measure qwen2-torch-functions "$shared/qwen2-torch-functions/model.onnx" --generate "$GENERATE"
  measure bert-toy "$shared/bert-toy/bert_toy_optimized.onnx" --cases "$shared/bert-toy/cases"
fi
