"""JAX on the GPU, the cases of siren-sweep's GPU check (benchmarks/gpu-check.sh), one JSON line each:
`jax_gpu.py speed` or `jax_gpu.py packs` (the check runs each as a phase of its own, under its own time limit).

- speed: 256², width 256, depth 3, full batch, each supervision, at float32 ("highest") and TF32 matmul precision:
  ms per step (a jit-compiled Adam step; 200 steps timed back to back after a warm-up, one sync at the end);
- packs: 64², width 64, batches of 64 points, K = 1, 16, 64 trials as jax.vmap over the trials' parameters and
  batches, float32: trial-steps per second.

Derivatives as JAX users write them (reference_common / jax_reference.py): the gradient by vmap(grad), the
Laplacian as the trace of vmap(hessian).
"""
import json
import os
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cuda")  # before jax_reference, which defaults JAX to the CPU
CANNOT_RUN = 3  # the check's exit status for a phase this machine cannot run

try:
    import jax  # noqa: E402
    import jax.numpy as jnp  # noqa: E402
    import numpy as np  # noqa: E402

    import reference_common as common  # noqa: E402
    from jax_reference import adam_step, loss_fn  # noqa: E402
except ImportError as e:
    print(f"cannot run: no JAX with CUDA here ({e})", file=sys.stderr)
    sys.exit(CANNOT_RUN)


def timed(step, state, batches, steps):
    """Runs `steps` steps (batch i % len(batches)) back to back, one sync at the end; seconds per step."""
    for i in range(10):
        state = step(*state, batches[i % len(batches)])
    jax.block_until_ready(state)
    start = time.perf_counter()
    for i in range(steps):
        state = step(*state, batches[i % len(batches)])
    jax.block_until_ready(state)
    return (time.perf_counter() - start) / steps


def speed(mode, precision):
    x = jnp.asarray(common.grid(256))
    y = jnp.asarray(common.targets(mode, x.shape[0]))
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in common.siren_parameters(256, 3)]
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    with jax.default_matmul_precision(precision):
        inner = adam_step(loss_fn(mode))

        def step(p, m, v, t, batch):
            p, m, v, _ = inner(p, m, v, t, x, y)
            return p, m, v, t + 1

        seconds = timed(step, (params, zeros, zeros, jnp.float32(1)), [None], 200)
    return {"case": "speed", "framework": "jax", "version": jax.__version__, "supervision": mode,
            "precision": "float32" if precision == "highest" else "tf32", "ms_per_step": seconds * 1e3}


def pack(mode, k):
    x = np.asarray(common.grid(64))
    y = np.asarray(common.targets(mode, x.shape[0]))
    batches = [(jnp.asarray(np.broadcast_to(x[i * 64:(i + 1) * 64], (k, 64, 2))),
                jnp.asarray(np.broadcast_to(y[i * 64:(i + 1) * 64], (k, 64, y.shape[1])))) for i in range(64)]
    trials = [common.siren_parameters(64, 3, seed=s) for s in range(k)]
    params = [(jnp.asarray(np.stack([t[layer][0] for t in trials])), jnp.asarray(np.stack([t[layer][1] for t in trials])))
              for layer in range(len(trials[0]))]
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    with jax.default_matmul_precision("highest"):
        inner = jax.jit(jax.vmap(adam_step(loss_fn(mode)), in_axes=(0, 0, 0, None, 0, 0)))

        def step(p, m, v, t, batch):
            p, m, v, _ = inner(p, m, v, t, batch[0], batch[1])
            return p, m, v, t + 1

        seconds = timed(step, (params, zeros, zeros, jnp.float32(1)), batches, 192)
    return {"case": "pack", "framework": "jax", "version": jax.__version__, "supervision": mode, "k": k,
            "ms_per_step": seconds * 1e3, "trial_steps_per_second": k / seconds}


def main(phase):
    try:
        device = jax.devices()[0]
    except RuntimeError as e:  # JAX_PLATFORMS=cuda on a machine without a GPU (or without JAX's CUDA plugin)
        print(f"cannot run: JAX finds no GPU ({str(e).splitlines()[0]})", file=sys.stderr)
        return CANNOT_RUN
    print(json.dumps({"case": "device", "framework": "jax", "version": jax.__version__, "device": str(device)}),
          flush=True)
    if phase == "speed":
        for precision in ("highest", "tensorfloat32"):
            for mode in ("vanilla", "gradient", "laplacian"):
                print(json.dumps(speed(mode, precision)), flush=True)
    else:
        for mode in ("vanilla", "gradient", "laplacian"):
            for k in (1, 16, 64):
                print(json.dumps(pack(mode, k)), flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("speed", "packs"):
        print("usage: jax_gpu.py speed|packs", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
