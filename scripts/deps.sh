#!/bin/sh
# deps.sh: install the Debian packages adoptsim needs when they are missing.
#   sh scripts/deps.sh run    what building and running need
#   sh scripts/deps.sh test   that plus what the tests and benchmarks need
#   sh scripts/deps.sh fuzz   that plus what `make fuzz` needs (clang 14 with
#                             libFuzzer and its sanitizer runtimes, LLVM's OpenMP)
# As root it installs them with apt-get; otherwise it prints the exact command.
set -eu

run_pkgs="build-essential pkg-config libgsl-dev libhdf5-dev libyaml-dev librandom123-dev zlib1g-dev libdeflate-dev"
# r-cran-hdf5r (with r-base-core): analysis/plot_adoption.R and its tests
test_pkgs="libcriterion-dev hdf5-tools python3-h5py python3-xarray python3-netcdf4 python3-numpy python3-scipy python3-networkx python3-matplotlib netcdf-bin r-cran-hdf5r"
# Debian 12: clang-14 compiles -fsanitize=fuzzer; the libFuzzer, ASan and
# UBSan runtimes are in libclang-rt-14-dev; clang's -fopenmp links libomp.
fuzz_pkgs="clang-14 libclang-rt-14-dev libomp-14-dev"

case "${1:-run}" in
    run) want="$run_pkgs" ;;
    test) want="$run_pkgs $test_pkgs" ;;
    fuzz) want="$run_pkgs $fuzz_pkgs" ;;
    *) echo "usage: sh scripts/deps.sh run|test|fuzz" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
else
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: install them with:  sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
