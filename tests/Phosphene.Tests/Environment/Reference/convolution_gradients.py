"""Reference convolution gradients from PyTorch 1.13 for ConvolutionGradientTests (issue: oneDNN's AVX-512 kernels).

Inputs and weights follow closed formulas (no random generator) so the C# test rebuilds them bit for bit:
  x[i] = 0.5 + 0.5 sin(0.7 i + 0.3)            over the flattened N*C*H*W input
  w[i] = sin(1.3 i + 0.5) / sqrt(fan_in)       over the flattened weight, b[j] = 0.1 cos(j)
The loss is 0.5 * sum(y^2) / N of the layer's (or the two-stage pipeline's) output. For the input, weight and bias
gradients the file keeps sum, sum of |g| and sum of g * cos(0.37 i), accumulated in float64.

Run:  /usr/bin/python3 convolution_gradients.py > convolution_gradients.json
"""
import json
import math

import numpy as np
import torch

torch.set_num_threads(1)

# (name, in, out, kernel, stride, padding, bias, size, batches, pipeline)
CASES = [
    ("issue-repro 1->8 3x3", 1, 8, 3, 1, 1, True, 16, [1, 8, 64, 256], False),
    ("zoo cnn features.0 1->16 3x3", 1, 16, 3, 1, 1, False, 28, [1, 64, 256], False),
    ("zoo cnn features.4 16->32 3x3", 16, 32, 3, 1, 1, False, 14, [1, 64, 256], False),
    ("resnet stride-2 16->32 3x3", 16, 32, 3, 2, 1, False, 28, [64], False),
    ("resnet downsample 16->32 1x1 stride 2", 16, 32, 1, 2, 0, False, 28, [64], False),
    ("komplexnet amplitude 1->16 5x5 stride 2", 1, 16, 5, 2, 2, True, 48, [64], False),
    ("komplexnet complex 16->32 3x3", 16, 32, 3, 1, 1, False, 24, [64], False),
    ("tiny cnn: conv, relu, pool, conv, relu, pool", 1, 8, 3, 1, 1, True, 16, [1, 64, 256], True),
]


def pattern(n, a, b):
    return np.sin(a * np.arange(n, dtype=np.float64) + b)


def stats(g):
    g = g.detach().double().flatten().numpy()
    p = np.cos(0.37 * np.arange(g.size, dtype=np.float64))
    return {"sum": float(g.sum()), "abs": float(np.abs(g).sum()), "dot": float((g * p).sum())}


def conv(cin, cout, k, stride, pad, bias, offset):
    layer = torch.nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=bias)
    fan_in = cin * k * k
    with torch.no_grad():
        w = pattern(layer.weight.numel(), 1.3, 0.5 + offset) / math.sqrt(fan_in)
        layer.weight.copy_(torch.from_numpy(w.astype(np.float32)).reshape(layer.weight.shape))
        if bias:
            layer.bias.copy_(torch.from_numpy((0.1 * np.cos(np.arange(cout) + offset)).astype(np.float32)))
    return layer


out = []
for name, cin, cout, k, stride, pad, bias, size, batches, pipeline in CASES:
    first = conv(cin, cout, k, stride, pad, bias, 0.0)
    second = conv(cout, cout, k, stride, pad, bias, 1.0) if pipeline else None
    for n in batches:
        x = torch.from_numpy(0.5 + 0.5 * pattern(n * cin * size * size, 0.7, 0.3)).float().reshape(n, cin, size, size)
        x.requires_grad_(True)
        first.zero_grad()
        y = first(x)
        if pipeline:
            second.zero_grad()
            y = torch.max_pool2d(torch.relu(y), 2)
            y = torch.max_pool2d(torch.relu(second(y)), 2)
        loss = 0.5 * y.pow(2).sum() / n
        loss.backward()
        case = {"name": name, "in": cin, "out": cout, "kernel": k, "stride": stride, "padding": pad, "bias": bias,
                "size": size, "batch": n, "pipeline": pipeline, "loss": float(loss),
                "input": stats(x.grad), "weight": stats(first.weight.grad)}
        if bias:
            case["bias_grad"] = stats(first.bias.grad)
        out.append(case)

print(json.dumps({"generator": "PyTorch " + torch.__version__, "cases": out}, indent=1))
