#!/usr/bin/python3
"""Kernel latency: the Phosphene C# kernel against Debian's ipykernel, in one run.

For each kernel: time from launch to the first kernel_info_reply, from launch to the first `1+1` result, the
median round trip (execute_request sent -> execute_reply received, with its iopub output) of N small executes, and
the CPU time the kernel process spent per small execute (user + system, from /proc/PID/stat, all its threads). The
small executes start once each kernel has finished its background start-up work (its CPU use has settled), so they
measure the steady state; the first result is measured from launch without waiting. On a
shared machine the wall-clock numbers move with the load; the CPU time per execute barely does, so it is the fairer
comparison when `uptime` is high (the load averages are printed with the results).
Prints a side-by-side table with ratios and the targets of issue 3 (first result within 3 s of launch; median round
trip at most 2x ipykernel's).

Memory (`--cells N`): after the round trips, the resident memory of the kernel's process tree (VmRSS of the kernel
and its descendants) before and after N more small executes, scaled to MB per 1000 cells.
`--launches R` repeats the whole measurement R times per kernel (fresh processes) and reports the median and the
range; `--markdown FILE` writes that table (benchmarks/run-all.sh puts it in benchmarks/README.md).

Usage: benchmarks/kernel_latency.py [--runs 200] [--kernels python3,phosphene-csharp] [--cells 1000] [--launches 3]
                                    [--markdown FILE]
The phosphene-csharp kernelspec must be installed (environment/run-series.sh does it, or
`dotnet src/Phosphene.Kernel/bin/Release/net10.0/Phosphene.Kernel.dll install --user`); benchmarks/run-all.sh installs
it, and .NET Interactive's (kernel `.net-csharp`), in a temporary JUPYTER_PATH.
"""
import argparse
import collections
import os
import re
import queue
import statistics
import sys
import time

from jupyter_client import KernelManager

SMALL = {"python3": "1+1", "phosphene-csharp": "1+1", ".net-csharp": "1+1"}
LABELS = {"python3": "ipykernel", "phosphene-csharp": "Phosphene kernel", ".net-csharp": ".NET Interactive (C#)"}
Measurement = collections.namedtuple("Measurement", "info first round_trip cpu_per_execute resident_mb mb_per_1000_cells")


def wait_for_result(client, msg_id, timeout):
    """Waits for the execute_result and the idle status of msg_id on iopub; returns the result text."""
    result = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = client.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        kind = message["msg_type"]
        if kind == "execute_result":
            data = message["content"]["data"]
            result = data.get("text/plain", next(iter(data.values()), None))
        elif kind == "error":
            raise RuntimeError(f"execute failed: {message['content']['evalue']}")
        elif kind == "status" and message["content"]["execution_state"] == "idle":
            return result
    raise TimeoutError(f"no result for {msg_id} within {timeout} s")


