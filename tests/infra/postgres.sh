#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, on 127.0.0.1 only.
#   postgres.sh up DIR [PORT]   initdb into DIR, start, create database
#                               "cairn"; prints its URI (port: a free one)
#   postgres.sh createdb DIR NAME   another database on that cluster; prints its URI
#   postgres.sh down DIR        stop it (immediate) and remove DIR
# Runs as root (CI) or as an ordinary user. The server process belongs to
# the user 'postgres' when run as root (initdb refuses root). fsync is off:
# the data is thrown away; nothing here is a production setting.
set -euo pipefail
action=${1:?usage: postgres.sh up|createdb|down DIR ...}
dir=${2:?usage: postgres.sh up|createdb|down DIR ...}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "postgres.sh: PostgreSQL server binaries not found (apt install postgresql-15)" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    # Below the kernel's ephemeral range (32768+), so no outgoing
    # connection holds it.
    port=$(( 20000 + RANDOM % 12000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "postgres.sh: no free port" >&2; exit 1
}

case "$action" in
  up)
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # A port taken between the check and the bind: try another.
    for attempt in 1 2 3 4 5; do
      port=${3:-$(free_port)}
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null; then
        break
      fi
      if [ "$attempt" = 5 ] || [ -n "${3:-}" ] || ! grep -q "could not bind" "$dir/server.log"; then
        cat "$dir/server.log" >&2
        exit 1
      fi
    done
    echo "$port" > "$dir/port"
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres cairn
    echo "postgresql://postgres@127.0.0.1:$port/cairn"
    ;;
  createdb)
    name=${3:?usage: postgres.sh createdb DIR NAME}
    port=$(cat "$dir/port")
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name"
    echo "postgresql://postgres@127.0.0.1:$port/$name"
    ;;
  down)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: postgres.sh up|createdb|down DIR ..." >&2; exit 2 ;;
esac
