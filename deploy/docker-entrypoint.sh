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
  *)
    exec legation "$command" "$@"
    ;;
esac
