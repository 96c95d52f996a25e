"""The peers of `cargo xtask bench`: the computations xtask/bench.mjs times through the wasm API,
written the obvious vectorised way in NumPy, on the same sizes. Prints one JSON object of median
milliseconds per case (and which BLAS NumPy runs). Run by bench.mjs; not a test.

The cases are defined by their sizes, not by their numbers: each peer does the same work as the
API call it stands beside, so the ratio of times is what is compared.
"""

import json
import sys
import time

import numpy as np


def median_ms(run, repeats):
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return times[len(times) // 2]


def spectrum(dimension):
    return np.arange(1, dimension + 1, dtype=np.float64) ** -1.5


def ou_table(variances, estimated, final_time, points):
    """dF²(t, d) for every d (rows) and time (columns), OU schedule, and the best d per time."""
    t = np.linspace(0.0, final_time, points)
    tau = final_time - t
    b2 = np.exp(-2.0 * tau)
    a2 = -np.expm1(-2.0 * tau)
    generated = np.sqrt(a2[None, :] + b2[None, :] * estimated[:, None])
    latent = np.cumsum((generated - np.sqrt(variances)[:, None]) ** 2, axis=0)
    tail = np.concatenate([np.cumsum(variances[::-1])[::-1][1:], [0.0]])
    table = latent + tail[:, None]
    return table, np.argmin(table, axis=0) + 1


def curves_exact(dimension, points):
    variances = spectrum(dimension)
    return lambda: ou_table(variances, variances, 2.0, points)


def curves_plug_in(dimension, points, n):
    variances = spectrum(dimension)
    rng = np.random.default_rng(1)
    estimated = variances * (rng.standard_normal((n, dimension)) ** 2).mean(axis=0)
    # The API's answer holds both tables: the plug-in score's and the exact one's.
    return lambda: (ou_table(variances, estimated, 2.0, points), ou_table(variances, variances, 2.0, points))


def euler_maruyama(n, steps, d, stop_time):
    """The exact Gaussian score of N(0, diag σ²) under OU, Euler–Maruyama from N(0, I)."""
    variances = spectrum(d)
    rng = np.random.default_rng(1)
    h = stop_time / steps

    def run():
        x = rng.standard_normal((n, d))
        for i in range(steps):
            tau = 2.0 - i * h
            b2 = np.exp(-2.0 * tau)
            score = -x / (-np.expm1(-2.0 * tau) + b2 * variances)
            x = x + h * (x + 2.0 * score) + np.sqrt(2.0 * h) * rng.standard_normal((n, d))
        return x

    return run


def empirical_score(samples, steps, d, training):
    """The memorising score of `training` latents in float32: per step a distance matrix
    (samples × training, one product), a softmax and the weighted mean (a second product)."""
    rng = np.random.default_rng(1)
    z = rng.standard_normal((training, d)).astype(np.float32)
    z_norms = (z * z).sum(axis=1)
    h = 2.0 / steps

    def run():
        y = rng.standard_normal((samples, d)).astype(np.float32)
        for i in range(steps):
            tau = 2.0 - i * h
            b = np.float32(np.exp(-tau))
            a2 = np.float32(-np.expm1(-2.0 * tau))
            logits = (y @ z.T) * (b / a2) - (b * b / (2 * a2)) * z_norms[None, :]
            logits -= logits.max(axis=1, keepdims=True)
            weights = np.exp(logits)
            weights /= weights.sum(axis=1, keepdims=True)
            mean = weights @ z
            score = (b * mean - y) / a2
            noise = rng.standard_normal((samples, d)).astype(np.float32)
            y = y + np.float32(h) * (y + 2 * score) + np.float32(np.sqrt(2 * h)) * noise
        return y

    return run


def frechet(dimension):
    """Fréchet distance of two centred Gaussians: SciPy's sqrtm when SciPy is there, else the
    symmetric route through two eigendecompositions."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((dimension, dimension))
    b = rng.standard_normal((dimension, dimension))
    cov1 = a @ a.T / dimension + np.eye(dimension)
    cov2 = b @ b.T / dimension + np.eye(dimension)
    try:
        from scipy.linalg import sqrtm

        return "scipy sqrtm", lambda: np.trace(cov1 + cov2 - 2.0 * np.real(sqrtm(cov1 @ cov2)))
    except ImportError:

        def run():
            values, vectors = np.linalg.eigh(cov1)
            root = (vectors * np.sqrt(np.maximum(values, 0.0))) @ vectors.T
            inner = np.linalg.eigvalsh(root @ cov2 @ root)
            return np.trace(cov1) + np.trace(cov2) - 2.0 * np.sqrt(np.maximum(inner, 0.0)).sum()

        return "numpy eigh", run


def blas():
    try:
        config = np.show_config(mode="dicts")
        return config["Build Dependencies"]["blas"]["name"]
    except Exception:
        return "unknown"


def main():
    cases = json.loads(sys.argv[1])
    out = {"numpy": np.__version__, "blas": blas(), "ms": {}, "notes": {}}
    for case in cases:
        kind, size = case["kind"], case["size"]
        if kind == "curvesExact":
            run = curves_exact(size["D"], size["points"])
        elif kind == "curvesPlugIn":
            run = curves_plug_in(size["D"], size["points"], size["n"])
        elif kind == "eulerMaruyama":
            run = euler_maruyama(size["n"], size["steps"], size["d"], size["stopTime"])
        elif kind == "empiricalScore":
            run = empirical_score(size["samples"], size["steps"], size["d"], size["training"])
        elif kind == "frechet":
            note, run = frechet(size["D"])
            out["notes"][case["name"]] = note
        else:
            raise SystemExit(f"unknown case {kind}")
        out["ms"][case["name"]] = median_ms(run, case["repeats"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
