#!/usr/bin/python3
"""Set up .NET Interactive as a second Jupyter host for Phosphene, without touching the user's Jupyter or NuGet set-up.

Restores the dotnet-interactive tool pinned in dotnet-tools.json, packs Phosphene, Phosphene.Notebook and
Phosphene.Interactive into a local feed, and writes the `.net-csharp` kernelspec into a Jupyter data folder of your
choice: the tool's own kernelspec, changed to run the restored tool directly, with its HTTP service on the loopback
interface only (--http-local-only), telemetry off, and the feed as an extra restore source
(RestoreAdditionalProjectSources), so `#r "nuget: Phosphene.Interactive"` finds the package just built.

Usage: dotnet_interactive.py JUPYTER_DIR    then run Jupyter with JUPYTER_PATH=JUPYTER_DIR (run_notebooks.py
--kernel .net-csharp does both).
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ["Phosphene", "Phosphene.Notebook", "Phosphene.Interactive"]
KERNEL = ".net-csharp"


def nuget_packages():
    return pathlib.Path(os.environ.get("NUGET_PACKAGES") or pathlib.Path.home() / ".nuget" / "packages")


def tool_dll():
    """The restored tool's entry assembly (the version pinned in dotnet-tools.json)."""
    manifest = json.loads((ROOT / "dotnet-tools.json").read_text())
    version = manifest["tools"]["microsoft.dotnet-interactive"]["version"]
    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    matches = sorted((nuget_packages() / "microsoft.dotnet-interactive" / version / "tools").glob("*/any/Microsoft.DotNet.Interactive.App.dll"))
    if not matches:
        raise SystemExit(f"dotnet-interactive {version} restored, but its Microsoft.DotNet.Interactive.App.dll was not found under {nuget_packages()}")
    return matches[-1]


def pack(feed):
    """Packs the toolkit into FEED and drops earlier copies of the same version from the NuGet cache."""
    feed.mkdir(parents=True, exist_ok=True)
    for name in PACKAGES:
        subprocess.run(["dotnet", "pack", str(ROOT / "src" / name), "-c", "Release", "-o", str(feed), "-v", "q", "-nologo"],
                       check=True, stdout=subprocess.DEVNULL)
        # A package version is immutable in the cache: without this, a restore would reuse an older build of it.
        shutil.rmtree(nuget_packages() / name.lower(), ignore_errors=True)


def install(jupyter_dir):
    """Writes the kernelspecs into JUPYTER_DIR/kernels and the feed into JUPYTER_DIR/phosphene-feed; returns the feed."""
    jupyter_dir = pathlib.Path(jupyter_dir).resolve()
    dll = tool_dll()
    kernels = jupyter_dir / "kernels"
    kernels.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dotnet", str(dll), "jupyter", "install", "--path", str(kernels)], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1"})
    feed = jupyter_dir / "phosphene-feed"
    pack(feed)
    for spec_file in kernels.glob(".net-*/kernel.json"):
        spec = json.loads(spec_file.read_text())
        argv = spec["argv"]
        # "dotnet interactive jupyter …" needs the tool on PATH; run the restored assembly, HTTP on loopback only.
        rest = argv[argv.index("jupyter"):]
        if "--http-local-only" not in rest:
            rest.insert(rest.index("{connection_file}") + 1, "--http-local-only")
        spec["argv"] = ["dotnet", str(dll)] + rest
        spec["env"] = {**spec.get("env", {}), "DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT": "1",
                       "RestoreAdditionalProjectSources": str(feed)}
        spec_file.write_text(json.dumps(spec, indent=1))
    return feed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    print(f"installed {KERNEL} into {pathlib.Path(sys.argv[1]).resolve() / 'kernels'}; Phosphene packages in {install(sys.argv[1])}")
