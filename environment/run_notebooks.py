#!/usr/bin/python3
"""Execute the notebook series headless with the Phosphene kernel.

For every notebook in the series folder (sorted by name): run it with nbclient, gather the paper claims its cells
checked (outputs of type application/vnd.phosphene.claim+json) into its metadata (phosphene.papers, phosphene.claims),
write the executed notebook and its HTML rendering (nbconvert) to the output folder, sign it so Jupyter trusts it
(its plots render), and print a table: notebook, status, seconds, cells, claims. Writes the record of the run:
claims.json (one object per claim) and index.html (every notebook with its papers, claims and links; offline).
Exits 1 when any notebook failed, a claim failed that the notebook did not declare, or a claim declared not
reproduced holds (its prose is out of date).

While it runs it prints each cell as it starts and how long it took; the kernel's own stderr (libtorch's native
warnings) goes to OUT/logs/NAME.log instead of the terminal.

The same notebooks run on either host: the Phosphene kernel (phosphene-csharp, the default) or .NET Interactive
(--kernel .net-csharp: dotnet_interactive.py sets it up in a temporary Jupyter folder first, with the toolkit packed
into a local feed, so each notebook's first cell, #r "nuget: Phosphene.Interactive", loads the code of this checkout).

Usage: run_notebooks.py [--notebooks DIR] [--out DIR] [--kernel NAME] [--timeout SECONDS] [--only NAMES]
                        [--shard I/N] [--scale quick|paper] [-p NAME=VALUE ...] [NAME ...]
  --only 02,forgrad,06-kuramoto-model   a subset, by number, file name or stem (comma-separated; NAME ... too)
  --scale paper                         the sizes the papers used, where a notebook gives them (its metadata says what
                                        it can and cannot reach on this machine); quick (the default) is what CI runs
  -p epochs=10                          a value for a parameter of the notebooks' cells tagged `parameters` (every
                                        selected notebook that declares it; an error if none does); wins over --scale
  --shard 2/4                           every 4th notebook of the selection from the 2nd (1-based): a cluster's
                                        array job i of n runs --shard i/n, e.g. --shard $((SLURM_ARRAY_TASK_ID+1))/4
"""
import argparse
import html
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
from datetime import datetime
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbformat.sign import NotebookNotary

import dotnet_interactive
import notebook_parameters

CLAIM_MIME = "application/vnd.phosphene.claim+json"
PROVENANCE_MIME = "application/vnd.phosphene.provenance+json"


def execute(path, out_dir, kernel, timeout, scale, overrides):
    """Runs one notebook; returns (status, seconds, cells executed, first error line or '', claims)."""
    notebook = nbformat.read(path, as_version=4)
    parameters = notebook_parameters.apply(notebook, path.stem, scale, overrides)
    chosen = {p: v["value"] for p, v in parameters["values"].items() if v["from"] != "notebook"}
    if chosen or parameters["note"]:
        print(f"  parameters: {', '.join(f'{p} = {v}' for p, v in chosen.items()) or 'as written'}"
              + (f" ({parameters['note']})" if parameters["note"] else ""), flush=True)
    # The executed copy ends with the provenance of its results (the source notebook stays as written).
    provenance_cell = nbformat.v4.new_code_cell("ProvenanceReport.Current()", metadata={"tags": ["provenance"]})
    notebook.cells.append(provenance_cell)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    clock = {}

    def cell_started(cell, **_):
        if cell.cell_type != "code":
            return
        clock["cell"] = time.monotonic()
        number = next((i + 1 for i, c in enumerate(code_cells) if c is cell), "?")
        first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
        print(f"  cell {number}/{len(code_cells)}: {first[:72]}", end="", flush=True)

    def cell_executed(cell, **_):
        if cell.cell_type == "code" and "cell" in clock:
            print(f"  ({time.monotonic() - clock.pop('cell'):.1f} s)", flush=True)

    # The executed copy names the kernel that ran it (the source names the Phosphene kernel), so it reopens on that host.
    spec = KernelSpecManager().get_kernel_spec(kernel)
    notebook.metadata["kernelspec"] = {"name": kernel, "display_name": spec.display_name, "language": spec.language}
    client = NotebookClient(notebook, kernel_name=kernel, timeout=timeout, record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_start=cell_started, on_cell_executed=cell_executed)
    started = time.monotonic()
    status, detail = "ok", ""
    logs = out_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        with open(logs / f"{path.stem}.log", "w", encoding="utf-8") as kernel_log:
            client.execute(stderr=kernel_log)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        status = "failed"
        detail = first_error(notebook) or (str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__)
        detail += f" (the kernel's stderr: {logs / (path.stem + '.log')})"
    seconds = time.monotonic() - started
    cells = sum(1 for c in notebook.cells if c.cell_type == "code" and c.get("execution_count") is not None)
    claims = gather_claims(notebook)
    papers = []
    for claim in claims:
        if claim["paper"] not in papers:
            papers.append(claim["paper"])
    notebook.metadata.setdefault("phosphene", {}).update(
        {"papers": papers, "claims": claims, "parameters": parameters,
         "provenance": provenance(notebook, provenance_cell, path, seconds)})
    if status == "ok":
        undeclared = [c for c in claims if c["status"] == "fails"]
        stale = [c for c in claims if c["status"] == "holds" and c.get("declared_not_reproduced")]
        if undeclared or stale:
            status = "claims"
            detail = "; ".join([f"claim fails: {c['claim']} ({c['value']} vs {c['criterion']})" for c in undeclared] +
                               [f"claim declared not reproduced now holds: {c['claim']} ({c['value']} vs {c['criterion']})"
                                for c in stale])

    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / path.name
    nbformat.write(notebook, executed)
    NotebookNotary().sign(notebook)
    page, _ = HTMLExporter().from_notebook_node(notebook)
    executed.with_suffix(".html").write_text(page, encoding="utf-8")
    return status, seconds, cells, detail, claims


