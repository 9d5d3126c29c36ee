#!/usr/bin/env bash
# What PostgreSQL itself accepts on this machine when it writes Raasel's messages: pgbench
# inserts rows into the `messages` table of a database a Raasel server has migrated and used
# (its indexes and its search trigger included), the way a plain client would, in three shapes:
#   single  one INSERT per transaction (each commit waits for its WAL flush)
#   batched 100 single-row INSERTs per transaction (Raasel's writer commits in batches)
#   multi   one INSERT of 100 rows per transaction
# For each: rows per second, and the CPU PostgreSQL's processes used per 1,000 rows (measured
# over the run's middle, from /proc). The rows it adds stay in the database (a bench database).
#
#   bench/pg-ceiling.sh postgres://raasel:raasel@127.0.0.1/raasel_bench [seconds] [clients]
set -euo pipefail

url=${1:?usage: bench/pg-ceiling.sh POSTGRES_URL [seconds=20] [clients=4]}
secs=${2:-20}
clients=${3:-4}
command -v pgbench >/dev/null || PATH=$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
command -v pgbench >/dev/null || { echo "pgbench not found (PostgreSQL's server package has it)" >&2; exit 1; }

sessions=$(psql -qtA "$url" -c "SELECT count(*) FROM sessions")
[ "$sessions" -gt 0 ] || { echo "no conversations in $url: run raasel-bench messages --database-url $url first" >&2; exit 1; }
psql -q "$url" <<'SQL'
CREATE TABLE IF NOT EXISTS ceiling_sessions AS
    SELECT row_number() OVER (ORDER BY id) AS n, id, organization_id FROM sessions LIMIT 200;
CREATE SEQUENCE IF NOT EXISTS ceiling_seq START 1000000000;
SQL
count=$(psql -qtA "$url" -c "SELECT count(*) FROM ceiling_sessions")

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
row="gen_random_uuid(), organization_id, id, nextval('ceiling_seq'), 'customer', NULL, 'Visitor', repeat('x', 100), md5(random()::text), now()"
cols="id, organization_id, session_id, seq, sender_type, sender_id, sender_name, content, client_msg_id, created_at"
insert="INSERT INTO messages ($cols) SELECT $row FROM ceiling_sessions WHERE n = :n;"
printf '\\set n random(1, %s)\n%s\n' "$count" "$insert" > "$dir/single.sql"
{
  printf '\\set n random(1, %s)\nBEGIN;\n' "$count"
  for _ in $(seq 100); do echo "$insert"; done
  echo "COMMIT;"
} > "$dir/batched.sql"
printf '\\set n random(1, %s)\nINSERT INTO messages (%s) SELECT %s FROM ceiling_sessions, generate_series(1, 100) WHERE n = :n;\n' \
  "$count" "$cols" "$row" > "$dir/multi.sql"

# utime + stime (clock ticks) of every process named postgres.
pg_ticks() {
  local total=0 pid
  for pid in $(pgrep -x postgres); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

hz=$(getconf CLK_TCK)
printf '%-8s %12s %14s %22s\n' shape "rows/s" "postgres cores" "postgres CPU/1,000 rows"
for shape in single batched multi; do
  per_tx=100
  [ "$shape" = single ] && per_tx=1
  pgbench -n -M prepared -c "$clients" -j "$clients" -T "$secs" -f "$dir/$shape.sql" "$url" > "$dir/$shape.out" 2>&1 &
  bench=$!
  sleep 2
  t0=$(date +%s.%N); c0=$(pg_ticks)
  sleep $((secs - 4))
  t1=$(date +%s.%N); c1=$(pg_ticks)
  wait "$bench" || { cat "$dir/$shape.out" >&2; exit 1; }
  tps=$(awk '/^tps/ {print $3; exit}' "$dir/$shape.out")
  awk -v tps="$tps" -v n="$per_tx" -v c="$((c1 - c0))" -v hz="$hz" -v t0="$t0" -v t1="$t1" -v s="$shape" 'BEGIN {
    rows = tps * n; cores = c / hz / (t1 - t0);
    printf "%-8s %12.0f %14.2f %20.3f s\n", s, rows, cores, cores / rows * 1000 }'
done