def process_cpu_seconds(pid):
    """User + system CPU seconds of process pid and its exited children so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def kernel_pid(manager):
    """The kernel process id (jupyter_client 7+ keeps it on the provisioner)."""
    provisioner = getattr(manager, "provisioner", None)
    process = getattr(provisioner, "process", None) or getattr(manager, "kernel", None)
    return process.pid


def tree_resident_mb(pid):
    """Resident memory (VmRSS) of process pid and all its descendants, in MB (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total / 1024


def settle(pid, quiet=0.05, timeout=60):
    """Waits until the kernel's own background start-up work (e.g. warming completion) is done: until it uses less
    than `quiet` of a CPU over half a second, or `timeout` seconds pass. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = process_cpu_seconds(pid)
        time.sleep(0.5)
        if (process_cpu_seconds(pid) - before) / 0.5 < quiet:
            break
    return time.monotonic() - started


def measure(kernel_name, runs, cells=0):
    manager = KernelManager(kernel_name=kernel_name)
    launched = time.monotonic()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        # Waits for a kernel_info_reply and for iopub to deliver (a SUB socket misses what is sent before it connects).
        client.wait_for_ready(timeout=60)
        info_seconds = time.monotonic() - launched
        msg_id = client.execute(SMALL[kernel_name])
        first = wait_for_result(client, msg_id, 60)
        first_seconds = time.monotonic() - launched
        client.get_shell_msg(timeout=60)
        # .NET Interactive answers with HTML only (<pre>2</pre> plus a style sheet): compare the text.
        if first is None or re.sub(r"<style.*?</style>|<[^>]+>", "", first, flags=re.S).strip() != "2":
            raise RuntimeError(f"{kernel_name}: 1+1 gave {first!r}")
        pid = kernel_pid(manager)
        settle(pid)
        cpu_before = process_cpu_seconds(pid)
        trips = []
        for i in range(runs):
            started = time.monotonic()
            msg_id = client.execute(f"{i}+1")
            wait_for_result(client, msg_id, 30)
            client.get_shell_msg(timeout=30)
            trips.append(time.monotonic() - started)
        cpu_per_execute = (process_cpu_seconds(pid) - cpu_before) / runs
        resident = tree_resident_mb(pid)
        per_1000 = None
        if cells:
            for i in range(cells):
                msg_id = client.execute(f"{i}+2")
                wait_for_result(client, msg_id, 30)
                client.get_shell_msg(timeout=30)
            settle(pid)
            per_1000 = (tree_resident_mb(pid) - resident) * 1000 / cells
        return Measurement(info_seconds, first_seconds, statistics.median(trips), cpu_per_execute, resident, per_1000)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--kernels", default="python3,phosphene-csharp")
    parser.add_argument("--cells", type=int, default=0, help="small executes for the memory measurement (0: none)")
    parser.add_argument("--launches", type=int, default=1, help="fresh launches per kernel (median and range)")
    parser.add_argument("--markdown", help="write the markdown table of the median and range of every launch here")
    args = parser.parse_args()
    names = args.kernels.split(",")
    load_before = os.getloadavg()
    launches = {name: [] for name in names}
    for _ in range(args.launches):   # interleaved, so a change of load hits every kernel alike
        for name in names:
            launches[name].append(measure(name, args.runs, args.cells))
    rows = {name: Measurement(*(statistics.median(v) if v[0] is not None else None for v in zip(*runs)))
            for name, runs in launches.items()}
    load_after = os.getloadavg()
    if args.markdown:
        write_markdown(args, launches, load_before, load_after)

    print(f"machine load (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs")
    print(f"{'kernel':<18} {'kernel_info (s)':>16} {'first 1+1 (s)':>14} {'median round trip (ms)':>23} {'CPU per execute (ms)':>21}")
    for name, (info, first, median, cpu, *_) in rows.items():
        print(f"{name:<18} {info:16.2f} {first:14.2f} {median * 1000:23.2f} {cpu * 1000:21.2f}")
    if "python3" in rows and "phosphene-csharp" in rows:
        ours, peer = rows["phosphene-csharp"], rows["python3"]
        ratio = ours[2] / peer[2]
        print()
        print(f"phosphene-csharp / ipykernel: kernel_info x{ours[0] / peer[0]:.2f}, first result x{ours[1] / peer[1]:.2f}, "
              f"median round trip x{ratio:.2f}, CPU per execute x{ours[3] / peer[3]:.2f}")
        print(f"targets: first result <= 3 s: {'met' if ours[1] <= 3 else 'missed'} ({ours[1]:.2f} s); "
              f"median round trip <= 2x ipykernel: {'met' if ratio <= 2 else 'missed'} (x{ratio:.2f})")
    return 0


def write_markdown(args, launches, load_before, load_after):
    """The table of benchmarks/README.md: median (min–max) over the launches of each kernel, ratios to ipykernel."""
    def cell(values, scale, digits):
        values = sorted(v * scale for v in values if v is not None)
        if not values:
            return "-"
        median = statistics.median(values)
        return f"{median:.{digits}f}" if len(values) == 1 else f"{median:.{digits}f} ({values[0]:.{digits}f}–{values[-1]:.{digits}f})"

    peer = launches.get("python3")
    lines = [
        f"Each kernel launched {args.launches} time(s) through jupyter_client, interleaved; per launch: launch → first `1+1` result, "
        f"the median round trip of {args.runs} small executes (after the kernel's start-up work settles), the kernel's CPU time "
        f"per execute, its resident memory (process tree) then, and the growth of that memory over {args.cells} further small "
        "executes, per 1000 cells. Median (min–max) over the launches. Every kernel inherits the same environment, allocator "
        f"settings included (GLIBC_TUNABLES={os.environ.get('GLIBC_TUNABLES', 'unset: glibc defaults')}). Load average (1 min) "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after, {os.cpu_count()} CPUs.",
        "",
        "| kernel | launch → first result s | median round trip ms | round trip / ipykernel's | CPU per execute ms | "
        "resident MB after start | MB per 1000 cells |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, runs in launches.items():
        ratio = "-"
        if peer:
            ratio = f"{statistics.median(r.round_trip for r in runs) / statistics.median(p.round_trip for p in peer):.2f}"
        lines.append(f"| {LABELS.get(name, name)} | {cell([r.first for r in runs], 1, 2)} | "
                     f"{cell([r.round_trip for r in runs], 1000, 1)} | {ratio} | {cell([r.cpu_per_execute for r in runs], 1000, 2)} | "
                     f"{cell([r.resident_mb for r in runs], 1, 0)} | {cell([r.mb_per_1000_cells for r in runs], 1, 1)} |")
    lines += ["", "Targets (issue 22): our round trip at most 1.2× ipykernel's; under 50 MB per 1000 cells."]
    with open(args.markdown, "a") as out:
        out.write("### Kernels: Phosphene, ipykernel, .NET Interactive\n\n" + "\n".join(lines) + "\n\n")


if __name__ == "__main__":
    sys.exit(main())
