#!/usr/bin/env bash
# The main job: sets the machine up, then trains (or loads from the cache) every model of the zoo on Fashion-MNIST
# and prints their table. (When the notebook kernel lands, this executes notebooks/ into out/.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash environment/setup.sh
mkdir -p out
dotnet run --project benchmarks/Phosphene.Benchmarks -c Release -- zoo | tee out/zoo.txt
