#!/usr/bin/env bash
# Fetch Mermaid 11 from the npm registry into build/vendor/mermaid/ for the browser tests.
# The tests route https://unpkg.com/mermaid@11/dist/mermaid.min.js to this local copy,
# because the machines running them have no internet beyond the package registries.
# Only the deployment guide's hand-written diagram needs it: the generated diagrams are
# static SVG. `fetch_mermaid.sh 12` fetches Mermaid 12 (what Zensical's theme loads) into
# build/vendor/mermaid12/ instead. Idempotent: does nothing when the file is already there.
set -euo pipefail
major="${1:-11}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$root/build/vendor/mermaid"
[ "$major" = 11 ] || dest="$dest$major"
target="$dest/package/dist/mermaid.min.js"

if [ -s "$target" ]; then
    echo "mermaid already present: $target"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "fetch_mermaid.sh: npm not found; the Mermaid browser test will skip" >&2
    exit 1
fi

mkdir -p "$dest"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tarball="$(cd "$tmp" && npm pack --silent "mermaid@$major" | tail -n 1)"
tar -xzf "$tmp/$tarball" -C "$tmp" package/dist/mermaid.min.js package/package.json
rm -rf "$dest/package"
mv "$tmp/package" "$dest/package"
echo "mermaid $(node -p "require('$dest/package/package.json').version" 2>/dev/null || echo "$major") -> $target"
