"""scikit-learn peer of the `concepts` benchmark: NMF with nndsvda init on a float64 matrix read from a raw file.

Prints one JSON line: framework, solver, the wall and CPU seconds (all threads) of every fit (fit only, with the
initialisation), iterations and the Frobenius reconstruction error ||A - WH||_F.
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
    seconds_all, cpu_all = [], []
    for _ in range(args.repeats):
        model = NMF(n_components=args.components, init="nndsvda", solver=args.solver, max_iter=args.iterations,
                    tol=0.0, random_state=0)
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(X)
        seconds_all.append(time.perf_counter() - start)
        cpu_all.append(time.process_time() - cpu)
    print(json.dumps({"framework": f"scikit-learn {sklearn.__version__}", "solver": args.solver, "seconds_all": seconds_all,
                      "cpu_seconds_all": cpu_all, "iterations": int(model.n_iter_), "error": float(model.reconstruction_err_)}))


if __name__ == "__main__":
    main()
