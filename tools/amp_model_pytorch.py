#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""examples/amp_model's recipe in PyTorch, for comparison: the same data,
the same initial parameters, the same segment order, windows, warm-up, loss
and optimizer, on one thread. Run with Debian's Python (it has torch):

    /usr/bin/python3 tools/amp_model_pytorch.py --data amp_data --init amp_out/init_params.txt \\
        [--epochs 30] [--cell lstm|gru] [--seconds S] [--seed 1] [--lr 5e-3] [--lr-decay 0.95] [--clip 0]
        [--out amp_out/pytorch_summary.txt]

--init is the file examples/amp_model writes (its initial parameters in
interchange order = this module's parameters() order); --seed must be the
one amp_model ran with (it drives the segment shuffle), and --lr,
--lr-decay (the learning rate's factor after each epoch) and --clip
(torch.nn.utils.clip_grad_norm_'s max_norm; 0: none) the ones it ran
with. Prints the epoch curve, the test ESR of the best validation epoch
and the training time (validation excluded, as amp_model counts it).
"""
import argparse
import sys
import time
import wave
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

BATCH, STEPS, WARM, PRE = 32, 2048, 1000, 0.85


def read_wav(path):
    with wave.open(str(path), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"{path}: needs mono 16-bit PCM")
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    return data, rate


class Amp(nn.Module):
    """y = x + Linear(RNN(x)): ctnn::residual<ctnn::lstm<16>, ctnn::dense<1>>."""

    def __init__(self, cell):
        super().__init__()
        self.rec = (nn.LSTM if cell == "lstm" else nn.GRU)(1, 16, batch_first=True)
        self.lin = nn.Linear(16, 1)

    def forward(self, x, state=None):
        h, state = self.rec(x, state)
        return x + self.lin(h), state


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def esr(y, t, c):  # ctnn::esr_loss<85, 100>: mean(e²) / (mean(t²) + 1e-5) on pre-emphasised signals
    if c:
        y = y[:, 1:] - c * y[:, :-1]
        t = t[:, 1:] - c * t[:, :-1]
    return torch.mean((y - t) ** 2) / (torch.mean(t ** 2) + 1e-5)


def plain_esr(pred, target):  # amp_model's esr(pred, target, 0): samples 1..n-1
    p, t = pred[1:].astype(np.float64), target[1:].astype(np.float64)
    return float(np.sum((t - p) ** 2) / (np.sum(t ** 2) + 1e-30))


class Shuffler:
    """amp_model's shuffler: Fisher-Yates driven by a 64-bit LCG (MMIX constants)."""

    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return self.s >> 33

    def shuffle(self, v):
        for i in range(len(v) - 1, 0, -1):
            j = self.next() % (i + 1)
            v[i], v[j] = v[j], v[i]


def predict(model, x):
    with torch.no_grad():
        y, _ = model(torch.from_numpy(x).reshape(1, -1, 1))
    return y.reshape(-1).numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("amp_data"))
    ap.add_argument("--init", type=Path, required=True)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--cell", default="lstm", choices=["lstm", "gru"])
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--lr-decay", type=float, default=0.95)
    ap.add_argument("--clip", type=float, default=0.0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    torch.set_num_threads(1)
    clean, rate = read_wav(args.data / "clean.wav")
    target, _ = read_wav(args.data / "target.wav")
    if args.seconds > 0:
        clean, target = clean[: int(args.seconds * rate)], target[: int(args.seconds * rate)]
    n = len(clean)
    n_train, n_val = n * 8 // 10, n // 10
    val_x, val_y = clean[n_train:n_train + n_val], target[n_train:n_train + n_val]
    test_x, test_y = clean[n_train + n_val:], target[n_train + n_val:]
    seg = rate // 2
    windows, segments = (seg - WARM) // STEPS, n_train // seg
    batches = segments // BATCH

    model = Amp(args.cell)
    init = args.init.read_text().split()
    values = torch.tensor([float(v) for v in init[2:]], dtype=torch.float32)
    assert init[0] == "params" and int(init[1]) == len(values) == sum(p.numel() for p in model.parameters())
    with torch.no_grad():
        k = 0
        for p in model.parameters():
            p.copy_(values[k:k + p.numel()].reshape(p.shape))
            k += p.numel()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    rng = Shuffler(args.seed)
    best_val, best_epoch, best_state, train_seconds = 1e30, 0, None, 0.0
    for epoch in range(1, args.epochs + 1):
        if epoch > 1:  # amp_model's float32 learning rate, multiplied in float32 as it does
            lr = float(np.float32(opt.param_groups[0]["lr"]) * np.float32(args.lr_decay))
            for g in opt.param_groups:
                g["lr"] = lr
        order = list(range(segments))
        rng.shuffle(order)
        t0 = time.perf_counter()
        loss_sum = 0.0
        for bi in range(batches):
            idx = [order[bi * BATCH + b] * seg for b in range(BATCH)]
            warm = torch.from_numpy(np.stack([clean[i:i + WARM] for i in idx])).unsqueeze(2)
            with torch.no_grad():
                _, state = model(warm)
            for w in range(windows):
                at = [i + WARM + w * STEPS for i in idx]
                x = torch.from_numpy(np.stack([clean[a:a + STEPS] for a in at])).unsqueeze(2)
                y = torch.from_numpy(np.stack([target[a:a + STEPS] for a in at])).unsqueeze(2)
                opt.zero_grad()
                out, state = model(x, state)
                loss = esr(out, y, PRE)
                loss.backward()
                if args.clip > 0:
                    nn.utils.clip_grad_norm_(model.parameters(), args.clip)
                opt.step()
                state = detach(state)
                loss_sum += loss.item()
        train_seconds += time.perf_counter() - t0
        val = plain_esr(predict(model, val_x), val_y)
        if val < best_val:
            best_val, best_epoch = val, epoch
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        print(f"epoch {epoch:3d}/{args.epochs}  train loss (pre-emphasised ESR) {loss_sum / (batches * windows):.4f}  "
              f"validation ESR {val:.4f}{' *' if epoch == best_epoch else ''}  ({train_seconds:.1f} s training so far)",
              flush=True)
    model.load_state_dict(best_state)
    test = plain_esr(predict(model, test_x), test_y)
    summary = (f"cell {args.cell}\nlr {args.lr:g}\nlr_decay {args.lr_decay:g}\nclip {args.clip:g}\n"
               f"epochs {args.epochs}\nbest_epoch {best_epoch}\ntrain_seconds {train_seconds:.2f}\n"
               f"validation_esr {best_val:.5f}\ntest_esr {test:.5f}\ntorch {torch.__version__}, 1 thread\n")
    print(f"PyTorch: best epoch {best_epoch} (validation ESR {best_val:.4f}); test ESR {test:.4f}; "
          f"training {train_seconds:.1f} s on 1 thread")
    if args.out:
        args.out.write_text(summary)


if __name__ == "__main__":
    main()
