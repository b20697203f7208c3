#!/usr/bin/env python3
"""Times the article's training recipe in PyTorch, the peer of `fashion bench`.

Same data (Fashion-MNIST, the article's 55,000 training images), model
(784-500-250-100-10, ReLU, Glorot-uniform weights, zero biases), loss (sparse
categorical cross-entropy on the logits) and optimizer (SGD, learning rate
0.01, Nesterov momentum 0.9, Keras' time-based decay lr / (1 + 1e-6 t) applied
at every update), batches of 32. Like `fashion bench`, it times --steps
updates after --warmup updates and prints samples per second and the implied
seconds per epoch of 55,000 images; --json prints the same fields.

The loop is written the fast way: the whole split sits in one uint8 tensor,
each batch is one index into it (no DataLoader, whose per-sample collation
would dominate at batch 32), and the loss and correct count are summed on
the tensor side, read once at the end.

On a GPU machine (pip's CUDA build of torch), --device cuda runs it there;
the figures then wait for the GPU (torch.cuda.synchronize) before reading
the clock.

Usage: python3 bench/torch_bench.py [--steps N] [--warmup N] [--threads N] [--device cpu|cuda] [--json]
"""

import argparse
import os
import sys
import time

import benchlib


def _threads_from_argv():
    """The --threads value, read before torch is imported (see below)."""
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return str(os.cpu_count())


# OpenBLAS and OpenMP size their thread pools when torch is imported: give
# them the same count as torch.set_num_threads, unless the caller chose.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, _threads_from_argv())

import torch  # noqa: E402
from torch import nn  # noqa: E402


def article_model():
    """The article's MLP with Keras' initialisation: Glorot-uniform weights, zero biases."""
    layers, fan_in = [], benchlib.LAYERS[0]
    for units in benchlib.LAYERS[1:-1]:
        layers += [nn.Linear(fan_in, units), nn.ReLU()]
        fan_in = units
    layers.append(nn.Linear(fan_in, benchlib.LAYERS[-1]))
    model = nn.Sequential(*layers)
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)  # Keras' glorot_uniform
            nn.init.zeros_(m.bias)
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    benchlib.add_common_flags(p)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="PyTorch intra-op threads (default: all CPUs)")
    p.add_argument("--device", default="cpu", help="where to train: cpu, or cuda on a GPU machine")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    pixels, labels, source = benchlib.load_train(a.data_dir)
    x_all = torch.frombuffer(pixels, dtype=torch.uint8).reshape(-1, benchlib.PIXELS)
    y_all = torch.frombuffer(labels, dtype=torch.uint8).long()
    benchlib.check_steps(p, a, len(x_all))
    total = a.steps + a.warmup

    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: this torch has no CUDA (pip's CUDA build on a GPU machine has)")
    x_all, y_all = x_all.to(device), y_all.to(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    model = article_model().to(device)
    opt = torch.optim.SGD(model.parameters(), lr=benchlib.LEARNING_RATE, momentum=benchlib.MOMENTUM, nesterov=True)
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + benchlib.DECAY * t))
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x_all)).to(device)

    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.long, device=device)
    start = cpu0 = None
    for step in range(total):
        if step == a.warmup:
            sync()
            start, cpu0 = time.perf_counter(), benchlib.cpu_seconds()
        idx = order[step * a.batch:(step + 1) * a.batch]
        x = x_all[idx].float().div_(255)
        y = y_all[idx]
        logits = model(x)
        loss = loss_fn(logits, y)
        opt.zero_grad()  # the installed version's default (1.13: zero the buffers; 2.x: drop them)
        loss.backward()
        opt.step()
        decay.step()
        with torch.no_grad():
            loss_sum += loss.detach() * len(y)
            correct += (logits.argmax(1) == y).sum()
    # The run's mean loss and accuracy, as a progress bar shows them (and a
    # check that the run trains: compare with fashion bench's).
    sync()
    mean_loss, accuracy = loss_sum.item() / (total * a.batch), correct.item() / (total * a.batch)
    seconds, cpu = time.perf_counter() - start, benchlib.cpu_seconds() - cpu0

    backend = (f"CPU, {torch.get_num_threads()} threads" if device.type == "cpu"
               else torch.cuda.get_device_name(device))
    rep = benchlib.report("PyTorch " + torch.__version__, backend, a, seconds, cpu, mean_loss, accuracy, source)
    benchlib.emit(rep, a.json)


if __name__ == "__main__":
    main()
