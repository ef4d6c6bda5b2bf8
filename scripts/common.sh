# Shared by scripts/run and scripts/test (sourced, not run): installs what is
# missing from Debian's packages, then configures and builds into build/.

set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${DESCENT_BUILD_DIR:-$ROOT/build}

# Every dependency is a Debian 12 package; nothing is downloaded from elsewhere.
# libopenblas0-openmp: Debian's reference BLAS makes a batch-1 net call ~10x slower.
# chromium: the run page's browser test (tests/app/inspect_page_test.sh).
PACKAGES=(
  cmake g++ make pkg-config
  libtorch-dev libopenblas0-openmp libtbb-dev libboost-dev
  libcli11-dev libspdlog-dev nlohmann-json3-dev libsqlite3-dev libgtest-dev
  libsdl2-dev libsdl2-ttf-dev zlib1g-dev fonts-dejavu-core xvfb
  gnugo leela-zero chromium
)

ensure_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "scripts: installing missing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# configure_and_build [extra cmake -D options...]
configure_and_build() {
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$BUILD" -j "$(nproc)"
}
