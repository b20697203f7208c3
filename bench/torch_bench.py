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
import gzip
import json
import os
import platform
import resource
import struct
import sys
import time


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

ARTICLE_TRAIN_IMAGES = 55_000
VALIDATION_IMAGES = 5_000


def data_dirs(flag_dir):
    """Where the IDX files may be, in the order `fashion` looks."""
    if flag_dir:
        return [flag_dir]
    dirs = []
    if os.environ.get("FASHION_MNIST_DIR"):
        dirs.append(os.environ["FASHION_MNIST_DIR"])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    dirs += [os.path.join(cache, "fashion-mnist"), "/usr/share/datasets/fashion-mnist"]
    return dirs


def read_idx(path):
    """Reads an IDX file (gzip or plain) into a uint8 tensor."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8)
    return data.reshape(dims)


def load_train(flag_dir):
    """Returns the article's training split: images 5,000 to 60,000 of the training file."""
    for d in data_dirs(flag_dir):
        for suffix in (".gz", ""):
            images = os.path.join(d, "train-images-idx3-ubyte" + suffix)
            labels = os.path.join(d, "train-labels-idx1-ubyte" + suffix)
            if os.path.exists(images) and os.path.exists(labels):
                x = read_idx(images).reshape(-1, 784)[VALIDATION_IMAGES:]
                y = read_idx(labels)[VALIDATION_IMAGES:].long()
                return x, y, d
    sys.exit("torch_bench: Fashion-MNIST not found in " + ", ".join(data_dirs(flag_dir)))


def article_model():
    layers, fan_in = [nn.Flatten()], 784
    for units in (500, 250, 100):
        layers += [nn.Linear(fan_in, units), nn.ReLU()]
        fan_in = units
    layers.append(nn.Linear(fan_in, 10))
    model = nn.Sequential(*layers)
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)  # Keras' glorot_uniform
            nn.init.zeros_(m.bias)
    return model


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=400, help="training steps (batches) to time")
    p.add_argument("--warmup", type=int, default=16, help="steps run before timing starts")
    p.add_argument("--batch", type=int, default=32, help="images per update")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="PyTorch intra-op threads (default: all CPUs)")
    p.add_argument("--device", default="cpu", help="where to train: cpu, or cuda on a GPU machine")
    p.add_argument("--data-dir", default="", help="directory of the Fashion-MNIST IDX files")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    a = p.parse_args()
    if a.steps <= 0 or a.warmup < 0:
        p.error("--steps must be positive and --warmup not negative")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x_all, y_all, source = load_train(a.data_dir)
    total = a.steps + a.warmup
    if total * a.batch > len(x_all):
        p.error(f"{total} steps of {a.batch} need {total * a.batch} images; the split has {len(x_all)}")

    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: this torch has no CUDA (pip's CUDA build on a GPU machine has)")
    x_all, y_all = x_all.to(device), y_all.to(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    model = article_model().to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + 1e-6 * t))
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x_all)).to(device)

    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.long, device=device)
    start = cpu0 = None
    for step in range(total):
        if step == a.warmup:
            sync()
            start, cpu0 = time.perf_counter(), cpu_seconds()
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
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu0

    samples = a.steps * a.batch / seconds
    report = {
        "framework": "PyTorch " + torch.__version__,
        "backend": (f"CPU, {torch.get_num_threads()} threads" if device.type == "cpu"
                    else torch.cuda.get_device_name(device)),
        "steps": a.steps,
        "warmup_steps": a.warmup,
        "batch_size": a.batch,
        "steps_per_execution": 1,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "samples_per_second": samples,
        "seconds_per_epoch": ARTICLE_TRAIN_IMAGES / samples,
        "loss": mean_loss,
        "accuracy": accuracy,
        "data": source,
        "machine": {
            "cpu": cpu_model(),
            "cpus": os.cpu_count(),
            "os": platform.system().lower(),
            "arch": platform.machine(),
            "python": platform.python_version(),
        },
    }
    if a.json:
        print(json.dumps(report, indent=2))
        return
    m = report["machine"]
    print(f"{report['framework']} on {report['backend']}")
    print(f"machine: {m['cpu']}, {m['cpus']} CPUs, {m['os']}/{m['arch']}, Python {m['python']}")
    print(f"{a.steps} steps of {a.batch} images (after {a.warmup} warm-up steps) in {seconds:.2f}s "
          f"({cpu:.2f}s of CPU); data: {source}")
    print(f"mean loss {mean_loss:.4f}, accuracy {accuracy:.4f} over the {total} steps")
    print(f"samples/s: {samples:.0f}")
    print(f"seconds per epoch: {report['seconds_per_epoch']:.2f} ({ARTICLE_TRAIN_IMAGES} images)")


if __name__ == "__main__":
    main()
