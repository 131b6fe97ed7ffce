#!/usr/bin/env python3
"""PyTorch peer of Phosphene.Models.Trainer for benchmarks/ (run by `Phosphene.Benchmarks training`).

Trains a zoo twin (src/Phosphene/Models/PyTorch/phosphene_zoo.py) on IDX files exactly as the C# trainer does:
torch.manual_seed(seed), a torch.Generator(seed) drawing each epoch's order with randperm, batches taken in that
order (the last one may be smaller), Adam on cross-entropy with the learning rate set before every step by the same
schedule, then evaluation in batches of 1000 in eval mode. Data loading is not timed. Prints one JSON line.
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "Phosphene", "Models", "PyTorch"))
import phosphene_zoo  # noqa: E402


def read_idx(path):
    """IDX (LeCun's MNIST format): big-endian magic 0x0803 (images) / 0x0801 (labels), counts, then bytes."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count = int.from_bytes(data[0:4], "big"), int.from_bytes(data[4:8], "big")
    if magic == 0x00000803:
        rows, cols = int.from_bytes(data[8:12], "big"), int.from_bytes(data[12:16], "big")
        pixels = np.frombuffer(data, np.uint8, offset=16).reshape(count, 1, rows, cols)
        return torch.from_numpy(pixels.astype(np.float32) / 255.0)
    if magic == 0x00000801:
        return torch.from_numpy(np.frombuffer(data, np.uint8, offset=8).astype(np.int64))
    raise ValueError(f"{path}: not an IDX images or labels file (magic {magic:#010x})")


def learning_rate(base, schedule, step, total):
    if schedule == "constant":
        return base
    if schedule == "lineardecay":
        return base * (1 - step / total)
    if schedule == "cosine":
        return base * 0.5 * (1 + math.cos(math.pi * step / total))
    raise ValueError(f"unknown schedule '{schedule}'")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", required=True, choices=sorted(phosphene_zoo.ZOO))
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--schedule", required=True, choices=["constant", "lineardecay", "cosine"])
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--hyperparameters", default="{}", help="JSON of the twin's keyword arguments")
    for name in ("train-images", "train-labels", "test-images", "test-labels"):
        p.add_argument(f"--{name}", required=True)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    train_x, train_y = read_idx(a.train_images), read_idx(a.train_labels)
    test_x, test_y = read_idx(a.test_images), read_idx(a.test_labels)

    torch.manual_seed(a.seed)
    model = phosphene_zoo.create(a.model, **json.loads(a.hyperparameters))
    shuffle = torch.Generator().manual_seed(a.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    count = len(train_x)
    batches = (count + a.batch_size - 1) // a.batch_size
    total, step = batches * a.epochs, 0

    start = time.perf_counter()
    model.train()
    for _ in range(a.epochs):
        order = torch.randperm(count, generator=shuffle)
        for b in range(batches):
            indices = order[b * a.batch_size:(b + 1) * a.batch_size]
            images, labels = train_x.index_select(0, indices), train_y.index_select(0, indices)
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(a.lr, a.schedule, step, total)
            optimizer.zero_grad()
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            step += 1
    seconds = time.perf_counter() - start

    model.eval()
    correct, loss_sum = 0, 0.0
    with torch.no_grad():
        for s in range(0, len(test_x), 1000):
            logits = model(test_x[s:s + 1000])
            loss_sum += F.cross_entropy(logits, test_y[s:s + 1000], reduction="sum").item()
            correct += (logits.argmax(1) == test_y[s:s + 1000]).sum().item()
    print(json.dumps({
        "framework": f"PyTorch {torch.__version__}",
        "threads": torch.get_num_threads(),
        "parameters": sum(t.numel() for t in model.parameters()),
        "seconds": seconds,
        "examples_per_second": count * a.epochs / seconds,
        "test_accuracy": correct / len(test_x),
        "test_loss": loss_sum / len(test_x),
    }))


if __name__ == "__main__":
    main()
