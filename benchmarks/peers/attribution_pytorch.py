#!/usr/bin/env python3
"""PyTorch peer of Phosphene.Attribution for benchmarks/ (run by `Phosphene.Benchmarks attribution`).

Runs the same attribution algorithms as the C# methods, on the same weights (the C# checkpoint, read from
TorchSharp's state-dict format), the same inputs and targets, the same batch size and thread count, and prints one
JSON line: per method, the median wall and process CPU seconds per image (and every call's) over `--repeats` calls made after
`--warmup-seconds` of warm-up calls (at least one) on the same batch (the C# side's protocol), and each image's map
sum (to check that both sides compute the same maps). Algorithms, as in src/Phosphene/Attribution/:

  saliency              |grad| max over channels
  integrated-gradients  trapezoid rule on `steps` points from a 0 baseline, batched over (image, step) pairs
  smoothgrad            mean gradient over `samples` noisy copies (sigma = noise * (max - min) per image), |.| max channel
  occlusion             patch/stride sliding window of 0, score drop averaged over covering patches
  rise                  `masks` random grid masks (grid, p), bilinear upsampling, random shift crop; sum f(x*M) M / (N p)
  sobol                 unscrambled Sobol design (scipy.stats.qmc), Saltelli A, B, A_B^i; Jansen total indices; bicubic
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import qmc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "Phosphene", "Models", "PyTorch"))
import phosphene_zoo  # noqa: E402

DTYPES = {0: torch.uint8, 1: torch.int8, 2: torch.int16, 3: torch.int32, 4: torch.int64, 6: torch.float32, 7: torch.float64, 11: torch.bool}
NUMPY = {torch.uint8: np.uint8, torch.int8: np.int8, torch.int16: np.int16, torch.int32: np.int32, torch.int64: np.int64,
         torch.float32: np.float32, torch.float64: np.float64, torch.bool: np.bool_}


def read_state_dict(path):
    """Reads TorchSharp's state-dict format (see src/Phosphene/Models/PyTorch/export_state_dict.py)."""
    data = open(path, "rb").read()
    offset = 0

    def leb128():
        nonlocal offset
        value, shift = 0, 0
        while True:
            byte = data[offset]
            offset += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    entries = {}
    for _ in range(leb128()):
        length = leb128()
        key = data[offset:offset + length].decode("utf-8")
        offset += length
        dtype = DTYPES[leb128()]
        shape = [leb128() for _ in range(leb128())]
        count = int(np.prod(shape)) if shape else 1
        array = np.frombuffer(data, NUMPY[dtype], count=count, offset=offset).reshape(shape)
        offset += array.nbytes
        entries[key] = torch.from_numpy(array.copy())
    return entries


def scores(model, x, t):
    return model(x).gather(1, t.view(-1, 1)).squeeze(1)


def gradients(model, x, t):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(scores(model, x, t).sum(), x)
    return g


def saliency(model, x, t, a):
    out = []
    for s in range(0, len(x), a.batch_size):
        out.append(gradients(model, x[s:s + a.batch_size], t[s:s + a.batch_size]).abs().amax(1))
    return torch.cat(out)


def integrated_gradients(model, x, t, a):
    steps = a.steps
    alphas = torch.linspace(0, 1, steps)
    weights = torch.full((steps,), 1.0 / (steps - 1))
    weights[0] = weights[-1] = 0.5 / (steps - 1)
    total = len(x) * steps
    avg = torch.zeros_like(x)
    for s in range(0, total, a.batch_size):
        pair = torch.arange(s, min(s + a.batch_size, total))
        image, step = pair // steps, pair % steps
        points = alphas[step].view(-1, 1, 1, 1) * x[image]
        g = gradients(model, points, t[image])
        avg.index_add_(0, image, g * weights[step].view(-1, 1, 1, 1))
    return (x * avg).sum(1)


def smoothgrad(model, x, t, a):
    samples = a.samples
    gen = torch.Generator().manual_seed(0)
    flat = x.flatten(1)
    sigma = ((flat.amax(1) - flat.amin(1)) * a.noise).view(-1, 1, 1, 1)
    total = len(x) * samples
    acc = torch.zeros_like(x)
    for s in range(0, total, a.batch_size):
        pair = torch.arange(s, min(s + a.batch_size, total))
        image = pair // samples
        noise = torch.randn((len(pair),) + tuple(x.shape[1:]), generator=gen)
        g = gradients(model, x[image] + noise * sigma[image], t[image])
        acc.index_add_(0, image, g)
    return (acc / samples).abs().amax(1)


def positions(size, patch, stride):
    p = list(range(0, size - patch + 1, stride))
    if p[-1] + patch < size:
        p.append(size - patch)
    return p


def occlusion(model, x, t, a):
    n, _, h, w = x.shape
    ys, xs = positions(h, a.patch, a.stride), positions(w, a.patch, a.stride)
    top = torch.tensor([y for y in ys for _ in xs]).view(-1, 1, 1)
    left = torch.tensor([xx for _ in ys for xx in xs]).view(-1, 1, 1)
    rows, cols = torch.arange(h).view(1, -1, 1), torch.arange(w).view(1, 1, -1)
    masks_all = ((rows >= top) & (rows < top + a.patch) & (cols >= left) & (cols < left + a.patch)).float()
    coverage = masks_all.sum(0)
    maps = []
    with torch.no_grad():
        for i in range(n):
            image, target = x[i:i + 1], t[i:i + 1]
            reference = scores(model, image, target)
            m = torch.zeros(h, w)
            for s in range(0, len(masks_all), a.batch_size):
                masks = masks_all[s:s + a.batch_size]
                occluded = image * (1 - masks.unsqueeze(1))
                drop = reference - scores(model, occluded, target.expand(len(masks)))
                m += torch.tensordot(drop, masks, dims=([0], [0]))
            maps.append(m / coverage)
    return torch.stack(maps)


