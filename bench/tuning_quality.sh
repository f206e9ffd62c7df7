#!/bin/sh
# Search-quality benchmark: cairn's tuning algorithms beside Optuna on the
# same functions, budgets and seeds. Numbers go to bench/RESULTS.md by hand.
#   bench/tuning_quality.sh [BUILD_DIR]   (default build/release; needs the
#   tuning_quality target built). Installs Debian's python3-optuna if it is
#   missing (as root, through apt).
set -eu
build=${1:-build/release}
# Debian's python3-optuna lives in the system interpreter, not a pyenv/venv one.
py=${PYTHON:-/usr/bin/python3}
here=$(dirname "$0")
if ! "$py" -c 'import optuna' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y python3-optuna >/dev/null || { apt-get update >/dev/null && apt-get install -y python3-optuna >/dev/null; }
  else
    echo "python3-optuna is missing: run 'sudo apt-get install python3-optuna'" >&2
    exit 1
  fi
fi
echo "## cairn"
"$build/bench/tuning_quality" ${TUNING_QUALITY_ARGS:-}
echo
echo "## Optuna"
"$py" "$here/tuning_quality_optuna.py" ${TUNING_QUALITY_OPTUNA_ARGS:-}
