#!/usr/bin/env python3
"""Golden numbers for the attribution methods and metrics, from PyTorch (Debian's python3-torch 1.13).

Writes, next to this script, in TorchSharp's state-dict format (src/Phosphene/Models/PyTorch/export_state_dict.py):

  model.bin      a small zoo 'cnn' (16×16 grey inputs, 4 classes, conv 4/8 channels, 16 hidden units), seeded weights
                 and non-trivial batch-norm statistics
  reference.bin  'inputs' 3×1×16×16, 'targets' 3, 'maps' 3×16×16 (the maps the metrics score), one N×H×W map per
                 method under its registry name, and one tensor of per-input values per metric

Every algorithm below is written from the paper and the C# documentation, independently of the C# code, with the C#
defaults shrunk to the fixture's size (the settings are in SETTINGS and in AttributionReferenceTests.cs). Random draws
(RISE's masks, HSIC's Latin hypercube, LIME's and KernelSHAP's coalitions, MuFidelity's subsets) use a
torch.Generator seeded with 0 in the order the C# methods draw them: PyTorch 1.13 and TorchSharp's libtorch give the
same streams for rand, randint, randperm and multinomial, so both sides see the same masks. Should a libtorch upgrade
change a stream, the test of that method fails; commit the design here and give it to both sides.

Run from the repository root: /usr/bin/python3 tests/Phosphene.Tests/Attribution/Reference/make_reference.py
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import qmc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "src", "Phosphene", "Models", "PyTorch"))
from phosphene_zoo import SmallCnn  # noqa: E402
from export_state_dict import save_state_dict  # noqa: E402

SIZE, CLASSES = 16, 4
SETTINGS = dict(rise_masks=96, rise_grid=4, rise_p=0.5, sobol_grid=4, sobol_designs=16, hsic_grid=4, hsic_designs=40,
                surrogate_samples=60, surrogate_grid=4, lime_width=0.25, occlusion_patch=4, occlusion_stride=2,
                steps=8, mu_grid=4, mu_fraction=0.25, mu_samples=30)
S = SETTINGS


def model_and_data():
    torch.manual_seed(0)
    model = SmallCnn(image_size=SIZE, num_classes=CLASSES, conv1_channels=4, conv2_channels=8, hidden_units=16)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.rand(16, 1, SIZE, SIZE) * 2)
    model.eval()
    g = torch.Generator().manual_seed(1)
    # Smooth blobs on a dim background, so the maps have structure.
    yy, xx = torch.meshgrid(torch.arange(SIZE).float(), torch.arange(SIZE).float(), indexing="ij")
    images = []
    for cy, cx in [(4.0, 5.0), (10.0, 11.0), (8.0, 3.0)]:
        blob = torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 8.0)
        images.append((0.8 * blob + 0.2 * torch.rand(SIZE, SIZE, generator=g)).clamp(0, 1))
    inputs = torch.stack(images).unsqueeze(1).contiguous()
    targets = torch.tensor([0, 2, 3])
    maps = torch.rand(3, SIZE, SIZE, generator=g) * 2 - 0.5
    return model, inputs, targets, maps


def scores(model, x, t):
    return model(x).gather(1, t.view(-1, 1)).squeeze(1)


def rise(model, x, t):
    n, _, h, w = x.shape
    grid, p, count = S["rise_grid"], S["rise_p"], S["rise_masks"]
    ch, cw = -(-h // grid), -(-w // grid)
    gen = torch.Generator().manual_seed(0)
    cells = (torch.rand(count, 1, grid, grid, generator=gen) < p).float()
    dy = torch.randint(0, ch, (count, 1, 1), generator=gen)
    dx = torch.randint(0, cw, (count, 1, 1), generator=gen)
    smooth = F.interpolate(cells, size=((grid + 1) * ch, (grid + 1) * cw), mode="bilinear", align_corners=False)[:, 0]
    masks = torch.stack([smooth[k, dy[k, 0, 0]:dy[k, 0, 0] + h, dx[k, 0, 0]:dx[k, 0, 0] + w] for k in range(count)])
    with torch.no_grad():
        out = [torch.tensordot(scores(model, x[i:i + 1] * masks.unsqueeze(1), t[i:i + 1].expand(count)), masks, dims=([0], [0]))
               for i in range(n)]
    return torch.stack(out) / (count * p)


def upsample_cells(cells, h, w):
    return F.interpolate(cells.view(1, 1, *cells.shape).float(), size=(h, w), mode="bicubic", align_corners=False)[0, 0]


def grid_scores(model, image, target, cell_masks):
    h, w = image.shape[-2:]
    masks = F.interpolate(cell_masks.float().unsqueeze(1), size=(h, w), mode="nearest")
    with torch.no_grad():
        return scores(model, image * masks, target.expand(len(masks))).double()


def sobol(model, x, t):
    grid, designs = S["sobol_grid"], S["sobol_designs"]
    d = grid * grid
    points = qmc.Sobol(2 * d, scramble=False).random(designs)
    a, b = points[:, :d], points[:, d:]
    c = np.repeat(a[None], d, axis=0)
    for i in range(d):
        c[i, :, i] = b[:, i]
    design = torch.from_numpy(np.concatenate([a, b, c.reshape(-1, d)])).view(-1, grid, grid)
    out = []
    for i in range(len(x)):
        y = grid_scores(model, x[i:i + 1], t[i:i + 1], design)
        fa, fb, fab = y[:designs], y[designs:2 * designs], y[2 * designs:].view(d, designs)
        var = torch.cat([fa, fb]).var(unbiased=False)
        total = ((fa.unsqueeze(0) - fab) ** 2).mean(1) / 2 / var
        out.append(upsample_cells(total.view(grid, grid), *x.shape[-2:]))
    return torch.stack(out)


def hsic_design():
    gen = torch.Generator().manual_seed(0)
    designs, cells = S["hsic_designs"], S["hsic_grid"] ** 2
    columns = [torch.randperm(designs, generator=gen) < designs // 2 for _ in range(cells)]
    return 1 - torch.stack(columns, 1).float()  # designs × cells, 1 keeps the cell


def hsic(model, x, t, design):
    grid = S["hsic_grid"]
    out = []
    for i in range(len(x)):
        y = grid_scores(model, x[i:i + 1], t[i:i + 1], design.view(-1, grid, grid))
        n = len(y)
        dist = (y.unsqueeze(0) - y.unsqueeze(1)).abs()
        width = dist[torch.triu(torch.ones(n, n, dtype=torch.bool), 1)].median().item()
        width = width if width > 0 else 1.0
        kernel_l = torch.exp(-dist ** 2 / (2 * width ** 2))
        centring = torch.eye(n, dtype=torch.float64) - 1.0 / n
        lc = centring @ kernel_l @ centring
        values = []
        for c in range(grid * grid):
            m = design[:, c].double()
            kernel_k = (m.unsqueeze(0) == m.unsqueeze(1)).double()  # Dirac kernel of the binary mask
            values.append(torch.trace(kernel_k @ lc) / n ** 2)
        out.append(upsample_cells(torch.stack(values).view(grid, grid), *x.shape[-2:]))
    return torch.stack(out)


def grid_regions(h, w, cells):
    rows = torch.arange(h) * cells // h
    cols = torch.arange(w) * cells // w
    return (rows.view(-1, 1) * cells + cols.view(1, -1)).flatten()


def weighted_ridge(z, y, weights, ridge):
    m = z.shape[1]
    design = torch.cat([z, torch.ones(len(z), 1, dtype=torch.float64)], 1)
    weighted = design * weights.unsqueeze(1)
    penalty = torch.eye(m + 1, dtype=torch.float64) * ridge
    penalty[m, m] = 0
    normal = design.T @ weighted + penalty + torch.eye(m + 1, dtype=torch.float64) * 1e-9
    return torch.linalg.solve(normal, weighted.T @ y)[:m]


def surrogate(model, x, t, coalitions_and_weights, ridge):
    h, w = x.shape[-2:]
    region = grid_regions(h, w, S["surrogate_grid"])
    out = []
    for i in range(len(x)):
        z, weights = coalitions_and_weights(i)
        keep = z.float()[:, region].view(-1, 1, h, w)
        with torch.no_grad():
            y = scores(model, x[i:i + 1] * keep, t[i:i + 1].expand(len(z))).double()
        out.append(weighted_ridge(z, y, weights, ridge)[region].view(h, w).float())
    return torch.stack(out)


def lime(model, x, t):
    gen = torch.Generator().manual_seed(0)
    regions, samples = S["surrogate_grid"] ** 2, S["surrogate_samples"]

    def draw(_):
        z = (torch.rand(samples, regions, dtype=torch.float64, generator=gen) < 0.5).double()
        z[0] = 1
        kept = z.sum(1)
        distance = 1 - kept / (kept.sqrt() * regions ** 0.5).clamp_min(1e-12)
        return z, torch.exp(-distance ** 2 / S["lime_width"] ** 2).sqrt()
    return surrogate(model, x, t, draw, 1.0)


def kernel_shap_design():
    """Coalition sizes from the Shapley kernel, then random members: samples × M per input, rows 0/1 full/empty."""
    gen = torch.Generator().manual_seed(0)
    regions, samples = S["surrogate_grid"] ** 2, S["surrogate_samples"]
    sizes = torch.arange(1, regions, dtype=torch.float64)
    kernel = (regions - 1) / (sizes * (regions - sizes))
    designs = []
    for _ in range(3):
        z = torch.zeros(samples, regions, dtype=torch.float64)
        z[0] = 1
        drawn = torch.multinomial(kernel / kernel.sum(), samples - 2, replacement=True, generator=gen) + 1
        for r, size in enumerate(drawn.tolist()):
            z[r + 2, torch.randperm(regions, generator=gen)[:size]] = 1
        designs.append(z)
    return torch.stack(designs)


def kernel_shap(model, x, t, design):
    weights = torch.ones(design.shape[1], dtype=torch.float64)
    weights[0] = weights[1] = 1e6
    return surrogate(model, x, t, lambda i: (design[i], weights), 0.0)


def occlusion(model, x, t):
    n, _, h, w = x.shape
    patch, stride = S["occlusion_patch"], S["occlusion_stride"]

    def positions(size):
        p = list(range(0, size - patch + 1, stride))
        return p if p[-1] + patch >= size else p + [size - patch]
    masks = []
    for top in positions(h):
        for left in positions(w):
            m = torch.zeros(h, w)
            m[top:top + patch, left:left + patch] = 1
            masks.append(m)
    masks = torch.stack(masks)
    out = []
    with torch.no_grad():
        for i in range(n):
            reference = scores(model, x[i:i + 1], t[i:i + 1])
            drop = reference - scores(model, x[i:i + 1] * (1 - masks.unsqueeze(1)), t[i:i + 1].expand(len(masks)))
            out.append(torch.tensordot(drop, masks, dims=([0], [0])) / masks.sum(0))
    return torch.stack(out)


def class_activation_map(model, x, t, plus_plus):
    layer = model.features[4]  # the last convolution
    saved = {}
    handle = layer.register_forward_hook(lambda _m, _i, out: saved.__setitem__("a", out))
    logits = model(x)
    handle.remove()
    a = saved["a"]
    (g,) = torch.autograd.grad(logits.gather(1, t.view(-1, 1)).sum(), a)
    a = a.detach()
    if plus_plus:
        # Chattopadhay et al. 2018, eq. 19 with an exponential score: alpha = g² / (2g² + Σ A g³).
        denominator = 2 * g ** 2 + a.sum((2, 3), keepdim=True) * g ** 3
        safe = torch.where(denominator.abs() > 1e-12, denominator, torch.ones_like(denominator))
        alpha = torch.where(denominator.abs() > 1e-12, g ** 2 / safe, torch.zeros_like(denominator))
        weights = (alpha * g.relu()).sum((2, 3), keepdim=True)
    else:
        weights = g.mean((2, 3), keepdim=True)
    cam = (weights * a).sum(1, keepdim=True).relu()
    return F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]


def curve(model, x, t, maps, insert):
    n, _, h, w = x.shape
    steps, pixels = S["steps"], h * w
    areas = []
    for i in range(n):
        order = torch.sort(maps[i].flatten(), descending=True, stable=True).indices
        values = []
        for k in range(steps + 1):
            chosen = torch.zeros(pixels, dtype=torch.bool)
            chosen[order[:round(k * pixels / steps)]] = True
            chosen = chosen.view(1, 1, h, w)
            image = torch.where(chosen, x[i:i + 1], torch.zeros(1)) if insert else torch.where(chosen, torch.zeros(1), x[i:i + 1])
            with torch.no_grad():
                values.append(model(image).softmax(1)[0, t[i]].double().item())
        areas.append(np.trapz(values, np.linspace(0, 1, steps + 1)))
    return torch.tensor(areas, dtype=torch.float64)


def ranks(values):
    order = np.argsort(values, kind="stable")
    r = np.empty(len(values))
    r[order] = np.arange(1, len(values) + 1)
    for v in np.unique(values):  # ties share their mean rank
        r[values == v] = r[values == v].mean()
    return r


def mu_fidelity(model, x, t, maps):
    n, _, h, w = x.shape
    grid, samples = S["mu_grid"], S["mu_samples"]
    cells = grid * grid
    removed = min(max(round(S["mu_fraction"] * cells), 1), cells - 1)
    gen = torch.Generator().manual_seed(0)
    subsets = torch.rand(samples, cells, generator=gen).argsort(1).argsort(1) < removed
    pixels = subsets[:, grid_regions(h, w, grid)]  # samples × H·W
    out = []
    with torch.no_grad():
        for i in range(n):
            full = model(x[i:i + 1])[0, t[i]].double()
            masked = torch.where(pixels.view(-1, 1, h, w), torch.zeros(1), x[i:i + 1])
            drops = (full - scores(model, masked, t[i:i + 1].expand(samples)).double()).numpy()
            sums = (maps[i].flatten().double() @ pixels.double().T).numpy()
            out.append(np.corrcoef(ranks(sums), ranks(drops))[0, 1])
    return torch.tensor(out, dtype=torch.float64)


def masked_confidence(model, x, t, maps):
    flat = maps.flatten(1)
    low = flat.amin(1, keepdim=True)
    mask = ((flat - low) / (flat.amax(1, keepdim=True) - low).clamp_min(1e-12)).view(maps.shape).unsqueeze(1)
    with torch.no_grad():
        y = model(x).softmax(1).gather(1, t.view(-1, 1))[:, 0].double()
        o = model(x * mask).softmax(1).gather(1, t.view(-1, 1))[:, 0].double()
    drop = 100 * (y - o).clamp_min(0) / y
    increase = (o > y).double() * 100
    gain = torch.where(y >= 1, torch.zeros_like(y), 100 * (o - y).clamp_min(0) / (1 - y))
    return drop, increase, gain


def main():
    model, x, t, maps = model_and_data()
    hsic_masks, shap_design = hsic_design(), kernel_shap_design()
    out = {"inputs": x, "targets": t, "maps": maps,
           "grad-cam": class_activation_map(model, x, t, False).detach(),
           "grad-cam-pp": class_activation_map(model, x, t, True).detach(),
           "occlusion": occlusion(model, x, t), "rise": rise(model, x, t), "sobol": sobol(model, x, t).float(),
           "hsic": hsic(model, x, t, hsic_masks).float(), "lime": lime(model, x, t),
           "kernel-shap": kernel_shap(model, x, t, shap_design),
           "deletion": curve(model, x, t, maps, False), "insertion": curve(model, x, t, maps, True),
           "mu-fidelity": mu_fidelity(model, x, t, maps)}
    out["average-drop"], out["average-increase"], out["average-gain"] = masked_confidence(model, x, t, maps)
    save_state_dict(model.state_dict(), os.path.join(HERE, "model.bin"))
    save_state_dict({k: v.contiguous() for k, v in out.items()}, os.path.join(HERE, "reference.bin"))
    for k, v in out.items():
        print(f"{k:20s} {tuple(v.shape)} sum {v.double().sum().item():.6g}")


if __name__ == "__main__":
    main()
