#!/usr/bin/env python3
"""scikit-learn peer of Phosphene.Probing for benchmarks/ (run by `Phosphene.Benchmarks probing`).

Reads the same features the C# side fitted (raw little-endian float32 / int64 files written by the benchmark), fits
LogisticRegression(multinomial, lbfgs, same C and tol) and RidgeCV(same alphas, leave-one-out by GCV mode), and prints
one JSON line with seconds (fit only; loading and the float64 conversion are not timed) and the fitted quality.
"""
import argparse
import json
import time

import numpy as np
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, log_loss


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
    a = p.parse_args()

    x = np.fromfile(f"{a.dir}/logistic_x.f32", dtype="<f4").reshape(a.logistic_n, a.logistic_d).astype(np.float64)
    y = np.fromfile(f"{a.dir}/logistic_y.i64", dtype="<i8")
    start = time.perf_counter()
    m = LogisticRegression(C=a.c, tol=a.tol, max_iter=10000, multi_class="multinomial", solver="lbfgs").fit(x, y)
    logistic_seconds = time.perf_counter() - start
    logistic = {"seconds": logistic_seconds, "accuracy": accuracy_score(y, m.predict(x)),
                "log_loss": log_loss(y, m.predict_proba(x)), "iterations": int(m.n_iter_[0])}

    rx = np.fromfile(f"{a.dir}/ridge_x.f32", dtype="<f4").reshape(a.ridge_n, a.ridge_d).astype(np.float64)
    ry = np.fromfile(f"{a.dir}/ridge_y.f32", dtype="<f4").reshape(a.ridge_n, a.ridge_t).astype(np.float64)
    alphas = [float(v) for v in a.alphas.split(",")]
    start = time.perf_counter()
    r = RidgeCV(alphas=alphas).fit(rx, ry)
    ridge_seconds = time.perf_counter() - start
    ridge = {"seconds": ridge_seconds, "alpha": float(r.alpha_), "r2": r.score(rx, ry)}
    print(json.dumps({"framework": "scikit-learn " + __import__("sklearn").__version__, "logistic": logistic, "ridge": ridge}))


if __name__ == "__main__":
    main()
