"""Expected training steps per second on common GPUs, from a FLOP and memory-traffic count of one step, written for
ND4J's CUDA backend (now gone) before any GPU ran here; benchmarks/gpu-check.sh measures the real backend. Usage: python3 benchmarks/gpu_model.py [--resolution 256] [--width 256]
[--packs 64,1024] (the second table: trial-steps per second against pack size at those batch sizes)

The model: a step is its matrix products at 70 % of the GPU's FP32 peak, then its elementwise passes at 70 % of its
memory bandwidth, one after the other (ND4J launches one kernel per op and fuses nothing).
- Matmul FLOPs as `siren-sweep bench` counts them (StepFlops): 3 products (forward, weight gradient, input adjoint)
  of 2·N·fan_in·fan_out per stream and weight layer; streams: 1 (vanilla), 3 (gradient: + 2 tangents), 4 (Laplacian).
- Elementwise traffic: about 10 passes over an N×width float32 array per stream and sine layer (forward: product
  out, activation in, sine and cosine out; reverse: adjoint in and out, cosine in, the products' operands).
- Packs (--packs): small batches leave a GPU idle between kernels, so there each kernel also costs a launch of
  LAUNCH_US (ND4J's host-side dispatch and the launch: an assumption, typical of op-by-op frameworks). A pack of K
  trials launches each trial's products and per-trial ops K times (about 3·streams·(depth+2) products and
  depth+5 others: activations, output bias, loss sums, Adam) but its elementwise ops once (about
  4·streams·(depth+1)), and does K times the arithmetic.
"""
import argparse

GPUS = {  # name: (FP32 peak TFLOP/s without TF32, memory bandwidth GB/s)
    "T4": (8.1, 320),
    "RTX 2080 Ti (the seed's)": (13.4, 616),
    "V100": (15.7, 900),
    "A10": (31.2, 600),
    "RTX 3090": (35.6, 936),
    "A100 40GB": (19.5, 1555),
    "L4": (30.3, 300),
    "H100 SXM": (67.0, 3350),
}
STREAMS = {"vanilla": 1, "gradient": 3, "laplacian": 4}
EFFICIENCY = 0.7
LAUNCH_US = 8.0


def step_cost(mode, points, width, depth, channels=1):
    streams = STREAMS[mode]
    first_streams = streams - (1 if mode == "laplacian" else 0)
    flops = 2 * points * (2 * first_streams * 2 * width + 3 * streams * width * width * depth
                          + 3 * streams * width * channels)
    bytes_moved = 10 * streams * (depth + 1) * points * width * 4
    return flops, bytes_moved


def launches(mode, depth, pack):
    """Kernel launches of one step of a pack of `pack` trials (see the module's description)."""
    streams = STREAMS[mode]
    per_trial = 3 * streams * (depth + 2) + depth + 5
    shared = 4 * streams * (depth + 1)
    return pack * per_trial + shared


def pack_table(points, width, depth, gpus, packs=(1, 4, 16, 64)):
    """Trial-steps per second per GPU against pack size, for batches of `points` points."""
    print(f"\nbatches of {points} points, width {width}, depth {depth}: trial-steps/s per GPU by pack size")
    print(f"{'GPU':<26}{'supervision':<12}" + "".join(f"{'pack ' + str(k):>12}" for k in packs))
    for name in gpus:
        tflops, bandwidth = GPUS[name]
        for mode in STREAMS:
            flops, moved = step_cost(mode, points, width, depth)
            cells = []
            for k in packs:
                seconds = (k * flops / (EFFICIENCY * tflops * 1e12) + k * moved / (EFFICIENCY * bandwidth * 1e9)
                           + launches(mode, depth, k) * LAUNCH_US * 1e-6)
                cells.append(k / seconds)
            print(f"{name:<26}{mode:<12}" + "".join(f"{c:>12.0f}" for c in cells))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--resolution", type=int, default=256)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--packs", default="", help="batch sizes (points) for the pack table, e.g. 64,1024")
    p.add_argument("--pack-width", type=int, default=64, help="network width for the pack table")
    args = p.parse_args()
    points = args.resolution ** 2
    print(f"{args.resolution}², width {args.width}, depth {args.depth}, full batch")
    costs = {m: step_cost(m, points, args.width, args.depth) for m in STREAMS}
    for mode, (flops, moved) in costs.items():
        print(f"  {mode:<9} {flops / 1e9:7.1f} GFLOP, {moved / 1e9:5.1f} GB elementwise traffic per step")
    print(f"{'GPU':<26}" + "".join(f"{m + ' steps/s':>20}" for m in STREAMS) + f"{'10k vanilla steps':>20}")
    for name, (tflops, bandwidth) in GPUS.items():
        cells = []
        for mode, (flops, moved) in costs.items():
            seconds = flops / (EFFICIENCY * tflops * 1e12) + moved / (EFFICIENCY * bandwidth * 1e9)
            cells.append(1 / seconds)
        vanilla_seconds = 1e4 / cells[0]
        print(f"{name:<26}" + "".join(f"{c:>20.1f}" for c in cells) + f"{vanilla_seconds:>19.0f}s")
    for points in [int(x) for x in args.packs.split(",") if x]:
        pack_table(points, args.pack_width, args.depth, ["T4", "A100 40GB"])


if __name__ == "__main__":
    main()
