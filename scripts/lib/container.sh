# shellcheck shell=bash
# Shared by scripts/container-image and scripts/container-test (sourced, not run): podman from
# Debian's packages, a Debian bookworm base image made with debootstrap from the machine's apt
# mirror (no container registry needed), and the podman flags this machine's kernel needs.
#
# The base image is cached twice: the debootstrap tree as a tarball in $CONTAINER_CACHE
# (default /var/tmp/raasel-container, survives `cargo clean`), and the imported image in podman's
# storage. Delete both (`podman rmi $LOCAL_BASE; rm -r /var/tmp/raasel-container`) to refresh it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONTAINER_CACHE="${CONTAINER_CACHE:-/var/tmp/raasel-container}"
# Stands in for debian:bookworm-slim (the Dockerfile's BASE) where no registry is reachable.
LOCAL_BASE="localhost/raasel-local/debian:bookworm"
# Filled by container_probe: the flags `podman run` and `podman build` need on this machine.
PODMAN_FLAGS=()

say() { printf '== %s\n' "$*" >&2; }
fail() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# Installs Debian's packages when a command is missing (as root).
apt_need() { # command package...
  local cmd=$1; shift
  command -v "$cmd" >/dev/null && return 0
  [ "$(id -u)" = 0 ] || fail "$cmd is missing: install $* (apt-get install $*) or run this as root"
  export DEBIAN_FRONTEND=noninteractive
  say "installing $* from Debian's packages"
  apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "$@" >/dev/null; } \
    || fail "could not install $*"
}

container_tools() {
  [ "$(id -u)" = 0 ] || fail "run this as root (rootful podman; rootless needs subuid ranges set up)"
  # Recommends bring conmon's network stack (netavark, aardvark-dns, slirp4netns) and crun.
  command -v podman >/dev/null || {
    export DEBIAN_FRONTEND=noninteractive
    say "installing podman from Debian's packages"
    apt-get install -y podman >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && apt-get install -y podman >/dev/null; } \
      || fail "could not install podman"
  }
}

# The first apt source for bookworm itself, e.g. http://deb.debian.org/debian/.
debian_mirror() {
  local uri
  uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null \
        | awk '$2 == "bookworm" { print $1; exit }')
  echo "${DEBIAN_MIRROR:-${uri:-http://deb.debian.org/debian/}}"
}
debian_security_mirror() {
  local uri
  uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null \
        | awk '$2 == "bookworm-security" { print $1; exit }')
  echo "${DEBIAN_SECURITY_MIRROR:-${uri:-http://deb.debian.org/debian-security/}}"
}

# Makes $LOCAL_BASE: debootstrap --variant=minbase bookworm, brought up to date with
# bookworm-updates and bookworm-security, apt's lists and caches removed (like debian:*-slim).
base_image() {
  if podman image exists "$LOCAL_BASE"; then return 0; fi
  local tar="$CONTAINER_CACHE/debian-bookworm-minbase.tar"
  if [ ! -s "$tar" ]; then
    local mirror security dir started=$SECONDS
    apt_need debootstrap debootstrap
    mirror=$(debian_mirror); security=$(debian_security_mirror)
    mkdir -p "$CONTAINER_CACHE"
    dir=$(mktemp -d "$CONTAINER_CACHE/rootfs.XXXXXX")
    say "making a Debian bookworm base with debootstrap from $mirror (once; cached in $CONTAINER_CACHE)"
    debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$CONTAINER_CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CONTAINER_CACHE/debootstrap.log" >&2; rm -rf "$dir"; fail "debootstrap failed (log: $CONTAINER_CACHE/debootstrap.log)"; }
    rm -f "$dir/etc/apt/sources.list"
    cat >"$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    DEBIAN_FRONTEND=noninteractive chroot "$dir" sh -c 'apt-get update -q && apt-get -y -q upgrade && apt-get clean' \
      >>"$CONTAINER_CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CONTAINER_CACHE/debootstrap.log" >&2; rm -rf "$dir"; fail "updating the base failed"; }
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/log/*.log \
           "$dir"/dev/* "$dir"/proc/* "$dir"/sys/* "$dir"/run/* "$dir"/tmp/* "$dir"/debootstrap
    : >"$dir/etc/resolv.conf"
    tar --numeric-owner --xattrs -C "$dir" -cf "$tar.part" . && mv "$tar.part" "$tar"
    rm -rf "$dir"
    say "base made in $((SECONDS - started)) s"
  fi
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase bookworm $(debian_mirror)" \
    "$tar" "$LOCAL_BASE" >/dev/null || fail "podman import of $tar failed"
}

# Finds the flags `podman run` needs here, by running `true` in image $1 (default $LOCAL_BASE):
# - a hybrid cgroup v1/v2 hierarchy with a controller on v2: crun refuses it ("cgroups in hybrid
#   mode not supported, drop all controllers from cgroupv2"), runc does not: --runtime runc;
# - no CAP_SYS_RESOURCE (sandboxes): podman asks for 1048576 open files and crun/runc cannot
#   raise the hard limit ("setrlimit `RLIMIT_NOFILE`: Operation not permitted"): ask for the
#   limits this shell already has.
container_probe() {
  PODMAN_FLAGS=()
  local image=${1:-$LOCAL_BASE} out attempt
  for attempt in 1 2 3 4; do
    if out=$(podman run --rm --network none --entrypoint true "${PODMAN_FLAGS[@]}" "$image" 2>&1); then
      [ ${#PODMAN_FLAGS[@]} = 0 ] || say "podman needs here: ${PODMAN_FLAGS[*]}"
      return 0
    fi
    case "$out" in
      *"cgroups in hybrid mode"*)
        apt_need runc runc
        PODMAN_FLAGS+=(--runtime runc) ;;
      *setrlimit*)
        PODMAN_FLAGS+=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit "nproc=4096:4096") ;;
      *) break ;;
    esac
  done
  fail "podman cannot run a container here: podman run --rm --entrypoint true ${PODMAN_FLAGS[*]} $image: $out"
}
