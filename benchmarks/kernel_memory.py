#!/usr/bin/python3
"""Kernel memory over a long session: the Phosphene C# kernel against Debian's ipykernel, same cells, one run.

Each kernel runs N small cells alternating "an array of 1000 ints kept in a new variable, then its length" and "print
the cell's number" (issue 14's recipe). Recorded: resident memory (VmRSS of the kernel process) once start-up work has
settled, then every 100 cells, then after a full collection; the median round trip (execute_request sent ->
execute_reply and idle received) of the first and of the last 100 cells; for the C# kernel also the managed heap
after a full collection. The figure to compare is the growth per 1000 cells from cell 100 to the end (start-up and
the first cells' one-off work excluded). The load averages are printed with the results.

Usage: benchmarks/kernel_memory.py [--cells 1000] [--kernels python3,phosphene-csharp] [--kernel-dll PATH]
The C# kernel runs from this checkout's Release build (src/Phosphene.Kernel/bin/Release/net10.0/Phosphene.Kernel.dll,
or --kernel-dll) through a kernelspec written to a temporary folder, so nothing needs installing.
"""
import argparse
import json
import os
import queue
import statistics
import sys
import tempfile
import time

from jupyter_client import KernelManager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CELLS = {
    "python3": (lambda i: f"a{i} = [0] * 1000\nlen(a{i})", lambda i: f"print({i})",
                "import gc, sys; gc.collect(); 0"),
    "phosphene-csharp": (lambda i: f"var a{i} = new int[1000]; a{i}.Length", lambda i: f"Console.WriteLine({i});",
                         "GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); GC.GetTotalMemory(true)"),
}


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:13]) / os.sysconf("SC_CLK_TCK")


def settle(pid, quiet=0.05, timeout=60):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if (cpu_seconds(pid) - before) / 0.5 < quiet:
            return


def run(client, code, timeout=60):
    """Executes code; returns (execute_result text or None, seconds until reply and idle)."""
    started = time.monotonic()
    msg_id = client.execute(code)
    result, idle, replied = None, False, False
    deadline = started + timeout
    while not (idle and replied):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no reply for {code!r}")
        if not replied:
            try:
                reply = client.get_shell_msg(timeout=0.01 if idle else 0)
                if reply["parent_header"].get("msg_id") == msg_id:
                    replied = True
                    if reply["content"]["status"] != "ok":
                        raise RuntimeError(f"{code!r}: {reply['content'].get('evalue')}")
            except queue.Empty:
                pass
        if not idle:
            try:
                message = client.get_iopub_msg(timeout=0.01)
            except queue.Empty:
                continue
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "execute_result":
                result = message["content"]["data"].get("text/plain")
            elif message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                idle = True
    return result, time.monotonic() - started


def measure(name, cells, kernel_dll):
    environment = dict(os.environ)
    with tempfile.TemporaryDirectory() as spec_root:
        if name == "phosphene-csharp":
            spec = os.path.join(spec_root, "kernels", name)
            os.makedirs(spec)
            with open(os.path.join(spec, "kernel.json"), "w") as f:
                json.dump({"argv": ["dotnet", kernel_dll, "-f", "{connection_file}"], "display_name": "C# (Phosphene)",
                           "language": "csharp", "interrupt_mode": "message"}, f)
            environment["JUPYTER_PATH"] = spec_root + os.pathsep + environment.get("JUPYTER_PATH", "")
        manager = KernelManager(kernel_name=name)
        os.environ.update(environment)
        manager.start_kernel()
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            run(client, CELLS[name][1](-1))
            pid = manager.provisioner.process.pid
            settle(pid)
            samples = [(0, rss_mb(pid))]
            trips = []
            allocate, write, collect = CELLS[name]
            for i in range(cells):
                _, seconds = run(client, allocate(i) if i % 2 == 0 else write(i))
                trips.append(seconds)
                if (i + 1) % 100 == 0:
                    samples.append((i + 1, rss_mb(pid)))
            heap, _ = run(client, collect)
            after_gc = rss_mb(pid)
            return samples, after_gc, heap, trips
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--kernels", default="python3,phosphene-csharp")
    parser.add_argument("--kernel-dll", default=os.path.join(ROOT, "src", "Phosphene.Kernel", "bin", "Release", "net10.0",
                                                             "Phosphene.Kernel.dll"))
    args = parser.parse_args()
    if args.cells < 200:
        parser.error("--cells must be at least 200 (growth is measured from cell 100)")
    load_before = os.getloadavg()
    rows = {name: measure(name, args.cells, args.kernel_dll) for name in args.kernels.split(",")}
    load_after = os.getloadavg()
    print(f"machine load (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs; {args.cells} cells")
    print(f"{'kernel':<18} {'RSS settled':>11} {'at 100':>8} {'at end':>8} {'after GC':>9} {'growth/1000 cells':>18} "
          f"{'managed heap':>13} {'round trip first/last 100':>26}")
    for name, (samples, after_gc, heap, trips) in rows.items():
        at100 = dict(samples)[100]
        end = samples[-1][1]
        growth = (end - at100) / (args.cells - 100) * 1000
        managed = f"{int(heap) / 2**20:.1f} MB" if name == "phosphene-csharp" and heap else "-"
        first, last = statistics.median(trips[:100]) * 1000, statistics.median(trips[-100:]) * 1000
        print(f"{name:<18} {samples[0][1]:8.0f} MB {at100:5.0f} MB {end:5.0f} MB {after_gc:6.0f} MB {growth:14.1f} MB "
              f"{managed:>13} {first:12.2f} / {last:.2f} ms")
        print(f"{'':<18} RSS every 100 cells (MB): {', '.join(f'{mb:.0f}' for _, mb in samples[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
