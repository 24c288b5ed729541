"""JAX reference: jit-compiled SIREN training step per supervision type, on the CPU.

Derivatives the way JAX users write them: the gradient with vmap(grad), the Laplacian as the trace of vmap(hessian)
(Siren-Jax itself uses vmap(jacfwd) for the gradient, which is slower). Prints one JSON line per case.
"""
import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import reference_common as common  # noqa: E402


def network(params, x):
    h = x
    for w, b in params[:-1]:
        h = jnp.sin(common.OMEGA * (h @ w + b))
    w, b = params[-1]
    return h @ w + b


def scalar(params, point):
    return network(params, point[None, :])[0, 0]


def loss_fn(mode):
    if mode == "vanilla":
        return lambda params, x, y: jnp.mean((network(params, x) - y) ** 2)
    if mode == "gradient":
        gradient = jax.vmap(jax.grad(scalar, argnums=1), in_axes=(None, 0))
        return lambda params, x, y: jnp.mean(jnp.sum((gradient(params, x) - y) ** 2, axis=1))
    hessian = jax.vmap(jax.hessian(scalar, argnums=1), in_axes=(None, 0))
    return lambda params, x, y: jnp.mean((jnp.trace(hessian(params, x), axis1=1, axis2=2)[:, None] - y) ** 2)


def adam_step(loss, lr=1e-4, b1=0.9, b2=0.999, eps=1e-8):
    @jax.jit
    def step(params, m, v, t, x, y):
        value, grads = jax.value_and_grad(loss)(params, x, y)
        m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
        v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
        scale = lr * jnp.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        params = jax.tree_util.tree_map(lambda p, m, v: p - scale * m / (jnp.sqrt(v) + eps), params, m, v)
        return params, m, v, value
    return step


def main():
    args = common.arguments(__doc__)
    for resolution in args.resolution:
        x = jnp.asarray(common.grid(resolution))
        for mode in args.mode:
            params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in common.siren_parameters(args.width, args.depth)]
            y = jnp.asarray(common.targets(mode, x.shape[0]))
            m = jax.tree_util.tree_map(jnp.zeros_like, params)
            v = jax.tree_util.tree_map(jnp.zeros_like, params)
            step = adam_step(loss_fn(mode))
            state = {"params": params, "m": m, "v": v, "t": 0}

            def one_step():
                state["t"] += 1
                p, m2, v2, value = step(state["params"], state["m"], state["v"], state["t"], x, y)
                value.block_until_ready()
                state.update(params=p, m=m2, v=v2)

            ms = common.median_ms(one_step, args.steps)
            common.report("jax", jax.__version__, mode, resolution, args.width, args.depth, ms)


if __name__ == "__main__":
    main()
