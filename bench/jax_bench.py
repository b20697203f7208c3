#!/usr/bin/env python3
"""Times the article's training recipe in JAX on the CPU, a peer of `fashion bench`.

Same data, model, loss and optimizer as bench/torch_bench.py and `fashion
bench`: the article's 55,000 training images, 784-500-250-100-10 with ReLU,
Glorot-uniform weights and zero biases, sparse categorical cross-entropy on
the logits, SGD with learning rate 0.01, Keras' time-based decay
lr / (1 + 1e-6 t) and Keras' Nesterov momentum 0.9 (v <- m v - lr g,
w <- w + m v - lr g), batches of 32.

Two ways to run it, as a JAX user would write them:

  --mode step  one jit-compiled update per call from a Python loop (the
               usual training loop); the split sits on the device, each
               update slices its batch there, nothing crosses per step.
  --mode scan  --steps updates as one lax.scan in one compiled call: no
               Python between updates, which is as fast as XLA runs this
               recipe. The first call (compilation and one run of the same
               length) is the warm-up; the second is timed.

It prints the fields `fashion bench --json` prints (--json for one object).
--threads 1 tells XLA's CPU client to run each operation on one thread.

Usage: python3 bench/jax_bench.py [--mode step|scan] [--steps N] [--warmup N] [--threads N] [--json]
"""

import argparse
import os
import sys
import time

import benchlib


def _threads_from_argv():
    """The --threads value, read before jax is imported: XLA reads its flags then."""
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return ""


if _threads_from_argv() == "1":
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")  # bench/gpu.sh sets cuda.

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import lax  # noqa: E402


def init_params(seed):
    """The article's layers with Keras' initialisation: Glorot-uniform weights, zero biases."""
    key = jax.random.PRNGKey(seed)
    params = []
    for fan_in, fan_out in zip(benchlib.LAYERS[:-1], benchlib.LAYERS[1:]):
        key, sub = jax.random.split(key)
        limit = (6 / (fan_in + fan_out)) ** 0.5
        params.append((jax.random.uniform(sub, (fan_in, fan_out), jnp.float32, -limit, limit),
                       jnp.zeros((fan_out,), jnp.float32)))
    return params


def logits_of(params, x):
    """The MLP: ReLU after every dense layer but the last."""
    for w, b in params[:-1]:
        x = jax.nn.relu(x @ w + b)
    w, b = params[-1]
    return x @ w + b


def loss_of(params, x, y):
    """Mean sparse categorical cross-entropy of the logits, and the logits."""
    logits = logits_of(params, x)
    logp = jax.nn.log_softmax(logits)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1)), logits


def make_update(batch):
    """One update of the recipe. The state is (params, velocities, t,
    loss sum, correct count); t also picks the batch, cycling over the split."""

    def update(state, x_all, y_all, order):
        params, velocity, t, loss_sum, correct = state
        batches = order.shape[0] // batch
        idx = lax.dynamic_slice(order, ((t % batches) * batch,), (batch,))
        x = x_all[idx].astype(jnp.float32) / 255
        y = y_all[idx]
        (loss, logits), grads = jax.value_and_grad(loss_of, has_aux=True)(params, x, y)
        lr = benchlib.LEARNING_RATE / (1 + benchlib.DECAY * t.astype(jnp.float32))
        m = benchlib.MOMENTUM
        velocity = jax.tree_util.tree_map(lambda v, g: m * v - lr * g, velocity, grads)
        params = jax.tree_util.tree_map(lambda p, v, g: p + m * v - lr * g, params, velocity, grads)
        correct = correct + jnp.sum(jnp.argmax(logits, axis=1) == y)
        return params, velocity, t + 1, loss_sum + loss * batch, correct

    return update


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    benchlib.add_common_flags(p)
    p.add_argument("--mode", choices=("step", "scan"), default="step",
                   help="step: one jit-compiled update per call; scan: all --steps updates in one lax.scan")
    p.add_argument("--threads", type=int, default=0, help="1: one thread per operation (default: XLA's choice)")
    a = p.parse_args()

    pixels, labels, source = benchlib.load_train(a.data_dir)
    x_np = np.frombuffer(pixels, dtype=np.uint8).reshape(-1, benchlib.PIXELS)
    if a.mode == "scan":
        a.warmup = 0  # The warm-up is one call of the same length, on the same batches.
    benchlib.check_steps(p, a, len(x_np))
    if a.mode == "scan":
        a.warmup = a.steps
    x_all = jnp.asarray(x_np)
    y_all = jnp.asarray(np.frombuffer(labels, dtype=np.uint8).astype(np.int32))
    order = jax.random.permutation(jax.random.PRNGKey(a.seed + 1), x_all.shape[0]).astype(jnp.int32)
    params = init_params(a.seed)
    velocity = jax.tree_util.tree_map(jnp.zeros_like, params)
    state = (params, velocity, jnp.int32(0), jnp.float32(0), jnp.int32(0))
    update = make_update(a.batch)

    if a.mode == "step":
        run = jax.jit(update, donate_argnums=0)
        for _ in range(a.warmup):
            state = run(state, x_all, y_all, order)
        jax.block_until_ready(state)
        start, cpu0 = time.perf_counter(), benchlib.cpu_seconds()
        for _ in range(a.steps):
            state = run(state, x_all, y_all, order)
        jax.block_until_ready(state)
        how, k = "jit-compiled step", 1
    else:
        def epoch(state, x_all, y_all, order):
            return lax.scan(lambda s, _: (update(s, x_all, y_all, order), None), state, None, length=a.steps)[0]

        run = jax.jit(epoch, donate_argnums=0)
        state = jax.block_until_ready(run(state, x_all, y_all, order))
        start, cpu0 = time.perf_counter(), benchlib.cpu_seconds()
        state = jax.block_until_ready(run(state, x_all, y_all, order))
        how, k = f"lax.scan of {a.steps} steps", a.steps
    seconds, cpu = time.perf_counter() - start, benchlib.cpu_seconds() - cpu0

    images = (a.steps + a.warmup) * a.batch
    mean_loss, accuracy = float(state[3]) / images, int(state[4]) / images
    device = jax.devices()[0]
    where = "CPU" if device.platform == "cpu" else device.device_kind
    threads = ", 1 thread per op" if a.threads == 1 else ""
    rep = benchlib.report("JAX " + jax.__version__, f"{where}, {how}{threads}", a, seconds, cpu, mean_loss, accuracy,
                          source, steps_per_execution=k)
    benchlib.emit(rep, a.json)


if __name__ == "__main__":
    main()
