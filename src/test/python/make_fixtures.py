"""Regenerates the reference fixtures the Java tests pin against (scipy.ndimage filters, Pillow resampling).

Run from the project root:  python3 src/test/python/make_fixtures.py
Needs: numpy, scipy, pillow (see src/test/python/requirements.txt), and scikit-image 0.26 for the SSIM fixture.
"""
import json
import pathlib

import numpy as np
import scipy
from PIL import Image
from scipy import ndimage

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUT = ROOT / "src/test/resources/fixtures"
OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(20201117)

# Filters: Siren-Jax calls scipy on the (H, W, 1) array, so the size-1 channel axis takes part ('reflect' borders).
img = rng.normal(size=(6, 7, 1))
filters = {
    "scipy": scipy.__version__,
    "input": img[:, :, 0].tolist(),
    "sobel_axis0": ndimage.sobel(img, axis=0)[:, :, 0].tolist(),
    "sobel_axis1": ndimage.sobel(img, axis=1)[:, :, 0].tolist(),
    "laplace": ndimage.laplace(img)[:, :, 0].tolist(),
}
(OUT / "scipy_filters.json").write_text(json.dumps(filters, indent=1))

# Resampling: Pillow's filters, as the reference runs used (Lanczos downsample; interpolation baselines upsample).
small = rng.integers(0, 256, size=(9, 13), dtype=np.uint8)
pil = Image.fromarray(small, mode="L")
resample = {"pillow": Image.__version__, "input": small.tolist(), "cases": []}
for name, flt, size in [("lanczos", Image.LANCZOS, (5, 4)), ("lanczos", Image.LANCZOS, (26, 18)),
                        ("bicubic", Image.BICUBIC, (26, 18)), ("bilinear", Image.BILINEAR, (26, 18)),
                        ("bilinear", Image.BILINEAR, (6, 4)), ("nearest", Image.NEAREST, (26, 18)),
                        ("bicubic", Image.BICUBIC, (7, 5))]:
    out = np.array(pil.resize(size, flt))
    resample["cases"].append({"filter": name, "width": size[0], "height": size[1], "output": out.tolist()})
(OUT / "pillow_resample.json").write_text(json.dumps(resample))

# SSIM as scikit-image computes it (7x7 uniform window, sample covariance, K1 0.01, K2 0.03, data range 1).
from skimage import __version__ as skimage_version
from skimage.metrics import structural_similarity
gray_a, gray_b = rng.random((20, 23)), rng.random((20, 23))
gray_b = 0.7 * gray_a + 0.3 * gray_b
rgb_a, rgb_b = rng.random((12, 14, 3)), rng.random((12, 14, 3))
rgb_b = 0.5 * rgb_a + 0.5 * rgb_b
ssim = {
    "skimage": skimage_version,
    "gray": {"a": gray_a.tolist(), "b": gray_b.tolist(),
             "ssim": structural_similarity(gray_a, gray_b, data_range=1.0)},
    "rgb": {"a": rgb_a.tolist(), "b": rgb_b.tolist(),
            "ssim": structural_similarity(rgb_a, rgb_b, data_range=1.0, channel_axis=2)},
}
(OUT / "skimage_ssim.json").write_text(json.dumps(ssim))

# The bundled camera image downsampled 512 -> 256 by Pillow's Lanczos: the training image of the reference runs.
Image.open(ROOT / "data/camera.png").convert("L").resize((256, 256), Image.LANCZOS).save(OUT / "camera-256-pillow-lanczos.png")
print("fixtures written to", OUT)