SEED = re.compile(r"(?:\bseed\s*:\s*|\bSeed\s*=\s*|--seed\s+|\bSeed\()(-?\d+)")


def provenance(notebook, provenance_cell, path, seconds):
    """The kernel's report (versions, threads, machine, datasets and checkpoints with sha256) with what the runner
    knows: the commit of the series, the seeds the cells give, and the wall time of every code cell."""
    record = {}
    for output in provenance_cell.get("outputs", []):
        data = output.get("data", {}).get(PROVENANCE_MIME)
        if data is not None:
            record = json.loads(data) if isinstance(data, str) else dict(data)
    try:
        commit = subprocess.run(["git", "-C", str(path.parent), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(path.parent), "status", "--porcelain", "--", path.name],
                               capture_output=True, text=True, check=True).stdout.strip() != ""
        record["series_commit"] = commit + (" (notebook modified)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        record["series_commit"] = None
    cells = []
    for number, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), start=1):
        timing = cell.get("metadata", {}).get("execution", {})
        started, ended = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        wall = None
        if started and ended:
            wall = round((datetime.fromisoformat(ended.replace("Z", "+00:00")) -
                          datetime.fromisoformat(started.replace("Z", "+00:00"))).total_seconds(), 3)
        cells.append({"cell": number, "seconds": wall, "seeds": [int(v) for v in SEED.findall(cell.source)]})
    record["cells"] = cells
    record["seeds"] = sorted({seed for cell in cells for seed in cell["seeds"]})
    record["wall_seconds"] = round(seconds, 1)
    return record


def first_error(notebook):
    """The first error output of the notebook as "cell N: Name: first line of the message", or None."""
    for number, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = (output.get("evalue") or "").strip().splitlines()
                return f"cell {number}: {output.get('ename', 'error')}: {message[0] if message else ''}"
    return None


def gather_claims(notebook):
    """The claims the notebook's outputs carry, in order; a statement checked twice keeps its last check."""
    by_statement = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {}).get(CLAIM_MIME)
            if data is None:
                continue
            claim = json.loads(data) if isinstance(data, str) else dict(data)
            by_statement.pop(claim["claim"], None)
            by_statement[claim["claim"]] = claim
    return list(by_statement.values())


def mark(claim):
    if claim["status"] == "holds":
        return "✓" if not claim.get("declared_not_reproduced") else "✓ (declared not reproduced)"
    return "✗" if claim["status"] == "fails" else "not reproduced here"


