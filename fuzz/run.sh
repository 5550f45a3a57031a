#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a bounded time each, starting from the seeds
# and the corpus kept from earlier runs. Needs the nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
#   fuzz/run.sh                 # every target, 120 s each
#   SECONDS_EACH=600 fuzz/run.sh sync_frame
# A crash leaves its input in fuzz/artifacts/<target>/ and stops with a non-zero exit; turn it
# into a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${SECONDS_EACH:-120}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(sync_frame case_file patients_csv drugs_csv)
fi
seeds_of() {
    case "$1" in
        case_file) echo ../tests/scenarios ;;
        drugs_csv) echo ../fixtures/demo ;;
        *) echo "seeds/$1" ;;
    esac
}
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    echo "== $target: ${seconds} s"
    cargo +nightly fuzz run "$target" "corpus/$target" "$(seeds_of "$target")" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
done
