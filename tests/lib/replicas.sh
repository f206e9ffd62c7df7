# Sourced by the scale-out test and bench: cairn replicas sharing one store
# and one artifact directory, and Debian's nginx in front of them, all on
# 127.0.0.1 under one work directory.
#   start_replica BINARY WORKDIR NAME STORE_URI [extra server flags...]
#       starts `cairn server --replica-id NAME`; sets PORT_<NAME>, PID_<NAME>
#   start_nginx_lb WORKDIR PORT...
#       round robin over 127.0.0.1:PORT...; sets LB_URL, LB_PID
#   stop_pids PID...
#       SIGTERM each, then wait for each (the callers' cleanup)
#   replicas_test_init TAG
#       for test scripts: sets `work` (a fresh temp dir), `pids` (empty; add
#       every process started) and `pg_dir` (for tests/infra/postgres.sh,
#       found through `infra`, which the caller sets); on exit stops `pids`
#       and that PostgreSQL and removes `work`. Defines `fail MESSAGE`
#       (prints the replicas' and nginx's log tails, exits 1) and `need TOOL`.

start_replica() {
  local binary=$1 work=$2 name=$3 store_uri=$4
  shift 4
  local log="$work/replica-$name.log"
  (cd "$work" && exec "$binary" server --port 0 --replica-id "$name" --backend-store-uri "$store_uri" \
     --artifacts-destination "$work/artifacts" "$@") >"$log" 2>&1 &
  local pid=$!
  local i
  for i in $(seq 1 300); do
    if grep -q "listening on" "$log" 2>/dev/null; then
      printf -v "PORT_$name" '%s' "$(grep -o 'http://[0-9.]*:[0-9]*' "$log" | head -1 | sed 's/.*://')"
      printf -v "PID_$name" '%s' "$pid"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "replica $name exited during start-up:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "replica $name did not start" >&2
  return 1
}

start_nginx_lb() {
  local work=$1
  shift
  local dir="$work/nginx" port servers="" p
  mkdir -p "$dir/tmp"
  for p in "$@"; do
    # One failure takes a replica out for 30 s: a dead one refuses
    # connections, and nginx then passes the request on (below).
    servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=30s;"$'\n'
  done
  port=$(( 20000 + RANDOM % 12000 ))  # below the ephemeral range (32768+)
  local user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root;"  # workers read the temp dirs we own
  cat > "$dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  upstream cairn {
$servers    keepalive 32;
  }
  server {
    listen 127.0.0.1:$port;
    client_max_body_size 64m;
    # Bodies up to 4 MiB (a 1000-metric log-batch is ~100 KB) stay in
    # memory instead of a temp file.
    client_body_buffer_size 4m;
    location / {
      proxy_pass http://cairn;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # The client's address, for replicas started with --trusted-proxies.
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
      # A refused connection means the request was never sent, so nginx
      # may pass it on to the next replica, POST included.
      proxy_next_upstream error timeout;
    }
  }
}
CONF
  /usr/sbin/nginx -c "$dir/nginx.conf" -p "$dir" >"$dir/stdout.log" 2>&1 &
  LB_PID=$!
  LB_URL="http://127.0.0.1:$port"
  local i
  for i in $(seq 1 100); do
    curl -sf "$LB_URL/health" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "nginx does not answer on $LB_URL:" >&2
  cat "$dir/error.log" "$dir/stdout.log" >&2 2>/dev/null
  return 1
}

stop_pids() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

replicas_test_init() {
  work=$(mktemp -d -t "cairn-$1.XXXXXX")
  chmod 755 "$work"
  pids=()
  pg_dir="$work/pg"
  trap replicas_test_cleanup EXIT
}
replicas_test_cleanup() {
  stop_pids "${pids[@]}"
  "$infra/postgres.sh" down "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
fail() {
  echo "FAIL: $*" >&2
  local log
  for log in "$work"/replica-*.log "$work/nginx/error.log"; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 25 "$log" >&2; }
  done
  exit 1
}
need() { command -v "$1" >/dev/null || [ -x "$1" ] || fail "$1 is not installed (scripts/install-deps.sh installs it)"; }
