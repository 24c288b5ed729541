"""PyTorch reference: the official SIREN code's way, autograd with create_graph for the gradient and the Laplacian
(the divergence of the gradient), eager mode, torch.optim.Adam. Prints one JSON line per case."""
import os

import torch

import reference_common as common


class Siren(torch.nn.Module):
    def __init__(self, params):
        super().__init__()
        self.layers = torch.nn.ModuleList()
        for w, b in params:
            layer = torch.nn.Linear(w.shape[0], w.shape[1])
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(w.T.copy()))
                layer.bias.copy_(torch.from_numpy(b))
            self.layers.append(layer)

    def forward(self, x):
        h = x
        for layer in self.layers[:-1]:
            h = torch.sin(common.OMEGA * layer(h))
        return self.layers[-1](h)


def gradient(y, x):
    return torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)[0]


def loss_fn(mode, model, x, y):
    if mode == "vanilla":
        return torch.mean((model(x) - y) ** 2)
    x = x.detach().requires_grad_(True)
    g = gradient(model(x), x)
    if mode == "gradient":
        return torch.mean(torch.sum((g - y) ** 2, dim=1))
    laplacian = sum(gradient(g[:, i], x)[:, i] for i in range(x.shape[1]))
    return torch.mean((laplacian[:, None] - y) ** 2)


def main():
    args = common.arguments(__doc__)
    threads = int(os.environ.get("TORCH_THREADS", os.cpu_count()))
    torch.set_num_threads(threads)
    for resolution in args.resolution:
        x = torch.from_numpy(common.grid(resolution))
        for mode in args.mode:
            model = Siren(common.siren_parameters(args.width, args.depth))
            y = torch.from_numpy(common.targets(mode, x.shape[0]))
            optimiser = torch.optim.Adam(model.parameters(), lr=1e-4)

            def one_step():
                optimiser.zero_grad(set_to_none=True)
                loss = loss_fn(mode, model, x, y)
                loss.backward()
                optimiser.step()

            ms = common.median_ms(one_step, args.steps)
            common.report("torch", torch.__version__, mode, resolution, args.width, args.depth, ms,
                          {"threads": threads})


if __name__ == "__main__":
    main()
