#!/usr/bin/env bash
# Runs every benchmark of benchmarks/ and the kernel comparison in one go, and rewrites the generated part of
# benchmarks/README.md with their tables: date, commit, load average, thread count and allocator settings first, then
# one section per benchmark (medians over repeats with their range). The README shows the latest full run only; earlier
# runs stay in git log.
#
#   benchmarks/run-all.sh                  the full run (about an hour on an idle 2-core machine; more when loaded)
#   THREADS=1 benchmarks/run-all.sh        another thread count (default: the number of cores), on both sides
#   ONLY="kuramoto kernels" benchmarks/run-all.sh   some sections only (kuramoto concepts kernels attribution probing
#                                          attribution-memory training); the README then says which ran
#   KERNEL_READY_TO_RUN=false ...          build the kernel without ReadyToRun (faster build, slower kernel start)
#   QUICK=1 benchmarks/run-all.sh          a plumbing check with tiny sizes (no training); writes a copy of the
#                                          README in the working folder, never benchmarks/README.md
#
# Every process, ours and the peers (PyTorch, NumPy, scikit-learn, ipykernel, .NET Interactive), runs with the same
# allocator settings (what Phosphene's NativeRuntime sets: glibc trim threshold 256 MiB, mmap threshold 32 MiB), the
# same thread count and the same oneDNN instruction-set cap (ONEDNN_MAX_CPU_ISA, AVX2 unless set: NativeRuntime's cap,
# so PyTorch's convolutions take the same oneDNN path as ours). The attribution benchmark also runs its peer with
# glibc's default allocator and reports both.
# .NET Interactive comes from the repository's tool manifest dotnet-tools.json (`dotnet tool restore`); when it cannot
# be installed, its row is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# GNU nproc honours OMP_NUM_THREADS, so the core count is read before the thread variables are set.
cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
THREADS=${THREADS:-$cores}
ONLY=${ONLY:-kuramoto concepts kernels attribution probing attribution-memory training}
TUNABLES=glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=33554432
export ONEDNN_MAX_CPU_ISA=${ONEDNN_MAX_CPU_ISA:-AVX2}
export GLIBC_TUNABLES=$TUNABLES OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d /tmp/phosphene-run-all.XXXXXX)
report=$work/sections.md
readme=$root/benchmarks/README.md
if [[ -n "${QUICK:-}" ]]; then
  readme=$work/README.md
  cp benchmarks/README.md "$readme"
  KERNEL_READY_TO_RUN=${KERNEL_READY_TO_RUN:-false}
fi
log=$work/run.log
: >"$report"
echo "run-all: working in $work (log: $log)"

load() { cut -d' ' -f1 /proc/loadavg; }
started_at=$(date -u '+%Y-%m-%d %H:%M UTC')
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src benchmarks || commit="$commit + uncommitted changes"
loads=()
done_sections=()

# Rewrites the generated part of the README (between the two markers) from the sections so far.
write_readme() {
  local status=$1
  /usr/bin/python3 - "$readme" "$report" "$status" "$started_at" "$commit" "$load_at_start" \
    "$(IFS=,; echo "${loads[*]:-}")" "$THREADS" "$TUNABLES" "$cores" "$(IFS=,; echo "${done_sections[*]:-}")" \
    "$ONEDNN_MAX_CPU_ISA" <<'EOF'
import sys
readme, report, status, started, commit, load_start, loads, threads, tunables, cores, sections, isa = sys.argv[1:]
begin, end = "<!-- run-all.sh: generated from here -->", "<!-- run-all.sh: generated up to here -->"
text = open(readme).read()
if begin not in text or end not in text:
    sys.exit(f"{readme} lacks the markers {begin} / {end}")
peaks = [float(x) for x in loads.split(",") if x]
header = [
    begin,
    "",
    f"## Latest run: {started}, commit {commit}",
    "",
    f"`benchmarks/run-all.sh`, {status}. Sections: {sections.replace(',', ', ') or 'none'}.",
    "",
    f"- Machine: {cores} cores, shared with other developers; load average (1, 5, 15 min) at the start {load_start}"
    + (f"; 1-min load average sampled before and after each section: {min(peaks):.1f}–{max(peaks):.1f}" if peaks else "")
    + " (every number below moves with it; each section states its own).",
    f"- Threads: {threads} on every side (torch.set_num_threads, OMP/OpenBLAS/MKL_NUM_THREADS).",
    f"- oneDNN: ONEDNN_MAX_CPU_ISA={isa} for every process (Phosphene's own cap; PyTorch's convolutions take the same path).",
    f"- Allocator: GLIBC_TUNABLES={tunables} for every process (ours also sets the same with mallopt); the attribution "
    "section adds the peer with glibc's defaults.",
    "- Medians over repeats, with the range (min–max) in parentheses; ratios are taken on the medians.",
    "",
]
body = open(report).read().rstrip()
head, rest = text.split(begin, 1)
tail = rest.split(end, 1)[1]
open(readme, "w").write(head + "\n".join(header) + "\n" + body + "\n\n" + end + tail)
EOF
}

