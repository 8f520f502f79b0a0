#!/usr/bin/env bash
# Builds the project's Dockerfile, unmodified, with podman on the local stand-in of its base
# image (base.sh), in the OCI engine's Docker format so that HEALTHCHECK is kept:
#   scripts/image/build.sh [tag]          default tag: commonroom-worker
# Prints the tag of the built image.
#
# The build's `npm ci` gets from this machine, in its RUN steps only (so none of it is in the
# image), through a mount over /usr/local/etc, where npm reads its global npmrc:
# - the registry the host's npm uses and the CA certificates it trusts (here the registry is
#   reached through an intercepting proxy whose CA the official image would not trust);
# and, as an overlay that is read but never written, the host's npm cache, so that a build
# downloads only what the cache lacks. podman passes the host's proxy variables
# (HTTPS_PROXY, ...) to RUN steps by itself, without keeping them in the image.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=scripts/image/cache.sh
source "$here/cache.sh"
tag="${1:-commonroom-worker}"

"$here/base.sh" >/dev/null

etc="$IMAGE_CACHE/build-npm-etc"
mkdir -p "$etc"
rm -f "$etc/ca.crt"
npm_cafile="$(npm config get cafile)"
if [ -n "$npm_cafile" ] && [ "$npm_cafile" != null ]; then
  cat "$npm_cafile" >>"$etc/ca.crt"
elif [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
  # npm's cafile replaces Node's own roots, so the system's go with the extra ones.
  cat "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$NODE_EXTRA_CA_CERTS" >>"$etc/ca.crt"
fi
{
  echo "registry=$(npm config get registry)"
  [ -s "$etc/ca.crt" ] && echo "cafile=/usr/local/etc/ca.crt"
  echo "prefer-offline=true"
  echo "update-notifier=false"
} >"$etc/npmrc"
mounts=(-v "$etc:/usr/local/etc:ro")
npm_cache="$(npm config get cache)"
[ -d "$npm_cache" ] && mounts+=(-v "$npm_cache:/root/.npm:O")

log="$IMAGE_CACHE/build.log"
started=$SECONDS
if ! "$here/podman" build --format docker --pull=never "${mounts[@]}" -t "$tag" "$repo" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "build: podman build failed; the whole log is in $log" >&2
  exit 1
fi
echo "build: $tag built in $((SECONDS - started)) s (log: $log)" >&2
# Intermediate images are the layer cache of the next build; the week-old ones go.
"$here/podman" image prune --force --filter until=168h >/dev/null
echo "$tag"
