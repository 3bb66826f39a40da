#!/usr/bin/env bash
# Daemon footprint benchmark: NativeAOT binary size, start-to-READY time and idle RSS with no model, each the
# median of RUNS runs (default 9). Targets: binary <= 15 MB (without ONNX Runtime), READY <= 150 ms, RSS <= 40 MB.
#
#   bench/daemon-startup.sh [BINARY] [RUNS]      (BINARY defaults to dist/linux-x64/edgelam; ./build.sh publish first)
#
# Each run starts `edgelam run` on the built-in defaults (empty configuration directory) under a fake systemd
# notify socket, measures from just before exec until the READY=1 datagram arrives, waits IDLE seconds
# (default 3), reads VmRSS from /proc, then stops it with SIGTERM and checks exit code 0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/dist/linux-x64/edgelam}"
runs="${2:-9}"
[ -x "$bin" ] || { echo "daemon-startup.sh: $bin not found; run ./build.sh publish" >&2; exit 1; }
command -v python3 >/dev/null || { echo "daemon-startup.sh: python3 is required" >&2; exit 1; }

exec python3 - "$bin" "$runs" "${IDLE:-3}" <<'PY'
import os, signal, socket, statistics, subprocess, sys, tempfile, time

binary, runs, idle = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
size = os.path.getsize(binary)
ready_ms, rss_mb, cpu_ms, wait_ms = [], [], [], []

def schedstat(pid):
    """CPU time and run-queue wait (ns) summed over the process's live threads (/proc/PID/task/*/schedstat)."""
    cpu = wait = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run_ns, wait_ns, _ = f.read().split()
            cpu += int(run_ns); wait += int(wait_ns)
        except FileNotFoundError:
            pass
    return cpu, wait

# Microsoft.Extensions.Hosting.Systemd sends READY=1 only when the parent process is named systemd: rename this one.
with open("/proc/self/comm", "w") as f:
    f.write("systemd")

for i in range(runs):
    with tempfile.TemporaryDirectory(prefix="edgelam-bench-") as tmp:
        sock_path = os.path.join(tmp, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(sock_path)
        sock.settimeout(10)
        conf = os.path.join(tmp, "etc"); os.mkdir(conf)
        env = {k: v for k, v in os.environ.items() if not k.startswith("EDGELAM__")}
        env.update(NOTIFY_SOCKET=sock_path, EDGELAM_CONFIG_DIR=conf, ORT_DISABLE_TELEMETRY="1")
        env.pop("WATCHDOG_USEC", None)
        start = time.monotonic()
        proc = subprocess.Popen([binary, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not sock.recv(4096).startswith(b"READY=1"):
            pass
        ready_ms.append((time.monotonic() - start) * 1000)
        cpu, wait = schedstat(proc.pid)
        cpu_ms.append(cpu / 1e6); wait_ms.append(wait / 1e6)
        time.sleep(idle)
        with open(f"/proc/{proc.pid}/status") as f:
            rss_kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
        rss_mb.append(rss_kb / 1024)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
        sock.close()
        if code != 0:
            sys.exit(f"run {i + 1}: exit code {code} after SIGTERM")

def verdict(value, target): return "ok" if value <= target else "OVER"
med_ready, med_rss, size_mb = statistics.median(ready_ms), statistics.median(rss_mb), size / 1e6
print(f"binary      {binary}")
print(f"runs        {runs} (idle {idle:g} s before reading RSS); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
print(f"| metric | median | min | max | target | |")
print(f"|---|---|---|---|---|---|")
print(f"| NativeAOT binary size | {size_mb:.2f} MB ({size} bytes) | | | <= 15 MB | {verdict(size_mb, 15)} |")
print(f"| start to READY=1 | {med_ready:.1f} ms | {min(ready_ms):.1f} | {max(ready_ms):.1f} | <= 150 ms | {verdict(med_ready, 150)} |")
print(f"| CPU time to READY (all threads) | {statistics.median(cpu_ms):.1f} ms | {min(cpu_ms):.1f} | {max(cpu_ms):.1f} | | |")
print(f"| run-queue wait to READY | {statistics.median(wait_ms):.1f} ms | {min(wait_ms):.1f} | {max(wait_ms):.1f} | | |")
print(f"| idle RSS, no model | {med_rss:.1f} MiB | {min(rss_mb):.1f} | {max(rss_mb):.1f} | <= 40 MB | {verdict(med_rss, 40)} |")
PY
