#!/usr/bin/env bash
# Every decoder measurement the README's tables quote, into docs/measured/ — one stage at a time, each
# skipped when its output is already there (delete the file to rerun it), so a run that a session's end
# cuts off resumes where it stopped.
#   tools/measure_all.sh [STAGE ...]      stages: prior diffcom demo solvers icdm refiners glyphs (default: all)
# Environment: N (images sent, default 100), THREADS (default 2), PRIOR (default prior_fmnist).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck disable=SC1091
source .prefix/env.sh
N="${N:-100}"; THREADS="${THREADS:-2}"; PRIOR="${PRIOR:-prior_fmnist}"
OUT=docs/measured
mkdir -p "$OUT"
gs() { .venv/bin/gr-semdiff --threads "$THREADS" "$@"; }

# stage NAME OUTPUT COMMAND...: runs COMMAND (its output teed to OUTPUT.txt) unless OUTPUT exists
stage() {
  local name="$1" target="$2"; shift 2
  if [ -e "$target" ]; then echo "[measure] $name: $target exists, skipped"; return; fi
  echo "[measure] $name → $target"
  mkdir -p "$(dirname "$target")"
  "$@" 2>&1 | tee "${target%.*}.txt"
}

run_prior() {
  stage prior "$OUT/prior/prior_report.json" gs eval prior --prior "$PRIOR" --n 1000 --steps 50 --out "$OUT/prior"
}
run_diffcom() {
  stage diffcom "$OUT/diffcom.json" gs eval diffcom --n "$N" --prior "$PRIOR" --blind --json "$OUT/diffcom.json"
}
run_demo() {
  stage demo "$OUT/demo_goal.json" gs eval diffcom --n "$N" --prior "$PRIOR" --conditions demo \
    --jscc jscc_fmnist_ofdm_cbr1-16 --json "$OUT/demo_goal.json"
}
run_solvers() {
  # HiFi-DiffCom's step grid and solver at the demo's link: does a better solver need fewer steps?
  for spec in ancestral:1000 ddim:100 dpmpp_2m:100 dpmpp_2m:50 dpmpp_2m:25; do
    local solver="${spec%%:*}" steps="${spec##*:}"
    stage "solver $solver/$steps" "$OUT/solvers/${solver}_${steps}.json" gs eval diffcom --n "$N" --prior "$PRIOR" \
      --conditions demo --jscc jscc_fmnist_ofdm_cbr1-16 --methods deepjscc,hifi_diffcom \
      --params "{\"hifi_diffcom\": {\"solver\": \"$solver\", \"max_steps\": $steps}}" \
      --json "$OUT/solvers/${solver}_${steps}.json"
  done
}
run_icdm() {
  stage icdm "$OUT/icdm/icdm_report.json" gs eval icdm --n "$N" --out "$OUT/icdm"
}
run_refiners() {
  stage refiners "$OUT/refiners/refiners.json" gs eval refiners --n "$N" --prior "$PRIOR" \
    --lams 0,16,64,256,1024 --out "$OUT/refiners"
}
run_glyphs() {
  [ -d out/glyphs ] || .venv/bin/python tools/make_glyphs.py out/glyphs
  stage glyphs "$OUT/glyphs/refiners.json" gs eval refiners --images out/glyphs --prior "$PRIOR" --out "$OUT/glyphs"
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(prior diffcom demo solvers icdm refiners glyphs)
for s in "${stages[@]}"; do
  case "$s" in
    prior|diffcom|demo|solvers|icdm|refiners|glyphs) "run_$s" ;;
    *) echo "measure_all: unknown stage '$s' (prior diffcom demo solvers icdm refiners glyphs)" >&2; exit 2 ;;
  esac
done
