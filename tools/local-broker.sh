# Sourced by the demo and the bench harnesses (demo.sh, bench/offline.sh, bench/soak.sh): a throwaway loopback
# mosquitto for one run, and the cleanup of every process the script starts.
#
#   broker_config DIR [LINE...]   picks a free loopback port into $port and writes DIR/mosquitto.conf: loopback only,
#                                 anonymous, run as the invoking user, TCP_NODELAY, persistence in DIR/broker/, no
#                                 inflight limit, the log in DIR/mosquitto.log, then each extra LINE (queue sizes,
#                                 autosave, $SYS interval: what the caller needs)
#   start_broker DIR              starts mosquitto on DIR/mosquitto.conf ($broker: its pid) and waits until it listens;
#                                 returns 1 when it does not
#   port_free PORT                true when nothing listens on 127.0.0.1:PORT
#   free_port                     prints a free loopback port in 20000-59999
#
# Every pid added to the array `pids` is sent SIGTERM and waited for when the script exits.

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    port_free "$p" && { echo "$p"; return 0; }
  done
  echo "no free loopback port found" >&2
  return 1
}

broker_config() {
  local dir=$1 line
  shift
  port=$(free_port) || return 1
  {
    echo "listener $port 127.0.0.1"
    echo "allow_anonymous true"
    # As root mosquitto would switch to user 'mosquitto' and lose access to DIR.
    echo "user $(id -un)"
    # Without TCP_NODELAY every broker write waits for Nagle + delayed ACK: ~40 ms per decode step.
    echo "set_tcp_nodelay true"
    echo "persistence true"
    echo "persistence_location $dir/broker/"
    echo "max_inflight_messages 0"
    echo "log_dest file $dir/mosquitto.log"
    for line in "$@"; do echo "$line"; done
  } >"$dir/mosquitto.conf"
}

start_broker() {
  local dir=$1
  mosquitto -c "$dir/mosquitto.conf" &
  broker=$!
  pids+=("$broker")
  for _ in $(seq 1 100); do port_free "$port" || return 0; sleep 0.1; done
  return 1
}

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
command -v mosquitto >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
