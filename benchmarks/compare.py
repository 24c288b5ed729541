"""Runs the JAX and PyTorch references and `siren-sweep bench` back to back on this machine and prints the ratios
against the issue's targets. Usage (from the repository root): benchmarks/run.sh [--resolution 256 64] [--steps 5]
"""
import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# siren-sweep step time / the faster reference's, per (mode, resolution); None: no target.
TARGETS = {("vanilla", 256): 0.8, ("vanilla", 64): 1.0, ("gradient", 256): 1.0, ("gradient", 64): 1.0,
           ("laplacian", 256): 0.4, ("laplacian", 64): 0.4}
# Every case's step against its products' sgemm ceiling (measured just before it).
CEILING_TARGET = 0.65


# glibc returns every freed block over 32 MB to the OS, so the references' fresh 64 MB tensors page-fault back in at
# every step (torch vanilla 256²: 4.7 s/step with most of it in the kernel); with transparent huge pages for malloc
# they run as fast as on a tuned machine (1.1 s). siren-sweep allocates once per trial and is not affected.
REFERENCE_ENV = {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}


def run(command, env=None):
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    return subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, text=True,
                          check=True).stdout


def beyond_products(step):
    """The share of a step's time (the mean of its phases) spent outside the products."""
    phases = step["phase_ms"]
    return 1 - phases["products"] / sum(phases.values())


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--resolution", type=int, nargs="+", default=[256, 64])
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--out", type=Path, help="also write every figure as JSON here")
    p.add_argument("--references", type=Path, default=ROOT / "target" / "bench-references.json",
                   help="where the references' figures are kept (default: %(default)s)")
    p.add_argument("--reuse-references", action="store_true",
                   help="take the references' figures from --references instead of measuring them again")
    args = p.parse_args()
    common = ["--resolution", *map(str, args.resolution), "--steps", str(args.steps)]
    if args.reuse_references:
        references = json.loads(args.references.read_text())
    else:
        references = []
        for script in ("jax_reference.py", "torch_reference.py"):
            output = run([sys.executable, str(HERE / script), *common], REFERENCE_ENV)
            references += [json.loads(line) for line in output.splitlines() if line.startswith("{")]
            args.references.parent.mkdir(parents=True, exist_ok=True)
            args.references.write_text(json.dumps(references, indent=2))
    ours = json.loads(run([str(ROOT / "siren-sweep"), "bench", "--json", "--resolution",
                           ",".join(map(str, args.resolution)), "--steps", str(args.steps)]))

    print(f"\nmachine: {platform.node()}, {os.cpu_count()} cores, {platform.processor() or platform.machine()}; "
          f"{date.today()}; width 256, depth 3, full batch; {ours['sine_activation']} sine; "
          f"OpenBLAS {ours['openblas_coretype']}; OpenMP wait {ours['omp_wait_policy']}; "
          f"references with {REFERENCE_ENV}")
    header = f"{'mode':<10} {'res':>4} {'jax ms':>9} {'torch ms':>9} {'ours ms':>9} {'ours/best':>9} {'target':>7} " \
             f"{'met':>4} {'of sgemm':>8} {'beyond products':>15}"
    print(header)
    rows = []
    for step in ours["steps"]:
        key = (step["supervision"], step["resolution"])
        ref = {r["framework"]: r["ms_per_step"] for r in references if (r["mode"], r["resolution"]) == key}
        best = min(ref.values())
        ratio = step["ms_per_step"] / best
        target = TARGETS.get(key)
        met = "-" if target is None else ("yes" if ratio <= target else "no")
        print(f"{key[0]:<10} {key[1]:>4} {ref.get('jax', float('nan')):>9.1f} {ref.get('torch', float('nan')):>9.1f} "
              f"{step['ms_per_step']:>9.1f} {ratio:>9.2f} {target:>7} {met:>4} {step['fraction_of_ceiling']:>8.0%} "
              f"{beyond_products(step):>15.0%}")
        rows.append({"mode": key[0], "resolution": key[1], "references": ref, "ours": step["ms_per_step"],
                     "ratio": ratio, "target": target})
    below = [f"{s['supervision']} {s['resolution']}²" for s in ours["steps"]
             if s["fraction_of_ceiling"] < CEILING_TARGET]
    print(f"every case at {CEILING_TARGET:.0%} of its sgemm ceiling or more: "
          + ("met" if not below else "not met (" + ", ".join(below) + ")"))
    if args.out:
        args.out.write_text(json.dumps({"references": references, "ours": ours, "ratios": rows}, indent=2))


if __name__ == "__main__":
    main()
