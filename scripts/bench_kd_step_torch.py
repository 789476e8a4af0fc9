#!/usr/bin/env python3
"""The PyTorch column of `npm run bench`: the same two KD steps in PyTorch on the CPU, printed as one JSON line.

MLP: teacher 784-1200-1200-10 (inference), student 784-800-800-10, batch 128, KL(T=4)*T^2 + cross-entropy, Adam.
CNN: ResNet-14 teacher (16/32/64 filters, basic blocks, batch norm; inference), CNN student (conv 8 -> BN -> ReLU ->
max pool, conv 32 -> BN -> ReLU -> max pool, flatten, logits), 28x28x1, batch 64, KL*T^2 + cross-entropy + MSE of the
student's conv2 against the teacher's stage-2 output (both 14x14x32), Adam.
Usage: python3 scripts/bench_kd_step_torch.py --threads N [--rounds R]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--rounds", type=int, default=3)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
T = 4.0


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def conv_bn(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout, 3, 1)
        self.shortcut = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.b(F.relu(self.a(x))) + self.shortcut(x))


class ResNet14(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 16, 3, 1)
        self.stage1 = nn.Sequential(Block(16, 16, 1), Block(16, 16, 1))
        self.stage2 = nn.Sequential(Block(16, 32, 2), Block(32, 32, 1))
        self.stage3 = nn.Sequential(Block(32, 64, 2), Block(64, 64, 1))
        self.logits = nn.Linear(64, 10)

    def forward(self, x):
        block2 = self.stage2(self.stage1(F.relu(self.stem(x))))
        pooled = self.stage3(block2).mean(dim=(2, 3))
        return self.logits(pooled), block2


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = conv_bn(1, 8, 3, 1)
        self.conv2 = conv_bn(8, 32, 3, 1)
        self.logits = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        conv2 = F.relu(self.conv2(x))
        return self.logits(F.max_pool2d(conv2, 2).flatten(1)), conv2


def kd(student_logits, teacher_logits, y):
    kl = F.kl_div(F.log_softmax(student_logits / T, 1), F.log_softmax(teacher_logits / T, 1), log_target=True, reduction="batchmean") * T * T
    return kl + F.cross_entropy(student_logits, y)


def mlp_step_factory():
    teacher, student = mlp([784, 1200, 1200, 10]).eval(), mlp([784, 800, 800, 10])
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-3)
    x, y = torch.rand(128, 784), torch.randint(0, 10, (128,))

    def step():
        with torch.no_grad():
            t = teacher(x)
        optimizer.zero_grad()
        kd(student(x), t, y).backward()
        optimizer.step()

    return step


def cnn_step_factory():
    teacher, student = ResNet14().eval(), SmallCnn()
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-3)
    x, y = torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))

    def step():
        with torch.no_grad():
            t, t_features = teacher(x)
        optimizer.zero_grad()
        logits, features = student(x)
        # teacher stage 2 is 14x14x32; the student's conv2 is 14x14x32 too
        loss = 0.9 * kd(logits, t, y) + 0.05 * F.mse_loss(features, t_features)
        loss.backward()
        optimizer.step()

    return step


def timed(step, steps):
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) * 1000 / steps


mlp_step, cnn_step = mlp_step_factory(), cnn_step_factory()
mlp_step(), cnn_step()  # warm-up
mlp_ms, cnn_ms = [], []
for _ in range(args.rounds):
    mlp_ms.append(timed(mlp_step, 8))
    cnn_ms.append(timed(cnn_step, 3))
print(json.dumps({"version": torch.__version__, "threads": args.threads, "mlp": statistics.median(mlp_ms), "cnn": statistics.median(cnn_ms)}))
