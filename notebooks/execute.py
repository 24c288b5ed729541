"""Executes the analysis notebooks top to bottom against a dataset, as CI does; fails on a failing cell or an
empty figure.

    python3 notebooks/execute.py DATASET [--figures DIR] [--save-executed DIR] [notebook.ipynb ...]

DATASET is a siren-sweep output folder (e.g. runs/ci); --figures saves every figure as PNG there (how docs/ is
made). Needs notebooks/requirements.txt.
"""
import argparse
import base64
import io
import os
import pathlib
import sys

import nbformat
import numpy as np
from nbclient import NotebookClient
from PIL import Image

HERE = pathlib.Path(__file__).resolve().parent


def figures_of(notebook):
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                yield np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("L"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--figures")
    parser.add_argument("--save-executed")
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_intermixed_args()
    os.environ["SIREN_SWEEP_DATASET"] = str(pathlib.Path(args.dataset).resolve())
    if args.figures:
        os.environ["SIREN_SWEEP_FIGURES"] = str(pathlib.Path(args.figures).resolve())
    paths = [pathlib.Path(p) for p in args.notebooks] or sorted(HERE.glob("*.ipynb"))
    failures = 0
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        try:
            NotebookClient(notebook, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(HERE)}}).execute()
        except Exception as error:  # a failing cell: report which, go on with the other notebooks
            print(f"FAILED {path.name}: {str(error).strip().splitlines()[-1] if str(error).strip() else error!r}")
            failures += 1
            continue
        figures = list(figures_of(notebook))
        blank = [i for i, pixels in enumerate(figures) if pixels.std() < 1]
        if not figures or blank:
            print(f"FAILED {path.name}: {len(figures)} figures, blank: {blank}")
            failures += 1
            continue
        if args.save_executed:
            out = pathlib.Path(args.save_executed)
            out.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, out / path.name)
        print(f"ok {path.name}: {len(figures)} figures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
