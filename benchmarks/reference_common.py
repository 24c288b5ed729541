"""Shared by the JAX and PyTorch references: arguments, SIREN initialisation, targets and the timing loop.

The references train the same network as siren-sweep (2 -> width sine layer, `depth` hidden sine layers of
`width`, a linear layer to 1 channel; sin(30 (x W + b)); SIREN initialisation) with the same losses (mean squared
error of the values, of the two gradient components summed, or of the Laplacian) and Adam, on the pixel grid of a
`resolution`² gray image in [-1, 1]². Step time does not depend on the pixel values, so the targets are random.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np

OMEGA = 30.0
WARM_UP_STEPS = 3


def arguments(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--resolution", type=int, nargs="+", default=[256, 64])
    p.add_argument("--mode", nargs="+", default=["vanilla", "gradient", "laplacian"],
                   choices=["vanilla", "gradient", "laplacian"])
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--steps", type=int, default=5, help="measured steps, after %d warm-up steps" % WARM_UP_STEPS)
    return p.parse_args()


def siren_parameters(width, depth, seed=0):
    """[(W, b)] as numpy float32, initialised as in the paper."""
    rng = np.random.default_rng(seed)
    shapes = [(2, width)] + [(width, width)] * depth + [(width, 1)]
    params = []
    for k, (fan_in, fan_out) in enumerate(shapes):
        bound = 1 / fan_in if k == 0 else np.sqrt(6 / fan_in) / OMEGA
        w = rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32)
        b = rng.uniform(-1 / np.sqrt(fan_in), 1 / np.sqrt(fan_in), (fan_out,)).astype(np.float32)
        params.append((w, b))
    return params


def grid(resolution):
    axis = np.linspace(-1, 1, resolution, dtype=np.float32)
    rows, cols = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([rows.ravel(), cols.ravel()], axis=1)


def targets(mode, points, seed=1):
    rng = np.random.default_rng(seed)
    shape = (points, 2) if mode == "gradient" else (points, 1)
    return rng.standard_normal(shape).astype(np.float32)


def median_ms(step, steps):
    """Runs `step` (which must block until its result exists) and returns the median ms after the warm-up."""
    times = []
    for i in range(WARM_UP_STEPS + steps):
        start = time.perf_counter()
        step()
        if i >= WARM_UP_STEPS:
            times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def report(framework, version, mode, resolution, width, depth, ms, extra=None):
    row = {"framework": framework, "version": version, "mode": mode, "resolution": resolution, "width": width,
           "depth": depth, "ms_per_step": ms}
    row.update(extra or {})
    print(json.dumps(row), flush=True)
    print(f"{framework} {mode} {resolution}²: {ms:.1f} ms/step", file=sys.stderr, flush=True)
