#!/usr/bin/env bash
# Runs a gtest binary against a fresh database on the ctest run's PostgreSQL
# cluster (started by the `postgres` fixture: tests/infra/postgres.sh up).
#   run_with_postgres.sh CLUSTER_DIR NAME BINARY [ARGS...]
# Creates database NAME_<random>, runs BINARY with CAIRN_TEST_POSTGRES_URI
# naming it, and fails unless at least one test ran (a filter that matches
# nothing must not pass silently).
set -euo pipefail
cluster=${1:?usage: run_with_postgres.sh CLUSTER_DIR NAME BINARY [ARGS...]}
name=${2:?usage: run_with_postgres.sh CLUSTER_DIR NAME BINARY [ARGS...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
db="${name}_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
uri=$("$here/postgres.sh" createdb "$cluster" "$db")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
CAIRN_TEST_POSTGRES_URI="$uri" "$@" 2>&1 | tee "$log" || status=$?
[ "$status" = 0 ] || exit "$status"
if ! grep -Eq '^\[  PASSED  \] [1-9][0-9]* test' "$log"; then
  echo "run_with_postgres.sh: no test ran against PostgreSQL" >&2
  exit 1
fi
