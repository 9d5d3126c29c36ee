# Shared by start, stop, kill-node, restart-node and nodetool. Source it; do not run it.
#
# Environment:
#   RAASEL_CASSANDRA_HOME     cache with the jars and the registry of running
#                             nodes (default ~/.cache/raasel-cassandra)
#   RAASEL_CASSANDRA_HEAP     max heap per node (default 512m)
#   RAASEL_CASSANDRA_TIMEOUT  seconds to wait for nodes to come up (default 240)
#   RAASEL_CASSANDRA_JAVA     java binary (default: java on PATH)
#   RAASEL_CASSANDRA_GC_OPTS  collector/JIT options (default "-XX:+UseSerialGC
#                             -XX:TieredStopAtLevel=1"; e.g. "-XX:+UseG1GC" instead)
#   RAASEL_CASSANDRA_JVM_OPTS extra JVM options for the nodes (split on spaces)

CASS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CASS_HOME="${RAASEL_CASSANDRA_HOME:-${HOME:-/tmp}/.cache/raasel-cassandra}"
CASS_RUN="$CASS_HOME/run"           # one symlink per node: ADDRESS -> node dir
CASS_HEAP="${RAASEL_CASSANDRA_HEAP:-512m}"
CASS_TIMEOUT="${RAASEL_CASSANDRA_TIMEOUT:-240}"
CASS_JAVA="${RAASEL_CASSANDRA_JAVA:-java}"
CASS_GC_OPTS="${RAASEL_CASSANDRA_GC_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
CASS_CLUSTER_NAME="raasel-test"
CASS_SEED="127.0.0.1"

# Java 17 module access Cassandra needs (the list in its conf/jvm17-server.options
# and jvm17-clients.options, which Maven Central does not ship).
CASS_JDK17_FLAGS=(
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens java.base/java.math=ALL-UNNAMED
  --add-opens java.base/java.net=ALL-UNNAMED
)

die() { echo "cassandra: $*" >&2; exit 1; }
log() { echo "cassandra: $*" >&2; }

# "2" -> 127.0.0.2; an address is returned unchanged.
node_addr() {
  case "$1" in
    *.*.*.*) echo "$1" ;;
    [0-9] | [0-9][0-9] | 1[0-9][0-9] | 2[0-4][0-9] | 25[0-4]) echo "127.0.0.$1" ;;
    *) die "not a node number or IPv4 address: $1" ;;
  esac
}

