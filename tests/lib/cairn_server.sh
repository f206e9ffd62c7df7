# Sourced by shell test scripts: starts the real cairn binary on a free
# loopback port in a fresh temp directory and stops it on exit.
#   start_cairn <cairn-binary> [extra server flags...]
# sets CAIRN_URL, CAIRN_PID, CAIRN_WORKDIR.

start_cairn() {
  local binary=$1
  shift
  CAIRN_WORKDIR=$(mktemp -d -t cairn-test.XXXXXX)
  local log="$CAIRN_WORKDIR/server.log"
  (cd "$CAIRN_WORKDIR" && exec "$binary" server --port 0 "$@") >"$log" 2>&1 &
  CAIRN_PID=$!
  trap stop_cairn EXIT
  local i
  for i in $(seq 1 200); do
    if grep -q "listening on" "$log" 2>/dev/null; then
      CAIRN_URL=$(grep -o 'https\?://[0-9.]*:[0-9]*' "$log" | head -1)
      export CAIRN_URL
      return 0
    fi
    if ! kill -0 "$CAIRN_PID" 2>/dev/null; then
      echo "cairn exited during start-up:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "cairn did not report its port in time:" >&2
  cat "$log" >&2
  return 1
}

stop_cairn() {
  if [ -n "${CAIRN_PID:-}" ] && kill -0 "$CAIRN_PID" 2>/dev/null; then
    kill -TERM "$CAIRN_PID"
    wait "$CAIRN_PID" 2>/dev/null || true
  fi
  [ -n "${CAIRN_WORKDIR:-}" ] && rm -rf "$CAIRN_WORKDIR"
  CAIRN_PID=
}
