# shellcheck shell=bash
# Sourced by the image scripts. IMAGE_CACHE: where the stand-in base image, the downloads and
# podman's storage are kept between runs, outside the repository (delete it to start afresh).
export IMAGE_CACHE="${IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/commonroom-worker-image}"
mkdir -p "$IMAGE_CACHE"
