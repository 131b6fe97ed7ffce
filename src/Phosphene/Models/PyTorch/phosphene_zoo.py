"""PyTorch twins of Phosphene's zoo (src/Phosphene/Models/SmallCnn.cs, SmallResNet.cs): same layers, same paths.

A model built here has exactly the state-dict keys, shapes and forward computation of the C# model with the same
hyper-parameters, so weights move between them with export_state_dict.py, and benchmarks/ compares like with like.
"""
import torch
from torch import nn


class SmallCnn(nn.Module):
    """Zoo 'cnn': features = conv-BN-ReLU-pool x2 (paths features.0..7), classifier = Linear-ReLU-Dropout-Linear."""

    def __init__(self, input_channels=1, image_size=28, num_classes=10, conv1_channels=16, conv2_channels=32,
                 hidden_units=128, dropout=0.0):
        super().__init__()
        pooled = image_size // 2 // 2
        self.features = nn.Sequential(
            nn.Conv2d(input_channels, conv1_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(conv1_channels),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(conv1_channels, conv2_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(conv2_channels),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(conv2_channels * pooled * pooled, hidden_units),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_units, num_classes),
        )

    def forward(self, images):
        return self.classifier(torch.flatten(self.features(images), 1))


class BasicBlock(nn.Module):
    """He et al. 2016 basic block with torchvision's names: conv1, bn1, relu, conv2, bn2, downsample."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x):
        residual = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(residual + shortcut)


class SmallResNet(nn.Module):
    """Zoo 'resnet': conv1-bn1-relu stem, layer1..layerN of basic blocks, avgpool, fc."""

    def __init__(self, input_channels=1, image_size=28, num_classes=10, width=16, stages=3, blocks_per_stage=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, width, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        channels = width
        for s in range(stages):
            stage_width, stride = width << s, (1 if s == 0 else 2)
            blocks = []
            for b in range(blocks_per_stage):
                blocks.append(BasicBlock(channels, stage_width, stride if b == 0 else 1))
                channels = stage_width
            self.add_module(f"layer{s + 1}", nn.Sequential(*blocks))
        self.stages = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, images):
        x = self.relu(self.bn1(self.conv1(images)))
        for s in range(self.stages):
            x = getattr(self, f"layer{s + 1}")(x)
        return self.fc(torch.flatten(self.avgpool(x), 1))


ZOO = {"cnn": SmallCnn, "resnet": SmallResNet}


def create(name, **hyperparameters):
    """Builds a zoo twin by its zoo name ('cnn' or 'resnet') with the C# hyper-parameters in snake_case."""
    if name not in ZOO:
        raise KeyError(f"unknown model '{name}' (models: {', '.join(ZOO)})")
    return ZOO[name](**hyperparameters)
