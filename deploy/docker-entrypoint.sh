#!/bin/sh
# The image's entry point (Dockerfile). "serve" (the default) migrates the database with
# `legation init` (safe to rerun, and the only command that migrates), then serves on
# 0.0.0.0:${LEGATION_PORT:-8000} without the built-in job worker: the worker runs as its own
# container ("worker"). Anything else is a legation command. With LEGATION_SKIP_INIT=1 "serve"
# does not migrate (several web containers: one migrates, the others only serve).
set -eu
command="${1:-serve}"
[ "$#" -gt 0 ] && shift
case "$command" in
  serve)
    if [ "${LEGATION_SKIP_INIT:-0}" != "1" ]; then
      legation init
    fi
    exec legation serve --host 0.0.0.0 --port "${LEGATION_PORT:-8000}" --no-worker "$@"
    ;;
  worker)
    exec legation worker "$@"
    ;;
  healthcheck)
    # PID 1 is tini running this script: a worker container is alive while it runs.
    if tr '\0' ' ' < /proc/1/cmdline | grep -q ' worker'; then
      exit 0
    fi
    exec python3 -c "import os, sys, urllib.request
r = urllib.request.urlopen('http://localhost:%s/readyz' % os.environ.get('LEGATION_PORT', '8000'), timeout=4)
sys.exit(r.status != 200)"
    ;;
  *)
    exec legation "$command" "$@"
    ;;
esac