def write_record(out_dir, rows):
    """claims.json (one object per claim) and index.html (the series at a glance, offline)."""
    record = []
    for name, status, seconds, cells, detail, claims in rows:
        for claim in claims:
            record.append({"notebook": pathlib.Path(name).stem, "papers": [claim["paper"]["title"]],
                           "claim": claim["claim"], "value": claim["value"], "criterion": claim["criterion"],
                           "status": claim["status"]})
    (out_dir / "claims.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    e = html.escape
    parts = ["<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Phosphene notebook series</title><style>",
             "body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%}",
             "td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}",
             ".holds{color:#1a7f37}.fails{color:#cf222e}.nr{color:#9a6700}small{color:#555}</style></head><body>",
             "<h1>Phosphene notebook series</h1>",
             f"<p>{sum(len(r[5]) for r in rows)} claims checked in {len(rows)} notebooks: "
             f"{sum(1 for r in rows for c in r[5] if c['status'] == 'holds')} hold, "
             f"{sum(1 for r in rows for c in r[5] if c['status'] == 'fails')} fail, "
             f"{sum(1 for r in rows for c in r[5] if c['status'] == 'not reproduced here')} not reproduced here. "
             "Machine-readable: <a href=\"claims.json\">claims.json</a>.</p>"]
    for name, status, seconds, cells, detail, claims in rows:
        stem = pathlib.Path(name).stem
        parts.append(f"<h2>{e(stem)}</h2><p><a href=\"{e(stem)}.html\">HTML</a> · <a href=\"{e(name)}\">notebook</a> · "
                     f"{e(status)} · {seconds:.1f} s · {cells} cells" + (f" · <small>{e(detail)}</small>" if detail else "") + "</p>")
        executed = out_dir / name
        metadata = nbformat.read(executed, as_version=4).metadata.get("phosphene", {}) if executed.exists() else {}
        record = metadata.get("provenance", {})
        parameters = metadata.get("parameters", {})
        if parameters.get("values"):
            parts.append(f"<p><small>Parameters ({e(parameters['scale'])} scale"
                         + (f"; {e(parameters['note'])}" if parameters.get("note") else "") + "): "
                         + ", ".join(f"{e(p)} = {e(v['value'])}" + ("" if v["from"] == "notebook" else f" ({e(v['from'])})")
                                     for p, v in parameters["values"].items()) + "</small></p>")
        if record.get("toolkit"):
            inputs = "; ".join(f"{i['kind']} {i['name']} (sha256 {i['sha256'][:12]}…)" for i in record.get("inputs", []))
            parts.append(f"<p><small>Phosphene {e(record['toolkit'])} · {e(record.get('dotnet', ''))} · TorchSharp "
                         f"{e(record.get('torchsharp', ''))}, libtorch {e(record.get('libtorch', ''))} · {record.get('threads')} threads, "
                         f"oneDNN cap {e(str(record.get('onednn_isa')))} · {e(record.get('cpu', ''))}, {record.get('cores')} cores · "
                         f"seeds {e(', '.join(map(str, record.get('seeds', []))) or 'defaults')}"
                         + (f" · {e(inputs)}" if inputs else "") + "</small></p>")
        papers = []
        for c in claims:
            if c["paper"] not in papers:
                papers.append(c["paper"])
        if papers:
            parts.append("<ul>" + "".join(f"<li>{e(p['authors'])} ({p['year']}), <i>{e(p['title'])}</i>, {e(p['identifier'])}</li>"
                                          for p in papers) + "</ul>")
        if claims:
            parts.append("<table><tr><th>claim</th><th>measured</th><th>criterion</th><th>outcome</th></tr>")
            for c in claims:
                css = {"holds": "holds", "fails": "fails"}.get(c["status"], "nr")
                reason = f"<br><small>{e(c['declared_not_reproduced'])}</small>" if c.get("declared_not_reproduced") else ""
                value = "NaN" if c["value"] is None else f"{c['value']:.4g}"
                parts.append(f"<tr><td>{e(c['claim'])}</td><td>{value}</td><td>{e(c['criterion'])}</td>"
                             f"<td class=\"{css}\"><b>{e(mark(c))}</b>{reason}</td></tr>")
            parts.append("</table>")
    parts.append("</body></html>")
    (out_dir / "index.html").write_text("\n".join(parts), encoding="utf-8")


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=pathlib.Path, default=root / "notebooks")
    parser.add_argument("--out", type=pathlib.Path, default=root / "out")
    parser.add_argument("--kernel", default="phosphene-csharp")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("--only", default="", help="a subset: numbers, file names or stems, comma-separated")
    parser.add_argument("--shard", default="1/1", help="I/N: every N-th notebook of the selection from the I-th (1-based)")
    parser.add_argument("--scale", default="quick", choices=["quick", "paper"], help="quick (what CI runs) or paper (the papers' sizes, where given)")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="a value for a parameter of the notebooks' `parameters` cells (repeatable)")
    parser.add_argument("names", nargs="*", help="run only these notebooks (file names or stems)")
    args = parser.parse_args()
    overrides = {}
    for item in args.parameter:
        name, equals, value = item.partition("=")
        if not equals or not re.fullmatch(r"[A-Za-z_]\w*", name.strip()):
            print(f"-p takes NAME=VALUE (e.g. -p epochs=10), not '{item}'", file=sys.stderr)
            return 2
        overrides[name.strip()] = value.strip()

    paths = sorted(args.notebooks.glob("*.ipynb"))
    if not paths:
        print(f"no notebooks found in {args.notebooks}", file=sys.stderr)
        return 1
    wanted = [w.strip() for w in args.only.split(",") if w.strip()] + args.names
    if wanted:
        def matches(path, word):
            return word in (path.name, path.stem) or path.stem.split("-")[0] == word.zfill(2)
        unknown = [w for w in wanted if not any(matches(p, w) for p in paths)]
        if unknown:
            print(f"no notebook called {', '.join(unknown)}; the series: {', '.join(p.stem for p in paths)}", file=sys.stderr)
            return 2
        paths = [p for p in paths if any(matches(p, w) for w in wanted)]
    try:
        index, count = (int(v) for v in args.shard.split("/"))
        if not 1 <= index <= count:
            raise ValueError
    except ValueError:
        print(f"--shard takes I/N with 1 <= I <= N (e.g. 2/4), not '{args.shard}'", file=sys.stderr)
        return 2
    paths = paths[index - 1::count]
    if not paths:
        print(f"shard {args.shard} of {len(sorted(args.notebooks.glob('*.ipynb')))} notebooks is empty", file=sys.stderr)
        return 0

    # Parameters are checked on every selected notebook before anything runs.
    try:
        declared = {p.stem: list(notebook_parameters.apply(nbformat.read(p, as_version=4), p.stem, args.scale, overrides)["values"])
                    for p in paths}
    except notebook_parameters.ParameterError as error:
        print(error, file=sys.stderr)
        return 2
    unused = [name for name in overrides if not any(name in names for names in declared.values())]
    if unused:
        offered = "; ".join(f"{stem}: {', '.join(names)}" for stem, names in declared.items() if names) or "none"
        print(f"-p {', '.join(unused)}: no selected notebook declares it in its cell tagged parameters "
              f"(declared: {offered})", file=sys.stderr)
        return 2

    if args.kernel == dotnet_interactive.KERNEL:
        jupyter_dir = pathlib.Path(tempfile.mkdtemp(prefix="phosphene-dotnet-interactive-"))
        print(f"setting up .NET Interactive ({dotnet_interactive.KERNEL}) in {jupyter_dir} ...", flush=True)
        dotnet_interactive.install(jupyter_dir)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(jupyter_dir), os.environ.get("JUPYTER_PATH")]))

    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        print(f"no Jupyter kernel named '{args.kernel}': environment/run-series.sh installs phosphene-csharp, and "
              f"--kernel {dotnet_interactive.KERNEL} sets .NET Interactive up itself", file=sys.stderr)
        return 2

    rows = []
    try:
        for path in paths:
            print(f"running {path.name} ...", flush=True)
            rows.append((path.name, *execute(path, args.out, args.kernel, args.timeout, args.scale, overrides)))
    finally:
        if args.kernel == dotnet_interactive.KERNEL:
            shutil.rmtree(jupyter_dir, ignore_errors=True)

    write_record(args.out, rows)
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'notebook':<{width}}  status  seconds  cells  claims (holds/fails/not reproduced here)")
    for name, status, seconds, cells, _, claims in rows:
        counts = "/".join(str(sum(1 for c in claims if c["status"] == s)) for s in ("holds", "fails", "not reproduced here"))
        print(f"{name:<{width}}  {status:<6}  {seconds:7.1f}  {cells:5d}  {counts}")
    for name, status, _, _, detail, _ in rows:
        if status != "ok":
            print(f"{name}: {detail} (see {args.out / name})", file=sys.stderr)
    print(f"executed notebooks and HTML in {args.out}; the record: {args.out / 'index.html'}, {args.out / 'claims.json'}")
    return 0 if all(r[1] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
