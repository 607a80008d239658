#!/usr/bin/python3
"""PyTorch twin of `citysafe train` for the side-by-side in bench/train/run.

Trains the same TCN (docs/training.md, "Model": causal dilated Conv1d + BatchNorm + ReLU +
Dropout per block, 1x1 projection when the width changes, Add + ReLU, mean over time,
Linear) with the same optimiser and schedule (AdamW, one-cycle: linear warm-up from lr/25
over warmup_frac of the steps, cosine down to lr/1000), class-balanced sampling with
replacement (weight ∝ count(class)^-balance_power), the same epochs, batch size and
windows per epoch, on the SAME windows the C++ side uses (exported by bench_train_tool
`windows` as raw features; normalised here with the training windows' per-channel mean/std
as features::fit_normalization does on training frames). No augmentation or channel
dropout: bench/train/run compares it with a C++ run that has them off too (its
`libtorch_*` keys); the ST HAR accuracy target is judged on a separate C++ run with the
default augmentation.

Run with Debian's interpreter: /usr/bin/python3 bench/train/pytorch_baseline.py TRAIN TEST
  TRAIN, TEST: prefixes of PREFIX.x.npy (float32 [N, T, C]) and PREFIX.y.npy (int64 [N]).
Prints one JSON line: seconds_per_epoch (median), accuracy (test windows), epochs, threads.
"""
import argparse
import json
import math
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvUnit(nn.Module):
    def __init__(self, cin, cout, k, d, p):
        super().__init__()
        self.pad = (k - 1) * d
        self.conv = nn.Conv1d(cin, cout, k, dilation=d)
        self.bn = nn.BatchNorm1d(cout)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        return self.drop(F.relu(self.bn(self.conv(F.pad(x, (self.pad, 0))))))


class Block(nn.Module):
    def __init__(self, cin, width, k, d, convs, p):
        super().__init__()
        self.units = nn.ModuleList(
            [ConvUnit(cin if u == 0 else width, width, k, d, p) for u in range(convs)])
        self.projection = nn.Conv1d(cin, width, 1) if cin != width else None

    def forward(self, x):
        y = x
        for u in self.units:
            y = u(y)
        return F.relu(y + (self.projection(x) if self.projection is not None else x))


class Tcn(nn.Module):
    def __init__(self, cin, classes, width=14, k=3, dilations=(1, 1, 2, 4, 8, 16, 32), convs=1,
                 p=0.05):
        super().__init__()
        blocks, c = [], cin
        for d in dilations:
            blocks.append(Block(c, width, k, d, convs, p))
            c = width
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Linear(c, classes)

    def forward(self, x):  # x: [N, C, T]
        for b in self.blocks:
            x = b(x)
        return self.head(x.mean(2))


def one_cycle_lr(step, total, lr, warmup_frac):
    warm = max(1, int(total * warmup_frac))
    if step < warm:
        return lr / 25 + (lr - lr / 25) * step / warm
    t = (step - warm) / max(1, total - warm)
    floor = lr / 1000
    return floor + (lr - floor) * 0.5 * (1 + math.cos(math.pi * t))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--samples-per-epoch", type=int, default=24576)  # = configs/train.toml
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-3)
    ap.add_argument("--warmup-frac", type=float, default=0.1)
    ap.add_argument("--balance-power", type=float, default=0.5)  # = configs/train.toml
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--dropout", type=float, default=0.05)  # = configs/train.toml
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    xtr = np.load(a.train + ".x.npy")
    ytr = np.load(a.train + ".y.npy")
    xte = np.load(a.test + ".x.npy")
    yte = np.load(a.test + ".y.npy")
    mean = xtr.reshape(-1, xtr.shape[2]).mean(0)
    std = np.maximum(xtr.reshape(-1, xtr.shape[2]).std(0), 1e-2)  # features::kMinStd
    norm = lambda x: torch.from_numpy(((x - mean) / std).astype(np.float32)).permute(0, 2, 1)
    xtr_t, xte_t = norm(xtr), norm(xte)
    classes = sorted(set(ytr.tolist()) | set(yte.tolist()))
    index = {c: i for i, c in enumerate(classes)}
    ytr_t = torch.tensor([index[c] for c in ytr.tolist()])
    yte_t = torch.tensor([index[c] for c in yte.tolist()])

    counts = np.bincount(ytr_t.numpy(), minlength=len(classes)).astype(np.float64)
    w = np.where(counts > 0, np.power(np.maximum(counts, 1), -a.balance_power), 0.0)
    p = w[ytr_t.numpy()]
    p /= p.sum()

    model = Tcn(xtr.shape[2], len(classes), p=a.dropout)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    steps_per_epoch = (a.samples_per_epoch + a.batch_size - 1) // a.batch_size
    total = steps_per_epoch * a.epochs
    step, times = 0, []
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        model.train()
        order = rng.choice(len(ytr_t), size=a.samples_per_epoch, replace=True, p=p)
        for s in range(steps_per_epoch):
            idx = torch.from_numpy(order[s * a.batch_size:(s + 1) * a.batch_size])
            for g in opt.param_groups:
                g["lr"] = one_cycle_lr(step, total, a.lr, a.warmup_frac)
            loss = F.cross_entropy(model(xtr_t[idx]), ytr_t[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        times.append(time.perf_counter() - t0)
        print(f"pytorch epoch {epoch + 1}/{a.epochs}: loss {loss.item():.4f}, "
              f"{times[-1]:.2f} s", file=sys.stderr)
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(xte_t[i:i + 1024]).argmax(1) for i in range(0, len(yte_t), 1024)])
    acc = float((pred == yte_t).float().mean())
    print(json.dumps({"seconds_per_epoch": statistics.median(times), "accuracy": acc,
                      "epochs": a.epochs, "threads": a.threads,
                      "train_windows": int(len(ytr_t)), "test_windows": int(len(yte_t))}))


if __name__ == "__main__":
    main()
