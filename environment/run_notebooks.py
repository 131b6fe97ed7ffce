#!/usr/bin/python3
"""Execute the notebook series headless with the Phosphene kernel.

For every notebook in the series folder (sorted by name): run it with nbclient, write the executed notebook and
its HTML rendering (nbconvert) to the output folder, sign it so Jupyter trusts it (its plots render), and print a
table: notebook, status, seconds, cells. Exits 1 when any notebook failed.

Usage: run_notebooks.py [--notebooks DIR] [--out DIR] [--kernel NAME] [--timeout SECONDS] [NAME ...]
"""
import argparse
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbformat.sign import NotebookNotary


def execute(path, out_dir, kernel, timeout):
    """Runs one notebook; returns (status, seconds, cells executed, first error line or '')."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name=kernel, timeout=timeout,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.monotonic()
    status, detail = "ok", ""
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        status = "failed"
        detail = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    seconds = time.monotonic() - started
    cells = sum(1 for c in notebook.cells if c.cell_type == "code" and c.get("execution_count") is not None)

    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / path.name
    nbformat.write(notebook, executed)
    NotebookNotary().sign(notebook)
    html, _ = HTMLExporter().from_notebook_node(notebook)
    executed.with_suffix(".html").write_text(html, encoding="utf-8")
    return status, seconds, cells, detail


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=pathlib.Path, default=root / "notebooks")
    parser.add_argument("--out", type=pathlib.Path, default=root / "out")
    parser.add_argument("--kernel", default="phosphene-csharp")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("names", nargs="*", help="run only these notebooks (file names)")
    args = parser.parse_args()

    paths = sorted(args.notebooks.glob("*.ipynb"))
    if args.names:
        paths = [p for p in paths if p.name in args.names or p.stem in args.names]
    if not paths:
        print(f"no notebooks found in {args.notebooks}", file=sys.stderr)
        return 1

    rows = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        rows.append((path.name, *execute(path, args.out, args.kernel, args.timeout)))

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'notebook':<{width}}  status  seconds  cells")
    for name, status, seconds, cells, _ in rows:
        print(f"{name:<{width}}  {status:<6}  {seconds:7.1f}  {cells:5d}")
    for name, status, _, _, detail in rows:
        if status != "ok":
            print(f"{name}: {detail} (see {args.out / name})", file=sys.stderr)
    print(f"executed notebooks and HTML in {args.out}")
    return 0 if all(r[1] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
