"""Prints the GPU check's table (benchmarks/gpu-check.sh) from the files of one run in a folder: phases.jsonl (each
phase's status and time), siren-sweep.jsonl (siren-sweep's measurements) and jax.jsonl (JAX's on the same GPU).
The targets: loss within 1e-3 of the CPU engine's over the first 50 epochs; 256² width 256 full batch at most
1.0x / 0.8x / 0.4x JAX's ms per step (vanilla / gradient / Laplacian, the same matmul precision); packs of 64 at
least 1.0x JAX's vmap and 20x one unpacked trial in trial-steps per second. Whatever a phase did not bring is shown
as missing, never left out. Exit code 1 if a phase failed or a correctness case did not pass.
"""
import json
import os
import sys

SUPERVISIONS = ("vanilla", "gradient", "laplacian")
SPEED_TARGETS = {"vanilla": 1.0, "gradient": 0.8, "laplacian": 0.4}


def rows(path):
    """The measurements of a file, less the lines of a phase that could not run or failed (phases.jsonl says)."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.startswith("{")]
    return [r for r in lines if "cannot_run" not in r and ("error" not in r or r.get("case") == "correctness")]


def number(value, digits=3, width=10):
    return f"{value:{width}.{digits}f}" if isinstance(value, (int, float)) else f"{'—':>{width}}"


def main(folder):
    phases = rows(os.path.join(folder, "phases.jsonl"))
    ours = rows(os.path.join(folder, "siren-sweep.jsonl"))
    theirs = rows(os.path.join(folder, "jax.jsonl"))
    failed = False

    if os.environ.get("GPU_CHECK_CASES", "full") != "full":
        print(f"cases: {os.environ['GPU_CHECK_CASES']} (the sizes below are the full cases'; these ran smaller)\n")
    print("phases:")
    previous = None
    for p in phases:
        failed |= p["status"] != "ok"
        detail = p.get("detail", "")
        shown = "  (as above)" if detail and detail == previous else f"  {detail}" if detail else ""
        previous = detail
        print(f"  {p['name']:12} {p['status']:12} {p['seconds']:6.1f} s{shown}")

    for r in ours:
        if r["case"] == "libraries":
            print(f"\nGPU: {r['device']}\nCUDA: {r['libraries']}\nGPUs this process can use: {r['gpus']}")
    for r in theirs:
        if r["case"] == "device":
            print(f"JAX {r.get('version', '')}: {r['device']}")

    print("\ncorrectness (64², width 64, full batch, 500 epochs, float32): loss against the CPU engine's")
    print(f"{'supervision':12} {'graphs':>6} {'first 50 epochs':>16} {'all':>10} {'two CPU kernels':>16}  pass  "
          f"same bits as graphs")
    for r in (r for r in ours if r["case"] == "correctness"):
        failed |= not r.get("pass", False)
        if "error" in r:
            print(f"{r['supervision']:12} {str(r['graphs']).lower():>6}  error: {r['error']}")
            continue
        same = "" if r["graphs"] else ("yes" if r.get("same_as_graphs") else "no")
        print(f"{r['supervision']:12} {str(r['graphs']).lower():>6} {r['early_difference']:16.2e} "
              f"{r['max_difference']:10.2e} {r['cpu_kernels_max_difference']:16.2e}  {'yes' if r['pass'] else 'NO':4}"
              f"  {same}")

    for r in (r for r in ours if r["case"] == "trial"):
        failed |= not r.get("pass", False)
        worst = max(r["pictures"], key=lambda p: p.get("max_levels", 999))
        print(f"\nwhole trial (Laplacian, as a Spark task runs it) on {r['device']}: status {r['status']} "
              f"(CPU {r['cpu_status']}); curve, measures and scores within {r['values_max_difference']:.2e}; "
              f"weights within {r['weights_max_difference']:.2e}; {len(r['pictures'])} pictures, the worst "
              f"{worst['picture']} {worst.get('max_levels', '?')} levels apart on "
              f"{100 * worst.get('differing', 1):.2f} % of its samples; pass: {'yes' if r['pass'] else 'NO'}")

    print("\nspeed (256², width 256, depth 3, full batch): ms per step")
    print(f"{'supervision':12} {'precision':9} {'siren-sweep':>12} {'JAX':>10} {'ratio':>7} {'target':>7}")
    for precision in ("float32", "tf32"):
        for mode in SUPERVISIONS:
            o = next((r for r in ours if r["case"] == "speed" and r["supervision"] == mode
                      and r["precision"] == precision), {})
            j = next((t for t in theirs if t["case"] == "speed" and t["supervision"] == mode
                      and t["precision"] == precision), {})
            ratio = o["ms_per_step"] / j["ms_per_step"] if o and j else None
            print(f"{mode:12} {precision:9} {number(o.get('ms_per_step'), 3, 12)} {number(j.get('ms_per_step'))} "
                  f"{number(ratio, 2, 7)} {SPEED_TARGETS[mode]:7.1f}")

    print("\npacks (64², width 64, batches of 64, float32): trial-steps per second")
    print(f"{'supervision':12} {'K':>3} {'siren-sweep':>12} {'JAX vmap':>10} {'ratio':>7} {'vs K=1':>7}")
    for mode in SUPERVISIONS:
        single = next((o for o in ours if o["case"] == "pack" and o["supervision"] == mode and o["k"] == 1), {})
        ks = sorted({r["k"] for r in ours + theirs if r["case"] == "pack" and r["supervision"] == mode}) or [1, 16, 64]
        for k in ks:
            o = next((r for r in ours if r["case"] == "pack" and r["supervision"] == mode and r["k"] == k), {})
            j = next((t for t in theirs if t["case"] == "pack" and t["supervision"] == mode and t["k"] == k), {})
            rate = o.get("trial_steps_per_second")
            ratio = rate / j["trial_steps_per_second"] if rate and j else None
            gain = rate / single["trial_steps_per_second"] if rate and single else None
            print(f"{mode:12} {k:3d} {number(rate, 0, 12)} {number(j.get('trial_steps_per_second'), 0)} "
                  f"{number(ratio, 2, 7)} {number(gain, 1, 7)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
