#!/usr/bin/env python3
"""Issue 16 (stop 17): does a PSF forward model or a PSF deconvolution recover the LFP slope that the
eroded matrix grey loses?

Per slice z, the observed grey I is modelled as blur(PSF) of (NMC mask * g_NMC + matrix mask * g(z)
+ near-NMC shell * h(z)) [+ a boundary-shift column: the blurred inner NMC edge] [+ a fringe column:
the Laplacian of the blurred NMC mask], solved for (g, h, ...) by least squares over the slice's
voxels; the slice's matrix grey is g + h x (near-shell share of its matrix). NMC mask: analyze's
labels.tif; g_NMC: analyze's deep NMC grey; PSF: the simulator's true sigma (the best case; an
estimated one can only do worse).
Deconvolution: Wiener filter of the whole volume with the simulator's PSF and phase-contrast term,
H = Gaussian(sigma) x (1 + c x discrete Laplacian symbol), W = H (1 + lambda) / (H^2 + lambda) (unit gain at
zero frequency, so the zero grey keeps its meaning), mirrored 16-voxel padding; the slice's matrix grey
is the mean of the deconvolved matrix voxels more than `excl` voxels from NMC. The LFP profile then follows the known-mean route (zero = the pore
grey, scaled to the true bulk mean), with the matrix fraction unmixed from the slice mean grey.

usage: lfp_forward_model_check.py SAMPLE ANALYZE_OUT [SIGMA_UM C_UM2]   (SIGMA_UM, C_UM2: a PSF sigma and a
phase-contrast strength to use instead of the simulator's, e.g. ones estimated from the image; SAMPLE: emorph synth --xct output with
labels.tif/xct.tif/truth.json; ANALYZE_OUT: emorph analyze with [output] labels = true)
Needs numpy, scipy, tifffile (Debian's /usr/bin/python3).
"""
import json
import sys

import numpy as np
import tifffile
from scipy import ndimage as ndi


def main(sample, analysed, psf=None):
    grey = tifffile.imread(f"{sample}/xct.tif").astype(np.float64)
    true_labels = tifffile.imread(f"{sample}/labels.tif")
    nmc = tifffile.imread(f"{analysed}/labels.tif") == 1
    truth = json.load(open(f"{sample}/truth.json"))
    res = json.load(open(f"{analysed}/results.json"))["results"]
    voxel = res["profiles"]["slice_um"] if "slice_um" in res["profiles"] else 0.32
    bulk = res["profiles"]["bulk"]
    bulk_slices = slice(bulk["first_slice"], bulk["last_slice"] + 1)
    position = (np.arange(grey.shape[0]) + 0.5) * voxel

    def slope(y):
        ok = np.isfinite(y[bulk_slices])
        return np.polyfit(position[bulk_slices][ok], y[bulk_slices][ok], 1)[0]

    lfp_true = (true_labels == 2).mean((1, 2))
    g_nmc = res["grey_profile"]["bright_mean_grey"]
    zero = truth["xct"]["grey_of_phase"]["pore"]
    shipped = np.array(res["profiles"]["phases"]["LFP"]["fraction"], float)
    print(f"{sample}: true LFP slope {100 * slope(lfp_true):.4f} vol%/um; shipped route {100 * slope(shipped):.4f}")
    sigma_um, contrast_um2 = psf or (truth["xct"]["psf_sigma_um"], truth["xct"]["phase_contrast_um2"])
    print(f"  PSF sigma {sigma_um} um, phase contrast {contrast_um2} um^2")
    sigma = sigma_um / voxel
    blur = lambda m: ndi.gaussian_filter(m.astype(np.float64), sigma, mode="mirror")
    b_nmc = blur(nmc)
    edge = blur(nmc & ~ndi.binary_erosion(nmc))
    fringe = ndi.laplace(b_nmc, mode="mirror")
    distance = ndi.distance_transform_edt(~nmc) * voxel
    slice_mean = grey.mean((1, 2))
    for shell_um in (0.5, 1.0, 1.5):
        near = ~nmc & (distance <= shell_um)
        b_near = blur(near)
        for extra in ((), ("shift",), ("fringe",), ("shift", "fringe")):
            g = np.full(grey.shape[0], np.nan)
            for k in range(grey.shape[0]):
                columns = [1 - b_nmc[k], b_near[k]] + ([edge[k]] if "shift" in extra else []) + \
                          ([fringe[k]] if "fringe" in extra else [])
                coef = np.linalg.lstsq(np.stack([c.ravel() for c in columns], 1),
                                       (grey[k] - g_nmc * b_nmc[k]).ravel(), rcond=None)[0]
                matrix = ~nmc[k]
                if matrix.any():
                    g[k] = coef[0] + coef[1] * near[k][matrix].mean()
            matrix_fraction = np.clip((g_nmc - slice_mean) / (g_nmc - g), 0, 1)
            lfp = (g - zero) * matrix_fraction
            lfp *= lfp_true[bulk_slices].mean() / lfp[bulk_slices].mean()
            print(f"  shell {shell_um} um, columns g,h{''.join(',' + e for e in extra)}: LFP slope {100 * slope(lfp):.4f}")
    pad = 16
    padded = np.pad(grey, pad, mode="reflect")
    k = np.meshgrid(*[np.fft.fftfreq(n) * 2 * np.pi for n in padded.shape], indexing="ij")
    laplacian = sum(2 - 2 * np.cos(ki) for ki in k)
    transfer = np.exp(-0.5 * sigma ** 2 * sum(ki ** 2 for ki in k)) * \
        (1 + contrast_um2 / voxel ** 2 * laplacian)
    spectrum = np.fft.fftn(padded)
    for lam in (0.01, 0.03, 0.1, 0.3):
        restored = np.real(np.fft.ifftn(spectrum * transfer * (1 + lam) / (transfer ** 2 + lam)))[pad:-pad, pad:-pad, pad:-pad]
        for excl in (1.5, 2.0):
            matrix = ~nmc & (distance / voxel > excl)
            g = (restored * matrix).sum((1, 2)) / np.maximum(matrix.sum((1, 2)), 1)
            matrix_fraction = np.clip((g_nmc - slice_mean) / (g_nmc - g), 0, 1)
            lfp = (g - zero) * matrix_fraction
            lfp *= lfp_true[bulk_slices].mean() / lfp[bulk_slices].mean()
            print(f"  Wiener lambda {lam}, matrix beyond {excl} voxels of NMC: LFP slope {100 * slope(lfp):.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], (float(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) > 4 else None)