def rise(model, x, t, a):
    n, _, h, w = x.shape
    cell_h, cell_w = -(-h // a.grid), -(-w // a.grid)
    gen = torch.Generator().manual_seed(0)
    maps = torch.zeros(n, h, w, dtype=torch.float64)
    with torch.no_grad():
        for s in range(0, a.masks, a.batch_size):
            b = min(a.batch_size, a.masks - s)
            cells = (torch.rand(b, 1, a.grid, a.grid, generator=gen) < a.p).float()
            smooth = F.interpolate(cells, size=((a.grid + 1) * cell_h, (a.grid + 1) * cell_w), mode="bilinear", align_corners=False)
            dy = torch.randint(0, cell_h, (b,), generator=gen)
            dx = torch.randint(0, cell_w, (b,), generator=gen)
            masks = torch.stack([smooth[k, 0, dy[k]:dy[k] + h, dx[k]:dx[k] + w] for k in range(b)])
            for i in range(n):
                sc = scores(model, x[i:i + 1] * masks.unsqueeze(1), t[i:i + 1].expand(b))
                maps[i] += torch.tensordot(sc, masks, dims=([0], [0])).double()
    return (maps / (a.masks * a.p)).float()


def sobol(model, x, t, a):
    n, _, h, w = x.shape
    d, designs = a.grid * a.grid, a.designs
    points = qmc.Sobol(2 * d, scramble=False).random(designs)
    A, B = points[:, :d], points[:, d:]
    C = np.repeat(A[None], d, axis=0)
    for i in range(d):
        C[i, :, i] = B[:, i]
    design = torch.from_numpy(np.concatenate([A, B, C.reshape(-1, d)]).astype(np.float32)).view(-1, 1, a.grid, a.grid)
    maps = []
    with torch.no_grad():
        for i in range(n):
            image, target = x[i:i + 1], t[i:i + 1]
            out = []
            for s in range(0, len(design), a.batch_size):
                masks = F.interpolate(design[s:s + a.batch_size], size=(h, w), mode="nearest")
                out.append(scores(model, image * masks, target.expand(len(masks))))
            y = torch.cat(out).double()
            fa, fb, fc = y[:designs], y[designs:2 * designs], y[2 * designs:].view(d, designs)
            var = torch.cat([fa, fb]).var(unbiased=False)
            st = ((fa.unsqueeze(0) - fc) ** 2).mean(1) / 2 / var
            maps.append(F.interpolate(st.view(1, 1, a.grid, a.grid).float(), size=(h, w), mode="bicubic", align_corners=False)[0, 0])
    return torch.stack(maps)


METHODS = {"saliency": saliency, "integrated-gradients": integrated_gradients, "smoothgrad": smoothgrad,
           "occlusion": occlusion, "rise": rise, "sobol": sobol}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--weights", required=True)
    p.add_argument("--hyperparameters", default="{}")
    p.add_argument("--data", required=True, help="TorchSharp state dict with 'inputs' (N×C×H×W) and 'targets' (N)")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup-seconds", type=float, default=2.0)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--samples", type=int, default=50)
    p.add_argument("--noise", type=float, default=0.2)
    p.add_argument("--patch", type=int, default=4)
    p.add_argument("--stride", type=int, default=2)
    p.add_argument("--masks", type=int, default=4000)
    p.add_argument("--grid", type=int, default=7)
    p.add_argument("--p", type=float, default=0.5)
    p.add_argument("--sobol-grid", type=int, default=8)
    p.add_argument("--designs", type=int, default=32)
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    model = phosphene_zoo.create("cnn", **json.loads(a.hyperparameters))
    model.load_state_dict(read_state_dict(a.weights))
    model.eval()
    data = read_state_dict(a.data)
    x, t = data["inputs"].float(), data["targets"].long()

    result = {"framework": f"PyTorch {torch.__version__}", "threads": torch.get_num_threads(), "methods": {}}
    for name in a.methods.split(","):
        method = METHODS[name]
        args = argparse.Namespace(**vars(a))
        if name == "sobol":
            args.grid = a.sobol_grid
        maps = method(model, x, t, args)  # warm-up on the measured batch, then more calls for --warmup-seconds
        warm = time.perf_counter()
        while time.perf_counter() - warm < a.warmup_seconds:
            method(model, x, t, args)
        wall, cpu = [], []
        for _ in range(a.repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            method(model, x, t, args)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        result["methods"][name] = {"seconds_per_image": float(np.median(wall)) / len(x),
                                   "cpu_seconds_per_image": float(np.median(cpu)) / len(x),
                                   "seconds_per_image_all": [w / len(x) for w in wall],
                                   "cpu_seconds_per_image_all": [c / len(x) for c in cpu],
                                   "map_sums": maps.sum((1, 2)).tolist()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
