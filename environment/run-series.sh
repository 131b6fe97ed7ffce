#!/usr/bin/env bash
# The main job: sets the machine up, builds the Phosphene kernel and installs its kernelspec for this user
# (phosphene-csharp, so Jupyter Notebook/Lab and VS Code find it too), then executes every notebook of notebooks/
# through nbclient, writing the executed notebooks and their HTML to out/, and prints a status table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash environment/setup.sh
dotnet build src/Phosphene.Kernel -c Release -v q -nologo
dotnet src/Phosphene.Kernel/bin/Release/net10.0/Phosphene.Kernel.dll install --user
/usr/bin/python3 environment/run_notebooks.py --out "$root/out" "$@"
