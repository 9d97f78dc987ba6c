#!/usr/bin/env bash
# Rebuild the README's screenshots of the example site with headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
port=8765
out="$(mktemp -d)"
briefings build . --output "$out/site" --base-url "http://127.0.0.1:$port/"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out/site" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
shoot() {
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --disable-sync --hide-scrollbars \
        --user-data-dir="$out/profile" --window-size=1100,900 --screenshot="docs/$1" \
        "http://127.0.0.1:$port/$2" 2>/dev/null
}
shoot screenshot-home.png ""
shoot screenshot-briefing.png "briefings/$(ls content/briefings | grep -m1 china | sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}-//; s/\.md$//')/"
