#!/bin/sh
# Product smoke test: starts a materialized product on the current X display with a fresh
# workspace, waits until its workbench window ("<workspace> - <title>") is mapped, and fails if
# the product exits first, if the window does not appear within the time limit, or if the
# workspace log holds an error entry. Catches what a build cannot see: a bundle that the product
# lacks at run time (as an optional import of a wrapped jar does).
#
# usage: smoke-test.sh PRODUCT_DIR TITLE JAVA [TIMEOUT_SECONDS]
set -eu
product=$1 title=$2 java=$3 timeout=${4:-180}

fail() { echo "[smoke-test] FAILED: $*" >&2; exit 1; }
[ -n "${DISPLAY-}" ] || fail "no DISPLAY; run the build under xvfb-run (Debian package xvfb)"
command -v xwininfo >/dev/null || fail "xwininfo not found (Debian package x11-utils)"
set -- "$product"/plugins/org.eclipse.equinox.launcher_*.jar
[ -f "$1" ] || fail "no launcher jar in $product/plugins"
launcher=$1

base=$(mktemp -d)
ws="$base/smoke"
out="$base/console.txt"
"$java" -Xmx1g -jar "$launcher" -data "$ws" >"$out" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$base"; }
trap cleanup EXIT

dump() {
  echo "--- console" >&2; tail -n 40 "$out" >&2 || true
  echo "--- workspace log" >&2; cat "$ws/.metadata/.log" >&2 2>/dev/null || echo "(none)" >&2
}

start=$(date +%s)
while ! xwininfo -root -tree | grep -q "\"smoke - $title"; do
  if ! kill -0 "$pid" 2>/dev/null; then dump; fail "the product exited before its workbench window appeared"; fi
  if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then dump; fail "no workbench window '$title' within $timeout s"; fi
  sleep 1 # polling the X server, not waiting for a race
done
elapsed=$(( $(date +%s) - start ))
kill -0 "$pid" 2>/dev/null || { dump; fail "the product died right after opening its window"; }
if [ -f "$ws/.metadata/.log" ] && grep -q '^!ENTRY [^ ]* 4 ' "$ws/.metadata/.log"; then
  dump; fail "the workspace log holds errors"
fi
echo "[smoke-test] '$title' workbench window up after ${elapsed}s, no error in the workspace log"