# JMX listens on 127.0.0.1 only, so each node gets its own port:
# 127.0.0.1 -> 7199, 127.0.0.2 -> 7299, 127.0.0.3 -> 7399, ...
jmx_port() { echo $((7099 + 100 * ${1##*.})); }

node_dir() { readlink "$CASS_RUN/$1" 2>/dev/null || true; }

node_pid() {
  local dir pid
  dir="$(node_dir "$1")"
  [[ -n "$dir" && -f "$dir/cassandra.pid" ]] || return 1
  pid="$(cat "$dir/cassandra.pid")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be our JVM for this node.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-Draasel.cassandra.node=$1 " || return 1
  echo "$pid"
}

cql_ready() { python3 "$CASS_DIR/cqlping.py" -q -t 5 "$1" 9042; }

lib_dir() {
  local lib
  lib="$("$CASS_DIR/fetch")" || die "fetching the Cassandra jars failed"
  echo "$lib"
}

log_tail() {
  local dir
  dir="$(node_dir "$1")"
  [[ -n "$dir" ]] || return 0
  if grep -qE '^(ERROR|WARN)' "$dir/logs/system.log" 2>/dev/null; then
    echo "----- $1: warnings and errors in $dir/logs/system.log -----" >&2
    grep -E '^(ERROR|WARN)' "$dir/logs/system.log" | tail -n 15 | cut -c1-400 >&2
  fi
  echo "----- $1: tail of $dir/logs/system.log -----" >&2
  tail -n "${2:-25}" "$dir/logs/system.log" 2>/dev/null | cut -c1-400 >&2 || true
  if [[ -s "$dir/logs/stdout.log" ]]; then
    echo "----- $1: tail of $dir/logs/stdout.log -----" >&2
    grep -v '^WARNING: .*[Ss]ecurity[Mm]anager\|^WARNING: A terminally deprecated' "$dir/logs/stdout.log" |
      tail -n 20 >&2 || true
  fi
}

# Runs NodeTool against the node at address $1 with the remaining arguments.
run_nodetool() {
  local addr="$1" lib
  shift
  lib="$(lib_dir)"
  "$CASS_JAVA" -Xms32m -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${CASS_JDK17_FLAGS[@]}" \
    -Dlogback.configurationFile="$CASS_DIR/logback-tools.xml" -Duser.home="$CASS_HOME" \
    -cp "$lib/*" org.apache.cassandra.tools.NodeTool \
    -h 127.0.0.1 -p "$(jmx_port "$addr")" "$@"
}

# Starts the node whose directory is $1 (already configured) in the background.
launch() {
  local dir="$1"
  # setsid: the node outlives the calling shell and its terminal.
  setsid "$dir/launch" >>"$dir/logs/stdout.log" 2>&1 </dev/null 9>&- &
  echo $! >"$dir/cassandra.pid"
}

CASS_T0=$(date +%s%N)
elapsed() { local d=$((($(date +%s%N) - CASS_T0) / 100000000)); echo "$((d / 10)).$((d % 10))"; }

# Nodes launched by this call of start/restart-node: killed again on failure,
# so a failed start leaves no JVM behind (their directories stay for a look,
# until ./stop).
CASS_LAUNCHED=()

# Prints the logs of the given nodes and exits non-zero.
fail_nodes() {
  local msg="$1" a pid
  shift
  log "$msg"
  for a in "$@"; do log_tail "$a"; done
  for a in "${CASS_LAUNCHED[@]+"${CASS_LAUNCHED[@]}"}"; do
    if pid="$(node_pid "$a")"; then
      kill -KILL "$pid" 2>/dev/null || true
      log "$a: killed the node this call started (pid $pid); its files stay in $(node_dir "$a") until ./stop"
    fi
  done
  exit 1
}

# Waits until every given node answers a CQL handshake (STARTUP -> READY),
# failing early when one's JVM exits.
wait_nodes() {
  local deadline=$(($(date +%s) + CASS_TIMEOUT)) a
  local -a pending=("$@") still
  while ((${#pending[@]})); do
    still=()
    for a in "${pending[@]}"; do
      if cql_ready "$a"; then
        log "$a: CQL ready after $(elapsed) s"
      elif ! node_pid "$a" >/dev/null; then
        fail_nodes "$a: the node exited before CQL came up" "$a"
      else
        still+=("$a")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]})) || break
    (($(date +%s) < deadline)) ||
      fail_nodes "timed out after ${CASS_TIMEOUT}s waiting for CQL on: ${pending[*]}" "${pending[@]}"
    sleep 0.5
  done
}

# Waits until each given node sees all the given nodes Up/Normal (nodetool status).
wait_ring() {
  local deadline=$(($(date +%s) + CASS_TIMEOUT)) want=$# a up out
  for a in "$@"; do
    while :; do
      out="$(run_nodetool "$a" status 2>&1 || true)"
      up=0
      for b in "$@"; do
        grep -qE "^UN +$b " <<<"$out" && up=$((up + 1))
      done
      ((up == want)) && break
      (($(date +%s) < deadline)) ||
        fail_nodes "timed out: $a sees $up of $want nodes Up/Normal:
$out" "$@"
      sleep 2
    done
  done
  log "$*: all $want Up/Normal, seen from each, after $(elapsed) s"
}

# Gossip generation of node $2 as node $1 sees it (a node's generation changes
# on every restart, so an old "Up" view of a restarted node is told apart).
gossip_generation() {
  run_nodetool "$1" gossipinfo 2>/dev/null | awk -v t="$2" '
    /^[^ ]/ { f = ($0 ~ ("/" t "(:[0-9]+)?$")) ; next }
    f && /generation:/ { sub(/.*generation:/, ""); print; exit }'
}

# Addresses of the nodes of ./start whose JVM is running.
running_nodes() {
  local link
  for link in "$CASS_RUN"/*; do
    [[ -L "$link" ]] && node_pid "$(basename "$link")" >/dev/null && basename "$link"
  done
  return 0
}

# Waits until node $1 has state $2 (UN, DN, ...) in nodetool status as seen by
# each of the remaining nodes; with $3 = a generation, also waits for that.
wait_seen_as() {
  local target="$1" state="$2" gen="$3" a
  shift 3
  local deadline=$(($(date +%s) + CASS_TIMEOUT))
  for a in "$@"; do
    while :; do
      if run_nodetool "$a" status 2>/dev/null | grep -qE "^$state +$target "; then
        [[ -z "$gen" || "$(gossip_generation "$a" "$target")" == "$gen" ]] && break
      fi
      (($(date +%s) < deadline)) ||
        fail_nodes "timed out: $a does not see $target as $state" "$target" "$a"
      sleep 2
    done
  done
}
