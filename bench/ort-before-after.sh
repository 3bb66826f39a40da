#!/usr/bin/env bash
# ONNX Runtime before/after, side by side in one run (docs/engine.md, "ONNX Runtime move").
#
#   bench/ort-before-after.sh BEFORE_TREE AFTER_TREE [PAIRS]
#
# BEFORE_TREE and AFTER_TREE are checkouts (git worktrees) of the two commits, e.g. 7470d6d (our own C-API binding
# over ONNX Runtime 1.30 from npm; run its `./build.sh setup` once) and this tree (Microsoft.ML.OnnxRuntime 1.32.0).
# Both run the same harnesses, which are identical in the two commits:
#   - bench/EdgeLam.Benchmarks `split-profile RUNS`: unsplit and split (boundary 6) `small` model, alternated step by
#     step: prefill 128 median, decode step medians, managed bytes per decode step on the calling thread;
#   - bench/EdgeLam.Latency.Bench `tiny STEPS raw`: in-process split decode step, and gateway + peer over a loopback
#     mosquitto (as configured in tests, and with the broker's set_tcp_nodelay true): round trip per token;
#   - BenchmarkDotNet `InferenceBenchmarks.DecodeUnsplit` (15 iterations of 1 s): mean and Allocated per decode step.
# Runs alternate before, after, before, after, ... PAIRS times (default 3), so drift in the load of a shared machine
# hits both; prints every run, then per figure the median over pairs, min-max spread, and after/before ratio.
# Environment: RUNS (split-profile prefills, default 20), STEPS (latency steps, default 200), BDN=0 skips BenchmarkDotNet.
set -euo pipefail

die() { printf 'ort-before-after.sh: error: %s\n' "$*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: bench/ort-before-after.sh BEFORE_TREE AFTER_TREE [PAIRS]"
before="$(cd "$1" && pwd)" || die "no tree $1"
after="$(cd "$2" && pwd)" || die "no tree $2"
pairs="${3:-3}"
runs="${RUNS:-20}"
steps="${STEPS:-200}"
bdn="${BDN:-1}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 ORT_DISABLE_TELEMETRY=1
out="$(mktemp -d -t edgelam-ort-before-after-XXXXXX)"

for tree in "$before" "$after"; do
  printf '==> building the harnesses in %s (%s)\n' "$tree" "$(git -C "$tree" rev-parse --short HEAD)"
  for project in bench/EdgeLam.Benchmarks bench/EdgeLam.Latency.Bench; do
    (cd "$tree" && dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly) >/dev/null || die "build of $project in $tree failed"
  done
done

# one LABEL TREE PAIR: every harness once in TREE; appends "label pair figure value" lines to $out/figures.
one() {
  local label="$1" tree="$2" pair="$3" log="$out/$1-$3"
  (cd "$tree" && dotnet bench/EdgeLam.Benchmarks/bin/Release/net10.0/EdgeLam.Benchmarks.dll split-profile "$runs") > "$log.profile"
  (cd "$tree" && dotnet bench/EdgeLam.Latency.Bench/bin/Release/net10.0/EdgeLam.Latency.Bench.dll tiny "$steps" raw) > "$log.latency"
  if [ "$bdn" = 1 ]; then
    (cd "$tree" && dotnet bench/EdgeLam.Benchmarks/bin/Release/net10.0/EdgeLam.Benchmarks.dll \
      --filter '*InferenceBenchmarks.DecodeUnsplit*' --artifacts "$log.bdn" --exporters csv) > "$log.bdn.txt"
  fi
  python3 - "$label" "$pair" "$log" >> "$out/figures" <<'PY'
import csv, glob, re, sys
label, pair, log = sys.argv[1:4]
def grab(path, pattern):
    m = re.search(pattern, open(path).read(), re.M)
    if not m: sys.exit(f"{path}: no match for {pattern}")
    return m.group(1)
p, l = log + ".profile", log + ".latency"
rows = [
    ("prefill 128 unsplit (ms)", grab(p, r"^unsplit\s+step median\s+([\d.]+) ms")),
    ("decode step unsplit (ms)", grab(p, r"^unsplit\s+decode median\s+([\d.]+) ms")),
    ("decode step split 6, in process (ms)", grab(p, r"^split 6\s+decode median\s+([\d.]+) ms")),
    ("managed bytes per decode step, calling thread", grab(p, r"^unsplit .*calling thread (\d+)")),
    ("tiny split decode step, in process (ms)", grab(l, r"^in-process split\s*: median ([\d.]+) ms")),
    ("tiny gateway+peer MQTT round trip per token (ms)", grab(l, r"^2-node MQTT\s+: median ([\d.]+) ms")),
    ("tiny gateway+peer MQTT, nodelay broker (ms)", grab(l, r"^2-node MQTT, broker set_tcp_nodelay true : median ([\d.]+) ms")),
]
for report in glob.glob(log + ".bdn/results/*-report.csv"):
    for r in csv.DictReader(open(report)):
        mean = r["Mean"].replace(",", "").split()
        rows.append(("BenchmarkDotNet decode unsplit mean (ms)", str(float(mean[0]) / (1000 if mean[1] == "us" else 1))))
        alloc = r["Allocated"].strip()
        rows.append(("BenchmarkDotNet decode unsplit Allocated (B/op)", "0" if alloc in ("-", "0 B") else alloc.split()[0]))
for name, value in rows:
    print(f"{label}\t{pair}\t{name}\t{value}")
PY
}

uptime
for pair in $(seq 1 "$pairs"); do
  printf '==> pair %s/%s: before\n' "$pair" "$pairs"; one before "$before" "$pair"
  printf '==> pair %s/%s: after\n' "$pair" "$pairs"; one after "$after" "$pair"
  uptime
done

printf '\nper run (logs in %s):\n' "$out"
cat "$out/figures"
python3 - "$out/figures" <<'PY'
import statistics, sys
figures = {}
for line in open(sys.argv[1]):
    label, pair, name, value = line.rstrip("\n").split("\t")
    figures.setdefault(name, {}).setdefault(label, []).append(float(value))
print()
print("| figure | before median (min-max) | after median (min-max) | after/before (median) | per-pair ratios |")
print("|---|---:|---:|---:|---|")
for name, by in figures.items():
    b, a = by.get("before", []), by.get("after", [])
    if not b or not a: continue
    mb, ma = statistics.median(b), statistics.median(a)
    ratio = f"{ma / mb:.3f}" if mb else "-"
    pairs = ", ".join(f"{y / x:.3f}" if x else "-" for x, y in zip(b, a))
    print(f"| {name} | {mb:g} ({min(b):g}-{max(b):g}) | {ma:g} ({min(a):g}-{max(a):g}) | {ratio} | {pairs} |")
PY
