# Shared by scripts/check-contracts and scripts/fuzz-openapi (sourced, not run): the Python
# tools in a venv under target/, and a throwaway debug server with demo data.
#
# The server gets explicit flags and a fresh data directory, and runs with an emptied
# environment, so nothing of the caller's (RAASEL_*, DATABASE_URL, …) reaches it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/target/pyenv"
RAASEL_BIN="$ROOT/target/debug/raasel"
OPERATOR_TOKEN="contract-operator-token"

# Creates the venv once and installs tests/contract/requirements.txt when it changed.
ensure_venv() {
  local stamp="$VENV/.requirements"
  if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV"
  fi
  if ! cmp -s "$ROOT/tests/contract/requirements.txt" "$stamp"; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/contract/requirements.txt"
    cp "$ROOT/tests/contract/requirements.txt" "$stamp"
  fi
}

# Installs tests/contract's npm packages when the lock file changed.
ensure_npm() {
  local dir="$ROOT/tests/contract"
  local stamp="$dir/node_modules/.installed-lock.json"
  if ! cmp -s "$dir/package-lock.json" "$stamp"; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

SERVER_PID=""
SERVER_DIR=""
BASE=""

# Starts `raasel serve --demo` on a free port with a fresh data directory; sets BASE.
# Extra arguments are passed to `serve`.
start_server() {
  SERVER_DIR="$(mktemp -d "${TMPDIR:-/tmp}/raasel-contract.XXXXXX")"
  local port
  port="$(free_port)"
  BASE="http://127.0.0.1:$port"
  env -i PATH="/usr/bin:/bin" HOME="$SERVER_DIR" RUST_LOG=warn "$RAASEL_BIN" serve \
    --listen "127.0.0.1:$port" --data-dir "$SERVER_DIR/data" --demo \
    --jwt-secret "contract-jwt-secret" --operator-token "$OPERATOR_TOKEN" \
    "$@" >"$SERVER_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 150); do
    if curl -fsS "$BASE/health" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  echo "the server did not start; its log:" >&2
  cat "$SERVER_DIR/server.log" >&2
  return 1
}

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
  if [[ -n "$SERVER_DIR" ]]; then
    rm -rf "$SERVER_DIR"
  fi
  SERVER_DIR=""
}

# Prints the server's log (for failures) without stopping it.
server_log() {
  [[ -n "$SERVER_DIR" && -f "$SERVER_DIR/server.log" ]] && cat "$SERVER_DIR/server.log"
}
