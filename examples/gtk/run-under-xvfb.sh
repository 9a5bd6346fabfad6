#!/bin/sh
# Runs a command on a private X server (xvfb-run from Debian's xvfb), with a
# 24-bit screen, and on a private session bus when dbus-run-session is
# there (GtkApplication wants one). Exits 77 (meson's "skipped") when
# xvfb-run is missing.
# Usage: run-under-xvfb.sh COMMAND [ARGS...]
command -v xvfb-run >/dev/null 2>&1 || { echo "xvfb-run not found: skipped"; exit 77; }
if command -v dbus-run-session >/dev/null 2>&1; then
  set -- dbus-run-session -- "$@"
fi
exec xvfb-run -a -s '-screen 0 1280x1024x24' "$@"