# Runs one section: records the load before and after, appends its tables, and refreshes the README.
section() {
  local name=$1; shift
  case " $ONLY " in *" $name "*) ;; *) return 0 ;; esac
  local before after t0
  before=$(load); t0=$(date +%s)
  echo "run-all: $name ($(date -u +%H:%M:%S), load $before)"
  if "$@" >>"$log" 2>&1; then
    after=$(load)
    printf '_Load average (1 min) %s before this section, %s after; %d min._\n\n' "$before" "$after" $(( ($(date +%s) - t0 + 30) / 60 )) >>"$report"
    loads+=("$before" "$after")
    done_sections+=("$name")
  else
    local status=$?
    echo "run-all: $name FAILED (exit status $status; see $log)"
    printf '### %s\n\nFailed in this run (exit status %s).\n\n' "$name" "$status" >>"$report"
  fi
  write_readme "in progress"
}

echo "run-all: building (Release)"
dotnet build benchmarks/Phosphene.Benchmarks/Phosphene.Benchmarks.csproj -c Release -v q -nologo >>"$log" 2>&1
bench() { dotnet benchmarks/Phosphene.Benchmarks/bin/Release/net10.0/Phosphene.Benchmarks.dll "$@" --report "$report"; }

# Kernels: ours from this checkout, ipykernel from Debian, .NET Interactive from the tool manifest; kernelspecs in a
# temporary JUPYTER_PATH so nothing of the user's changes.
kernels() {
  dotnet build src/Phosphene.Kernel/Phosphene.Kernel.csproj -c Release -v q -nologo \
    -p:KernelReadyToRun="${KERNEL_READY_TO_RUN:-true}" >>"$log" 2>&1
  dotnet src/Phosphene.Kernel/bin/Release/net10.0/Phosphene.Kernel.dll install --prefix "$work/jupyter" >>"$log" 2>&1
  local names=python3,phosphene-csharp
  local version dll
  version=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tools"]["microsoft.dotnet-interactive"]["version"])' \
    dotnet-tools.json)
  if dotnet tool restore >>"$log" 2>&1; then
    dll=$(ls "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/microsoft.dotnet-interactive/"$version"/tools/*/any/Microsoft.DotNet.Interactive.App.dll 2>/dev/null | head -1)
  fi
  if [[ -n "${dll:-}" ]]; then
    mkdir -p "$work/jupyter/share/jupyter/kernels/.net-csharp"
    # What `dotnet interactive jupyter install` writes, with the tool's entry point run directly (as its shim does).
    cat >"$work/jupyter/share/jupyter/kernels/.net-csharp/kernel.json" <<JSON
{"argv": ["$(command -v dotnet)", "$dll", "jupyter", "--default-kernel", "csharp", "--http-local-only", "{connection_file}"],
 "display_name": ".NET (C#)", "language": "C#"}
JSON
    names=$names,.net-csharp
  else
    echo "run-all: .NET Interactive $version could not be installed from the tool manifest (dotnet tool restore); its row is skipped" | tee -a "$log"
    printf '_.NET Interactive %s could not be installed here (`dotnet tool restore` failed), so its row is missing._\n\n' "$version" >>"$report"
  fi
  JUPYTER_PATH="$work/jupyter/share/jupyter" /usr/bin/python3 benchmarks/kernel_latency.py --kernels "$names" \
    --runs "$1" --cells "$2" --launches "$3" --markdown "$report"
}

# Shortest first, training (minutes per side) last, so a run cut short still has most tables. scikit-learn's ridge
# takes minutes per fit (RidgeCV's full SVD), so ridge is fitted once per side.
if [[ -z "${QUICK:-}" ]]; then
  section kuramoto bench kuramoto --threads "$THREADS" --repeats 3
  section concepts bench concepts --threads "$THREADS" --repeats 3 --images 100
  section kernels kernels 200 1000 3
  section attribution bench attribution --threads "$THREADS" --repeats 5
  section probing bench probing --threads "$THREADS" --repeats 3 --ridge-repeats 1
  section attribution-memory bench attribution-memory
  section training bench training --models cnn --threads "$THREADS"
else
  section attribution bench attribution --threads "$THREADS" --repeats 2 --methods saliency,integrated-gradients --images 2
  section attribution-memory bench attribution-memory --calls 4 --warmup 2 --images 2 --methods saliency --metrics deletion
  section concepts bench concepts --threads "$THREADS" --repeats 2 --rows 256 --cols 64 --iterations 10 --images 4 --designs 8
  section probing bench probing --threads "$THREADS" --repeats 2 --ridge-repeats 2 --n 500 --logistic-d 32 --ridge-d 64
  section kuramoto bench kuramoto --threads "$THREADS" --repeats 2
  section kernels kernels 10 50 1
fi

write_readme "complete ($(date -u +%H:%M) UTC end)"
echo "run-all: done; $readme rewritten (log: $log)"
