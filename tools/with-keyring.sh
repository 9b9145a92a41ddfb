#!/usr/bin/env bash
# Run a command with a real OS keyring: a private D-Bus session and an unlocked
# gnome-keyring (Secret Service), as on a user's desktop. Where they are not installed the
# command runs as is, and the tests that need a keyring say why they are skipped.
set -euo pipefail
if [[ "${HOSPIDESK_KEYRING_READY:-}" != 1 ]] && command -v dbus-run-session >/dev/null \
        && command -v gnome-keyring-daemon >/dev/null; then
    exec dbus-run-session -- env HOSPIDESK_KEYRING_READY=1 "$0" "$@"
fi
if [[ "${HOSPIDESK_KEYRING_READY:-}" == 1 ]]; then
    # A throw-away login keyring for this session only, unlocked with a fixed password.
    export XDG_DATA_HOME="${XDG_DATA_HOME:-$(mktemp -d)}"
    eval "$(printf 'hospidesk-tests' | gnome-keyring-daemon --unlock --components=secrets \
        --daemonize 2>/dev/null)" || true
fi
exec "$@"
