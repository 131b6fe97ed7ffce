#!/usr/bin/env python3
"""scikit-learn peer of Phosphene.Probing for benchmarks/ (run by `Phosphene.Benchmarks probing`).

Reads the same features the C# side fitted (raw little-endian float32 / int64 files written by the benchmark), fits
LogisticRegression(multinomial, lbfgs, same C and tol) and RidgeCV(same alphas, leave-one-out by GCV mode), and prints
one JSON line with the wall and process CPU seconds of every fit (fit only, --repeats / --ridge-repeats fits; loading
and the float64 conversion are not timed) and the fitted quality.
"""
import argparse
import json
import time

import numpy as np
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, log_loss


def timed(repeats, fit):
    """Runs fit() repeats times; returns (its last result, every fit's wall seconds, every fit's process CPU seconds)."""
    wall, cpu, result = [], [], None
    for _ in range(max(1, repeats)):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = fit()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return result, wall, cpu


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dir", required=True)
    p.add_argument("--logistic-n", type=int, required=True)
    p.add_argument("--logistic-d", type=int, required=True)
    p.add_argument("--c", type=float, required=True)
    p.add_argument("--tol", type=float, required=True)
    p.add_argument("--ridge-n", type=int, required=True)
    p.add_argument("--ridge-d", type=int, required=True)
    p.add_argument("--ridge-t", type=int, required=True)
    p.add_argument("--alphas", required=True)
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--ridge-repeats", type=int, default=1)
    a = p.parse_args()

    x = np.fromfile(f"{a.dir}/logistic_x.f32", dtype="<f4").reshape(a.logistic_n, a.logistic_d).astype(np.float64)
    y = np.fromfile(f"{a.dir}/logistic_y.i64", dtype="<i8")
    m, logistic_seconds, logistic_cpu = timed(a.repeats, lambda: LogisticRegression(
        C=a.c, tol=a.tol, max_iter=10000, multi_class="multinomial", solver="lbfgs").fit(x, y))
    logistic = {"seconds_all": logistic_seconds, "cpu_seconds_all": logistic_cpu, "accuracy": accuracy_score(y, m.predict(x)),
                "log_loss": log_loss(y, m.predict_proba(x)), "iterations": int(m.n_iter_[0])}

    rx = np.fromfile(f"{a.dir}/ridge_x.f32", dtype="<f4").reshape(a.ridge_n, a.ridge_d).astype(np.float64)
    ry = np.fromfile(f"{a.dir}/ridge_y.f32", dtype="<f4").reshape(a.ridge_n, a.ridge_t).astype(np.float64)
    alphas = [float(v) for v in a.alphas.split(",")]
    r, ridge_seconds, ridge_cpu = timed(a.ridge_repeats, lambda: RidgeCV(alphas=alphas).fit(rx, ry))
    ridge = {"seconds_all": ridge_seconds, "cpu_seconds_all": ridge_cpu, "alpha": float(r.alpha_), "r2": r.score(rx, ry)}
    print(json.dumps({"framework": "scikit-learn " + __import__("sklearn").__version__, "logistic": logistic, "ridge": ridge}))


if __name__ == "__main__":
    main()
