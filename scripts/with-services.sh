#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL + Redis:
#
#   bash scripts/with-services.sh <command...>
#
# Both servers listen on free loopback ports (127.0.0.1 only) and keep all their state in one
# temp dir. The command sees DATABASE_URL=postgres://postgres@127.0.0.1:<port>/confab and
# REDIS_URL=redis://127.0.0.1:<port>, and SERVICES_PG_CONTROL, a script that stops Postgres
# immediately (`stop`) and starts it again (`start`) for fault tests. Whatever happens (success, failure, Ctrl-C, SIGTERM),
# both servers are stopped and the temp dir is removed; the script exits with the command's
# exit code (128+signal when interrupted).
#
# Binaries come from PATH or /usr/lib/postgresql/*/bin (newest first). Postgres refuses to run
# as root, so when run as root the cluster is owned by and run as the `postgres` OS user
# (or `nobody` if there is none).
set -euo pipefail

log() { printf 'with-services: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ "$#" -eq 0 ]; then
  echo "usage: bash scripts/with-services.sh <command...>" >&2
  exit 2
fi

READY_TIMEOUT_S="${SERVICES_READY_TIMEOUT_S:-30}"
DB_NAME=confab
DB_USER=postgres

# ---------------------------------------------------------------- binaries

missing_hint() {
  log "$1 not found; install it with: apt-get install -y postgresql redis-server (.ci/run installs them)"
  exit 127
}

find_pg_bindir() {
  local candidate dir
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then echo "$PG_BINDIR"; return 0; fi
  # initdb on PATH (possibly a symlink into the real bin dir, which also has pg_isready etc.).
  if candidate="$(command -v initdb 2>/dev/null)"; then
    dir="$(dirname "$(readlink -f "$candidate")")"
    if [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
  fi
  if candidate="$(command -v pg_config 2>/dev/null)"; then
    dir="$(pg_config --bindir 2>/dev/null || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
  fi
  # Debian/Ubuntu layout, newest major version first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rn); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
  done
  for dir in /usr/pgsql-*/bin /usr/local/pgsql/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

PG_BIN="$(find_pg_bindir)" || missing_hint "PostgreSQL (initdb/postgres)"
REDIS_SERVER="$(command -v redis-server 2>/dev/null || true)"
[ -n "$REDIS_SERVER" ] || { [ -x /usr/bin/redis-server ] && REDIS_SERVER=/usr/bin/redis-server; } || missing_hint "redis-server"
REDIS_CLI="$(command -v redis-cli 2>/dev/null || true)"

pg_tool() { # pg_tool NAME: path of a client tool, preferring the server's own bin dir
  if [ -x "$PG_BIN/$1" ]; then echo "$PG_BIN/$1"; else command -v "$1" 2>/dev/null || return 1; fi
}
PG_ISREADY="$(pg_tool pg_isready || true)"
PSQL="$(pg_tool psql || true)"
[ -n "$PSQL" ] || missing_hint "psql"

# ---------------------------------------------------------------- unprivileged user for postgres

# Services run in their own session, so a Ctrl-C meant for the command does not kill them
# under it; cleanup stops them after the command has finished. (setsid execs in place here:
# a background job is never a process group leader, so $! stays the service's pid.)
SETSID="$(command -v setsid 2>/dev/null || true)"

RUN_AS=""
if [ "$(id -u)" -eq 0 ]; then
  if id -u postgres >/dev/null 2>&1; then RUN_AS=postgres; else RUN_AS=nobody; fi
fi

as_pg() { # runs "$@" as the user that owns the cluster (no-op when not root)
  if [ -z "$RUN_AS" ]; then "$@"; return; fi
  if command -v runuser >/dev/null 2>&1; then
    runuser -u "$RUN_AS" -- "$@"
  elif command -v setpriv >/dev/null 2>&1; then
    setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --init-groups -- "$@"
  else
    su -s /bin/sh "$RUN_AS" -c "$(printf '%q ' "$@")"
  fi
}

as_pg_exec() { # like as_pg, but replaces the current process where possible (setpriv execs)
  if [ -z "$RUN_AS" ]; then exec $SETSID "$@"; fi
  if command -v setpriv >/dev/null 2>&1; then
    exec $SETSID setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --init-groups -- "$@"
  fi
  as_pg "$@"
}

# ---------------------------------------------------------------- free ports

free_port() {
  # Ask the kernel for an unused port (bound then released); fall back to probing at random.
  local port
  if command -v node >/dev/null 2>&1; then
    port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null || true)"
    if [ -n "$port" ]; then echo "$port"; return 0; fi
  fi
  if command -v python3 >/dev/null 2>&1; then
    port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()' 2>/dev/null || true)"
    if [ -n "$port" ]; then echo "$port"; return 0; fi
  fi
  local i
  for i in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# ---------------------------------------------------------------- state + cleanup

WORK="$(mktemp -d "${TMPDIR:-/tmp}/confab-services.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT # until the full cleanup below is in place
chmod 755 "$WORK"
PGDATA_DIR="$WORK/pgdata"
PG_SOCK_DIR="$WORK/pgsock"
PG_LOG="$WORK/postgres.log"
REDIS_DIR="$WORK/redis"
REDIS_LOG="$WORK/redis.log"
mkdir -p "$PG_SOCK_DIR" "$REDIS_DIR"
[ -z "$RUN_AS" ] || chown -R "$RUN_AS" "$WORK"

PG_PORT=""
PG_PID=""
REDIS_PID=""
REDIS_PORT=""
CMD_PID=""
CMD_PGID=""
CLEANED=0

stop_postgres() {
  [ -n "$PG_PID" ] || return 0
  local pid="$PG_PID" postmaster i
  PG_PID=""
  # SIGINT = fast shutdown. Signal the postmaster itself (it may sit under a runuser/su wrapper).
  postmaster="$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)"
  kill -INT "${postmaster:-$pid}" 2>/dev/null || kill -INT "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do
    # The postmaster may be one the command restarted through SERVICES_PG_CONTROL.
    kill -0 "$pid" 2>/dev/null || { [ -n "$postmaster" ] && kill -0 "$postmaster" 2>/dev/null; } || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "postgres did not stop in 15s; killing it"
    [ -z "$postmaster" ] || kill -KILL "$postmaster" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_redis() {
  [ -n "$REDIS_PID" ] || return 0
  local pid="$REDIS_PID" i
  REDIS_PID=""
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "redis did not stop in time; killing pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_command_group() {
  # The command runs in its own process group (see below): end whatever of it is still
  # running, including grandchildren such as servers a test runner spawned and was killed
  # before stopping.
  [ -n "$CMD_PGID" ] || return 0
  local pgid="$CMD_PGID" i
  CMD_PGID=""
  kill -0 -- "-$pgid" 2>/dev/null || return 0
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for i in $(seq 1 100); do
    kill -0 -- "-$pgid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 -- "-$pgid" 2>/dev/null; then
    log "processes of the command still running after 10s; killing them"
    kill -KILL -- "-$pgid" 2>/dev/null || true
  fi
  [ -z "$CMD_PID" ] || wait "$CMD_PID" 2>/dev/null || true
}

cleanup() {
  [ "$CLEANED" -eq 0 ] || return 0
  CLEANED=1
  stop_command_group
  if [ -n "$CMD_PID" ] && kill -0 "$CMD_PID" 2>/dev/null; then # no setsid: only the command itself
    kill -TERM "$CMD_PID" 2>/dev/null || true
    wait "$CMD_PID" 2>/dev/null || true
  fi
  stop_redis
  stop_postgres
  rm -rf "$WORK"
}

on_signal() { # forward to the command, clean up, exit 128+signal
  local sig="$1" code="$2"
  trap - INT TERM HUP
  log "caught SIG$sig; stopping services"
  if [ -n "$CMD_PGID" ]; then kill "-$sig" -- "-$CMD_PGID" 2>/dev/null || true; fi
  exit "$code"
}

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

dump_log() { # dump_log FILE: the last lines of a service log, for a start-up failure
  [ -f "$1" ] || return 0
  log "---- last lines of $(basename "$1") ----"
  tail -n 20 "$1" >&2 || true
}

# ---------------------------------------------------------------- postgres

(cd "$WORK" && as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U "$DB_USER" --auth=trust -E UTF8 --locale=C --no-sync) \
  >"$WORK/initdb.log" 2>&1 || { dump_log "$WORK/initdb.log"; die "initdb failed"; }

# wait_ready PID CHECK LOG NAME: 0 once CHECK passes; 1 if the process exited first (the
# caller retries on another port); dies if it is still not ready after READY_TIMEOUT_S.
wait_ready() {
  local pid="$1" check="$2" logfile="$3" name="$4" deadline=$(( SECONDS + READY_TIMEOUT_S ))
  while kill -0 "$pid" 2>/dev/null; do
    if "$check"; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      dump_log "$logfile"
      die "$name not ready after ${READY_TIMEOUT_S}s"
    fi
    sleep 0.1
  done
  return 1
}

run_postgres() { # execs the postmaster in place (run it in the background)
  cd "$WORK"
  # Throwaway cluster: no fsync for speed. Commits still write their WAL before returning
  # (synchronous_commit), so what was acked survives a Postgres crash (SIGQUIT via
  # SERVICES_PG_CONTROL), just not a machine crash.
  as_pg_exec "$PG_BIN/postgres" -D "$PGDATA_DIR" -p "$PG_PORT" -k "$PG_SOCK_DIR" \
    -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=on -c full_page_writes=off \
    -c max_connections=200 </dev/null >>"$PG_LOG" 2>&1
}

start_postgres() {
  # Started as our own child (not via pg_ctl, which detaches it) so cleanup can wait for it to
  # exit; setpriv execs in place, so $! is the postmaster itself.
  local attempt
  for attempt in 1 2 3; do
    PG_PORT="$(free_port)" || die "could not find a free port for postgres"
    run_postgres &
    PG_PID=$!
    if wait_ready "$PG_PID" pg_ready "$PG_LOG" "postgres on 127.0.0.1:$PG_PORT"; then return 0; fi
    wait "$PG_PID" 2>/dev/null || true
    PG_PID=""
    log "postgres failed to start on port $PG_PORT (attempt $attempt)"
  done
  dump_log "$PG_LOG"
  die "postgres did not start (log above)"
}

pg_ready() {
  if [ -n "$PG_ISREADY" ]; then
    "$PG_ISREADY" -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -t 2
  else
    "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d postgres -Atqc 'select 1' >/dev/null 2>&1
  fi
}

start_postgres
"$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 -Atqc "create database $DB_NAME" \
  >/dev/null || die "could not create database $DB_NAME"

# ---------------------------------------------------------------- redis

redis_ping() {
  if [ -n "$REDIS_CLI" ]; then
    [ "$("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
  else
    local reply
    reply="$(exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && read -r -t 2 line <&3 && printf '%s' "$line")" 2>/dev/null || return 1
    [ "${reply%$'\r'}" = "+PONG" ]
  fi
}

start_redis() {
  local attempt
  for attempt in 1 2 3; do
    REDIS_PORT="$(free_port)" || die "could not find a free port for redis"
    $SETSID "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save "" --appendonly no \
      --daemonize no --logfile "$REDIS_LOG" </dev/null >/dev/null 2>&1 &
    REDIS_PID=$!
    if wait_ready "$REDIS_PID" redis_ping "$REDIS_LOG" "redis on 127.0.0.1:$REDIS_PORT"; then return 0; fi
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
    log "redis failed to start on port $REDIS_PORT (attempt $attempt)"
  done
  dump_log "$REDIS_LOG"
  die "redis did not start (log above)"
}

start_redis

# ---------------------------------------------------------------- the command

# A control script for fault tests: `stop` shuts Postgres down immediately (SIGQUIT: no
# checkpoint, connections cut, like a crash), `start` starts it again on the same port and
# data dir and waits until it accepts connections.
write_pg_control() {
  {
    echo '#!/usr/bin/env bash'
    echo '# Generated by scripts/with-services.sh: pg-control stop|start'
    echo 'set -euo pipefail'
    declare -p RUN_AS SETSID PG_BIN PGDATA_DIR PG_PORT PG_SOCK_DIR PG_LOG WORK DB_USER PG_ISREADY PSQL
    declare -f as_pg as_pg_exec run_postgres pg_ready
    cat <<'EOS'
case "${1:-}" in
  stop)
    pid="$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)"
    [ -n "$pid" ] || exit 0
    kill -QUIT "$pid" 2>/dev/null || exit 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
    echo "pg-control: postgres $pid did not stop" >&2; exit 1 ;;
  start)
    run_postgres &
    for _ in $(seq 1 300); do pg_ready && exit 0; sleep 0.1; done
    echo "pg-control: postgres did not start" >&2; exit 1 ;;
  *) echo "usage: pg-control stop|start" >&2; exit 2 ;;
esac
EOS
  } >"$WORK/pg-control"
  chmod 755 "$WORK/pg-control"
}
write_pg_control

export SERVICES_PG_CONTROL="$WORK/pg-control"
export DATABASE_URL="postgres://$DB_USER@127.0.0.1:$PG_PORT/$DB_NAME"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
log "postgres at $DATABASE_URL, redis at $REDIS_URL (state in $WORK)"

# In the background so a signal reaches our trap at once rather than after the command
# finishes; stdin is kept and SIGINT/SIGQUIT un-ignored (a non-interactive shell ignores them
# in background jobs). With setsid the command leads its own process group, so cleanup can
# stop everything it started (signals from the terminal are forwarded by the traps above).
set +e
if [ -n "$SETSID" ]; then
  ( trap - INT QUIT; exec "$SETSID" "$@" ) <&0 &
  CMD_PID=$!
  CMD_PGID=$CMD_PID
else
  ( trap - INT QUIT; exec "$@" ) <&0 &
  CMD_PID=$!
fi
wait "$CMD_PID"
status=$?
set -e
CMD_PID=""
exit "$status"
