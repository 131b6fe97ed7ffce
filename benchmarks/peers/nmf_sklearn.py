"""scikit-learn peer of the `concepts` benchmark: NMF with nndsvda init on a float64 matrix read from a raw file.

Prints one JSON line: framework, solver, seconds and CPU seconds of all threads (fit only, with the initialisation), iterations and the
Frobenius reconstruction error ||A - WH||_F.
"""
import argparse
import json
import time
import warnings

import numpy as np
import sklearn
from sklearn.decomposition import NMF


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--matrix", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--cols", type=int, required=True)
    parser.add_argument("--components", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--solver", default="cd")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    X = np.fromfile(args.matrix, dtype=np.float64).reshape(args.rows, args.cols)
    warnings.simplefilter("ignore")
    best = None
    best_cpu = None
    for _ in range(args.repeats):
        model = NMF(n_components=args.components, init="nndsvda", solver=args.solver, max_iter=args.iterations,
                    tol=0.0, random_state=0)
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(X)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        best = seconds if best is None else min(best, seconds)
        best_cpu = cpu_seconds if best_cpu is None else min(best_cpu, cpu_seconds)
    print(json.dumps({"framework": f"scikit-learn {sklearn.__version__}", "solver": args.solver, "seconds": best, "cpu_seconds": best_cpu,
                      "iterations": int(model.n_iter_), "error": float(model.reconstruction_err_)}))


if __name__ == "__main__":
    main()
