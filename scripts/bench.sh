#!/usr/bin/env bash
# Side-by-side benchmarks against the reference (in-toto 3.1.0), written as a Markdown
# table to stdout (docs/benchmarks.md is made from it).
#
#   ./scripts/bench.sh                  steps {1,5,20} x artifacts {10,1000,10000}
#   BENCH_FULL=1 ./scripts/bench.sh     ... and 100,000 artifacts (the reference needs
#                                       minutes and ~1.7 GB at 20 x 100k)
#   BENCH_RUNS=5 ./scripts/bench.sh     hyperfine runs per command (default 3)
#
# Every figure of a row is measured in the same invocation, one command right after the
# other, so the ratios hold even on a busy machine; absolute seconds do not.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
runs=${BENCH_RUNS:-3}
sizes="10 1000 10000"
[ -n "${BENCH_FULL:-}" ] && sizes="$sizes 100000"
out="$repo/target/bench"
mkdir -p "$out/chains"

command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
venv=$(./scripts/setup-reference.sh | tail -n 1)
py="$venv/bin/python"
cargo build -q --release -p intoto-verify-cli
cargo build -q --release -p intoto-verify --example inproc
ours="$repo/target/release/intoto-verify"
inproc="$repo/target/release/examples/inproc"

peak_kb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }

echo "| steps x artifacts | whole process: reference | ours | ratio | in-process: reference | ours | ratio | peak RSS: reference | ours | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for s in 1 5 20; do
  for m in $sizes; do
    chain="$out/chains/s${s}_m${m}"
    [ -f "$chain/root.layout" ] || "$py" bench/gen_chain.py "$chain" --steps "$s" --artifacts "$m" --seed 1 >/dev/null
    ref_cmd="$venv/bin/in-toto-verify --layout $chain/root.layout --verification-keys $chain/owner.pub --link-dir $chain/links"
    our_cmd="$ours -q --layout $chain/root.layout --verification-keys $chain/owner.pub --link-dir $chain/links"
    # 100,000 artifacts: the reference needs minutes per run, so one run and no warm-up.
    r=$runs; w=1
    [ "$m" -ge 100000 ] && { r=1; w=0; }
    hyperfine -N --warmup "$w" --runs "$r" --export-json "$out/s${s}_m${m}.json" "$ref_cmd" "$our_cmd" >/dev/null 2>&1
    read -r ref_w our_w < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(r[0]['median'], r[1]['median'])" "$out/s${s}_m${m}.json")
    ref_i=$(cd "$chain" && "$py" "$repo/bench/inproc_verify.py" . --repeat "$r" | python3 -c "import json,sys; print(json.load(sys.stdin)['median_s']['in_toto_verify'])")
    our_i=$("$inproc" "$chain" "$r" | python3 -c "import json,sys; print(json.load(sys.stdin)['median_s'])")
    # shellcheck disable=SC2086
    ref_m=$(peak_kb $ref_cmd)
    # shellcheck disable=SC2086
    our_m=$(peak_kb $our_cmd)
    python3 - "$s" "$m" "$ref_w" "$our_w" "$ref_i" "$our_i" "$ref_m" "$our_m" <<'EOF'
import sys
s, m, rw, ow, ri, oi, rm, om = sys.argv[1:]
rw, ow, ri, oi, rm, om = map(float, (rw, ow, ri, oi, rm, om))
def t(x): return f"{x*1000:.1f} ms" if x < 1 else f"{x:.2f} s"
print(f"| {s} x {int(m):,} | {t(rw)} | {t(ow)} | {rw/ow:.0f}x | {t(ri)} | {t(oi)} | {ri/oi:.0f}x | {rm/1024:.0f} MB | {om/1024:.0f} MB | {om/rm*100:.0f}% |")
EOF
  done
done
