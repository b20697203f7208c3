"""What the Python peers of `fashion bench` share: the data, the recipe's
constants, the machine's description and the report.

Every peer (torch_bench.py, jax_bench.py) trains the article's recipe on the
article's training split and prints the fields `fashion bench --json` prints,
so that bench/compare.sh can put them side by side. This module imports
nothing beyond the standard library: each peer turns the raw bytes into its
own tensors.
"""

import gzip
import json
import os
import platform
import resource
import struct
import sys

ARTICLE_TRAIN_IMAGES = 55_000
VALIDATION_IMAGES = 5_000
PIXELS = 784
LAYERS = (784, 500, 250, 100, 10)
LEARNING_RATE = 0.01
DECAY = 1e-6
MOMENTUM = 0.9


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
    """Reads an IDX file (gzip or plain): its dimensions and its bytes."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = bytearray(raw[4 + 4 * ndim:])
    count = 1
    for d in dims:
        count *= d
    if len(data) != count:
        raise ValueError(f"{path}: {len(data)} bytes of data for dimensions {dims}")
    return dims, data


def load_train(flag_dir):
    """The article's training split, images 5,000 to 60,000 of the training file.

    Returns (pixels, labels, directory): pixels as bytes, 784 per image, and
    labels as bytes, one per image.
    """
    for d in data_dirs(flag_dir):
        for suffix in (".gz", ""):
            images = os.path.join(d, "train-images-idx3-ubyte" + suffix)
            labels = os.path.join(d, "train-labels-idx1-ubyte" + suffix)
            if os.path.exists(images) and os.path.exists(labels):
                _, x = read_idx(images)
                _, y = read_idx(labels)
                return x[VALIDATION_IMAGES * PIXELS:], y[VALIDATION_IMAGES:], d
    sys.exit("bench: Fashion-MNIST not found in " + ", ".join(data_dirs(flag_dir)))


def cpu_model():
    """The processor's name from /proc/cpuinfo, or the architecture."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def cpu_seconds():
    """CPU time (user and system) this process has used."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def add_common_flags(p, default_steps=400):
    """The flags every peer takes, named as `fashion bench` names them."""
    p.add_argument("--steps", type=int, default=default_steps, help="training steps (batches) to time")
    p.add_argument("--warmup", type=int, default=16, help="steps run before timing starts")
    p.add_argument("--batch", type=int, default=32, help="images per update")
    p.add_argument("--data-dir", default="", help="directory of the Fashion-MNIST IDX files")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print one JSON object")


def check_steps(p, a, images):
    """Rejects step counts that are not positive or that need more images than the split has."""
    if a.steps <= 0 or a.warmup < 0 or a.batch <= 0:
        p.error("--steps and --batch must be positive and --warmup not negative")
    total = a.steps + a.warmup
    if total * a.batch > images:
        p.error(f"{total} steps of {a.batch} need {total * a.batch} images; the split has {images}")


def report(framework, backend, a, seconds, cpu, mean_loss, accuracy, source, steps_per_execution=1):
    """The fields of `fashion bench --json`, for a run of a.steps timed steps."""
    samples = a.steps * a.batch / seconds
    return {
        "framework": framework,
        "backend": backend,
        "steps": a.steps,
        "warmup_steps": a.warmup,
        "batch_size": a.batch,
        "steps_per_execution": steps_per_execution,
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


def emit(rep, as_json):
    """Prints a report: one JSON object, or lines for people."""
    if as_json:
        print(json.dumps(rep, indent=2))
        return
    m = rep["machine"]
    print(f"{rep['framework']} on {rep['backend']}")
    print(f"machine: {m['cpu']}, {m['cpus']} CPUs, {m['os']}/{m['arch']}, Python {m['python']}")
    print(f"{rep['steps']} steps of {rep['batch_size']} images (after {rep['warmup_steps']} warm-up steps) "
          f"in {rep['seconds']:.2f}s ({rep['cpu_seconds']:.2f}s of CPU); data: {rep['data']}")
    print(f"mean loss {rep['loss']:.4f}, accuracy {rep['accuracy']:.4f} over the "
          f"{rep['steps'] + rep['warmup_steps']} steps")
    print(f"samples/s: {rep['samples_per_second']:.0f}")
    print(f"seconds per epoch: {rep['seconds_per_epoch']:.2f} ({ARTICLE_TRAIN_IMAGES} images)")
