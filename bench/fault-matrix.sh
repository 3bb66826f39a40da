#!/usr/bin/env bash
# Fault matrix figures (docs/reliability.md, "Fault matrix"): runs the multi-process fault tests RUNS times (default
# 3) and prints each run's measured line (broker restarts: time, redelivered results and requests; killed peer: the
# time it added to the conversations it held).
#
#   bench/fault-matrix.sh [RUNS]      (builds tests/EdgeLam.Gateway.Tests first; CONFIG=Debug to reuse a Debug build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
config="${CONFIG:-Release}"
cd "$root"
dotnet build tests/EdgeLam.Gateway.Tests -c "$config" -nologo -v quiet >/dev/null
for run in $(seq 1 "$runs"); do
  dotnet test tests/EdgeLam.Gateway.Tests -c "$config" --no-build -nologo \
    --filter "FullyQualifiedName~EdgeLam.Gateway.Tests.Faults" --logger "console;verbosity=detailed" 2>&1 |
    grep -E "^ *fault-matrix |^ *(Passed|Failed) EdgeLam" | sed -e "s/^ */run $run: /"
done
