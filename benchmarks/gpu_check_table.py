"""Prints the GPU check's table from siren-sweep's and JAX's JSON lines (benchmarks/gpu-check.sh), with the issue's
targets: 256² width 256 full batch at most 1.0x / 0.8x / 0.4x JAX's ms per step (vanilla / gradient / Laplacian,
the same matmul precision); packs of 64 at least 1.0x JAX's vmap and 20x one unpacked trial in trial-steps per
second; the loss within 1e-3 of the CPU engine's over the first 50 epochs. Exit code 1 if a correctness case fails.
"""
import json
import sys


def rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def main(ours_path, jax_path):
    ours = rows(ours_path)
    theirs = rows(jax_path) if jax_path else []
    for r in ours + theirs:
        if r["case"] == "device":
            print("device:", r["device"])
    failed = False
    print("\ncorrectness (64², width 64, full batch, 500 epochs, float32): loss against the CPU engine's")
    print(f"{'supervision':12} {'first 50 epochs':>16} {'all 500':>10} {'two CPU kernels':>16}  pass")
    for r in ours:
        if r["case"] == "correctness":
            failed |= not r["pass"]
            print(f"{r['supervision']:12} {r['early_difference']:16.2e} {r['max_difference']:10.2e} "
                  f"{r['cpu_kernels_max_difference']:16.2e}  {'yes' if r['pass'] else 'NO'}")
    targets = {"vanilla": 1.0, "gradient": 0.8, "laplacian": 0.4}
    print("\nspeed (256², width 256, depth 3, full batch): ms per step")
    print(f"{'supervision':12} {'precision':9} {'siren-sweep':>12} {'JAX':>9} {'ratio':>7} {'target':>7}")
    for r in ours:
        if r["case"] == "speed":
            j = next((t for t in theirs if t["case"] == "speed" and t["supervision"] == r["supervision"]
                      and t["precision"] == r["precision"]), None)
            ratio = r["ms_per_step"] / j["ms_per_step"] if j else float("nan")
            print(f"{r['supervision']:12} {r['precision']:9} {r['ms_per_step']:12.3f} "
                  f"{j['ms_per_step'] if j else float('nan'):9.3f} {ratio:7.2f} {targets[r['supervision']]:7.1f}")
    print("\npacks (64², width 64, batches of 64, float32): trial-steps per second")
    print(f"{'supervision':12} {'K':>3} {'siren-sweep':>12} {'JAX vmap':>10} {'ratio':>7} {'vs K=1':>7}")
    for r in ours:
        if r["case"] == "pack":
            j = next((t for t in theirs if t["case"] == "pack" and t["supervision"] == r["supervision"]
                      and t["k"] == r["k"]), None)
            single = next(o for o in ours if o["case"] == "pack" and o["supervision"] == r["supervision"]
                          and o["k"] == 1)
            theirs_rate = j["trial_steps_per_second"] if j else float("nan")
            print(f"{r['supervision']:12} {r['k']:3d} {r['trial_steps_per_second']:12.0f} {theirs_rate:10.0f} "
                  f"{r['trial_steps_per_second'] / theirs_rate:7.2f} "
                  f"{r['trial_steps_per_second'] / single['trial_steps_per_second']:7.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
