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

Usage: benchmarks/kernel_latency.py [--runs 200] [--kernels python3,phosphene-csharp]
The phosphene-csharp kernelspec must be installed (environment/run-series.sh does it, or
`dotnet src/Phosphene.Kernel/bin/Release/net10.0/Phosphene.Kernel.dll install --user`).
"""
import argparse
import os
import queue
import statistics
import sys
import time

from jupyter_client import KernelManager

SMALL = {"python3": "1+1", "phosphene-csharp": "1+1"}


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
            result = message["content"]["data"].get("text/plain")
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


def measure(kernel_name, runs):
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
        if first is None or first.strip() != "2":
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
        return info_seconds, first_seconds, statistics.median(trips), cpu_per_execute
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--kernels", default="python3,phosphene-csharp")
    args = parser.parse_args()
    names = args.kernels.split(",")
    load_before = os.getloadavg()
    rows = {name: measure(name, args.runs) for name in names}
    load_after = os.getloadavg()

    print(f"machine load (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs")
    print(f"{'kernel':<18} {'kernel_info (s)':>16} {'first 1+1 (s)':>14} {'median round trip (ms)':>23} {'CPU per execute (ms)':>21}")
    for name, (info, first, median, cpu) in rows.items():
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


if __name__ == "__main__":
    sys.exit(main())
