#!/usr/bin/env bash
# Starts a throwaway Debian PostgreSQL server on 127.0.0.1 for the cluster tests (@Tag("cluster"),
# *ClusterIT), to run them on Debian's server instead of the one they start themselves
# (testkit/PostgresServer). Neither the test command (.ci/test) nor CI needs it.
#
#   eval "$(bash .ci/postgres.sh start)"   # installs PostgreSQL from Debian when missing, starts it,
#                                          # prints: export CRONLOOP_TEST_PG_URL=... CRONLOOP_TEST_PG_DIR=...
#   bash .ci/postgres.sh stop              # stops the server started above and removes its folder
#
# The URL is also written to target/postgres.url, which the tests read when the variable is unset.
# The server runs as a non-root user (PostgreSQL refuses root) in a temp folder, trusts local
# connections (loopback only, throwaway data) and listens on the first free port from PGPORT
# (default 55432).
set -euo pipefail
cd "$(dirname "$0")/.."

cmd="${1:-start}"
port="${PGPORT:-55432}"
state_file="target/postgres.dir"

pg_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [[ -z "$bin" ]]; then
    if [[ "$(id -u)" != 0 ]]; then
      echo "postgres.sh: PostgreSQL is not installed and this is not root; run: sudo apt-get install -y postgresql" >&2
      exit 1
    fi
    echo "postgres.sh: installing PostgreSQL from Debian" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  echo "$bin"
}

# Runs a command as the server's owner: root hands it to the "postgres" user (created by the
# Debian package) or to "nobody"; anyone else runs it as themselves.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    local user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    su -s /bin/bash "$user" -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# The first free port from PGPORT on, so that a server left running by an earlier run is no obstacle.
free_port() {
  local p="$port"
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
    p=$((p + 1))
  done
  echo "$p"
}

start() {
  local bin dir url
  bin="$(pg_bin)"
  port="$(free_port)"
  dir="$(mktemp -d /tmp/cronloop-pg.XXXXXX)"
  chmod 755 "$dir"
  if [[ "$(id -u)" == 0 ]]; then
    local user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$dir"
  fi
  as_owner "$bin/initdb" -D "$dir/data" -U cronloop -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off -c synchronous_commit=off" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U cronloop cronloop
  url="jdbc:postgresql://127.0.0.1:$port/cronloop?user=cronloop"
  mkdir -p target
  echo "$url" >target/postgres.url
  echo "$dir" >"$state_file"
  echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir" >&2
  echo "export CRONLOOP_TEST_PG_URL='$url' CRONLOOP_TEST_PG_DIR='$dir'"
}

stop() {
  local dir="${CRONLOOP_TEST_PG_DIR:-}"
  [[ -z "$dir" && -f "$state_file" ]] && dir="$(cat "$state_file")"
  [[ -z "$dir" || ! -d "$dir" ]] && return 0
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate stop >&2 || true
  rm -rf "$dir" "$state_file" target/postgres.url
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
