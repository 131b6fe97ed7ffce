#!/usr/bin/env python3
"""NumPy (and, for the backward pass, PyTorch) peer of Phosphene.Synchrony for benchmarks/ (run by
`Phosphene.Benchmarks kuramoto`).

Workloads, the same as the C# side:
  mean-field  N oscillators, all-to-all, forward Euler, the vectorised O(N) mean-field form
              z = mean(exp(i theta)); theta += dt * (omega + K * (Im z cos theta - Re z sin theta))
  matrix      B networks x N oscillators sharing a dense N x N matrix A, forward Euler, matrix-product form
              theta += dt * (omega + K * (cos theta * (sin theta @ A.T) - sin theta * (cos theta @ A.T)))
  conv        a B x 32 x 32 grid of oscillators coupled by a learnable 3x3 kernel (zero padding), T Euler steps,
              loss = mean circular variance, forward + backward to the kernel (PyTorch: NumPy has no autograd)
Frequencies and phases come from a seeded generator (values do not matter for speed). Prints one JSON line with
the wall and process CPU seconds of each of --repeats runs after one warm-up run.
"""
import argparse
import json
import time

import numpy as np


def timed(run, repeats):
    """One warm-up call, then repeats timed calls: lists of wall and process CPU seconds."""
    run()
    wall, cpu = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return wall, cpu


def mean_field(n, steps, dt, k, dtype, repeats):
    rng = np.random.default_rng(0)
    omega = rng.standard_cauchy(n).astype(dtype) * dtype(0.5)
    theta = rng.uniform(0, 2 * np.pi, n).astype(dtype)
    dt, k = dtype(dt), dtype(k)

    def run():
        t = theta.copy()
        for _ in range(steps):
            s, c = np.sin(t), np.cos(t)
            sm, cm = s.mean(), c.mean()
            t += dt * (omega + k * (sm * c - cm * s))
    return timed(run, repeats)


def matrix(b, n, steps, dt, k, dtype, repeats):
    rng = np.random.default_rng(0)
    omega = rng.standard_normal((b, n)).astype(dtype)
    theta = rng.uniform(0, 2 * np.pi, (b, n)).astype(dtype)
    a_t = (rng.uniform(0, 1, (n, n)) / n).astype(dtype).T.copy()
    dt, k = dtype(dt), dtype(k)

    def run():
        t = theta.copy()
        for _ in range(steps):
            s, c = np.sin(t), np.cos(t)
            t += dt * (omega + k * (c * (s @ a_t) - s * (c @ a_t)))
    return timed(run, repeats)


def conv(b, side, steps, dt, repeats):
    import torch
    import torch.nn.functional as F
    g = torch.Generator().manual_seed(0)
    omega = torch.randn(b, 1, side, side, generator=g)
    theta0 = torch.rand(b, 1, side, side, generator=g) * 2 * np.pi
    kernel = torch.full((1, 1, 3, 3), 1.0 / 8).requires_grad_()

    def run():
        theta = theta0
        for _ in range(steps):
            s, c = theta.sin(), theta.cos()
            theta = theta + dt * (omega + c * F.conv2d(s, kernel, padding=1) - s * F.conv2d(c, kernel, padding=1))
        flat = theta.view(b, -1)
        r = (flat.cos().mean(1) ** 2 + flat.sin().mean(1) ** 2 + 1e-12).sqrt()
        loss = (1 - r).mean()
        kernel.grad = None
        loss.backward()
    return timed(run, repeats)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workload", choices=["mean-field", "matrix", "conv"])
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--b", type=int, default=256)
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--dt", type=float, default=0.01)
    p.add_argument("--k", type=float, default=2.0)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float64")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    dtype = np.float32 if a.dtype == "float32" else np.float64
    if a.workload == "mean-field":
        seconds, cpu = mean_field(a.n, a.steps, a.dt, a.k, dtype, a.repeats)
        framework = f"NumPy {np.__version__} {a.dtype}"
    elif a.workload == "matrix":
        seconds, cpu = matrix(a.b, a.n, a.steps, a.dt, a.k, dtype, a.repeats)
        framework = f"NumPy {np.__version__} {a.dtype}"
    else:
        import torch
        torch.set_num_threads(a.threads)
        seconds, cpu = conv(a.b, a.n, a.steps, a.dt, a.repeats)
        framework = f"PyTorch {torch.__version__} float32"
    print(json.dumps({"framework": framework, "seconds_all": seconds, "cpu_seconds_all": cpu}))


if __name__ == "__main__":
    main()
