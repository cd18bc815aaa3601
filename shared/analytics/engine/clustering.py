"""k-means clustering of points (rows) on standardised features, with k given or chosen by silhouette.

Each feature is scaled to mean 0 and standard deviation 1 first (a constant feature is left at 0), so
no feature dominates by its unit. Seeds by k-means++, refines by Lloyd's iterations, keeps the best of a
few seeded starts; the same points and seed always give the same answer. When k is not given, every k
of `k_range` that the data allows is tried and the one with the highest mean silhouette is kept.
Silhouettes are computed on at most SILHOUETTE_SAMPLE points (an evenly spaced, fixed subset) so the
cost stays bounded for large inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analytics.engine.array_checks import FloatArray, as_matrix

STARTS = 4
MAX_ITERATIONS = 100
CONVERGED = 1e-10  # squared shift of the centres (features in standard deviations) that ends the iterations
SILHOUETTE_SAMPLE = 2000
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Clusters:
    """Cluster j holds sizes[j] points, centred at centroids[j] (in the input's units); clusters are
    numbered from the largest."""

    k: int
    labels: list[int]
    centroids: list[list[float]]
    sizes: list[int]
    silhouette: float  # the mean silhouette in [-1, 1]: near 1 for compact, well separated clusters
    silhouette_by_k: dict[int, float]  # every k tried and its mean silhouette


def kmeans(
    points: npt.ArrayLike, k: int | None = None, *, k_range: tuple[int, int] = (2, 8), seed: int = 0
) -> Clusters:
    data = as_matrix(points, name="points", minimum_rows=3)
    spread = data.std(axis=0)
    if np.all(spread == 0):
        raise ValueError("every point is the same: there is nothing to cluster")
    scaled = (data - data.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    distinct = np.unique(scaled, axis=0).shape[0]
    if k is not None:
        if not 2 <= k <= distinct - 1:
            raise ValueError(
                f"k must be between 2 and {distinct - 1} for {distinct} distinct points, got {k}"
            )
        candidates = [k]
    else:
        low, high = k_range
        if low < 2 or high < low:
            raise ValueError(f"k_range must be (low, high) with 2 <= low <= high, got {k_range}")
        candidates = list(range(low, min(high, distinct - 1) + 1))
        if not candidates:
            raise ValueError(
                f"{distinct} distinct points allow no k in {k_range} (k must be below the points)"
            )
    sample = _silhouette_sample(scaled.shape[0])
    best: tuple[float, IntArray] | None = None
    by_k: dict[int, float] = {}
    for candidate in candidates:
        labels = _best_of_starts(scaled, candidate, np.random.default_rng(seed))
        by_k[candidate] = _mean_silhouette(scaled[sample], labels[sample], candidate)
        if best is None or by_k[candidate] > best[0]:
            best = (by_k[candidate], labels)
    assert best is not None
    labels = _numbered_by_size(best[1])
    count = int(labels.max()) + 1
    return Clusters(
        k=count,
        labels=labels.tolist(),
        centroids=[data[labels == j].mean(axis=0).tolist() for j in range(count)],
        sizes=np.bincount(labels, minlength=count).tolist(),
        silhouette=best[0],
        silhouette_by_k=by_k,
    )


def _best_of_starts(points: FloatArray, k: int, rng: np.random.Generator) -> IntArray:
    best_inertia, best_labels = np.inf, np.zeros(points.shape[0], dtype=np.int64)
    for _ in range(STARTS):
        labels, inertia = _lloyd(points, _plus_plus(points, k, rng))
        if inertia < best_inertia:
            best_inertia, best_labels = inertia, labels
    return best_labels


def _plus_plus(points: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    """k-means++ seeding: each next centre drawn with probability proportional to squared distance."""
    centres = [points[rng.integers(points.shape[0])]]
    nearest = np.sum((points - centres[0]) ** 2, axis=1)
    for _ in range(1, k):
        total = nearest.sum()
        index = int(rng.choice(points.shape[0], p=nearest / total)) if total > 0 else 0
        centres.append(points[index])
        nearest = np.minimum(nearest, np.sum((points - points[index]) ** 2, axis=1))
    return np.array(centres)


def _lloyd(points: FloatArray, centres: FloatArray) -> tuple[IntArray, float]:
    k = centres.shape[0]
    labels = np.full(points.shape[0], -1, dtype=np.int64)
    for _ in range(MAX_ITERATIONS):
        distances = _squared_distances(points, centres)
        new_labels = np.argmin(distances, axis=1)
        counts = np.bincount(new_labels, minlength=k)
        for j in np.flatnonzero(counts == 0):
            # An empty cluster takes the point farthest from its centre.
            farthest = int(np.argmax(distances[np.arange(points.shape[0]), new_labels]))
            new_labels[farthest] = j
            distances[farthest] = 0.0
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        counts = np.bincount(labels, minlength=k)
        sums = np.stack([np.bincount(labels, weights=column, minlength=k) for column in points.T], axis=1)
        moved = centres
        centres = sums / counts[:, None]
        if np.max(np.sum((centres - moved) ** 2, axis=1)) < CONVERGED:
            break
    inertia = float(np.sum((points - centres[labels]) ** 2))
    return labels, inertia


def _squared_distances(points: FloatArray, centres: FloatArray) -> FloatArray:
    return np.maximum(
        np.sum(points**2, axis=1)[:, None] - 2 * points @ centres.T + np.sum(centres**2, axis=1)[None, :], 0.0
    )


def _silhouette_sample(n: int) -> IntArray:
    if n <= SILHOUETTE_SAMPLE:
        return np.arange(n, dtype=np.int64)
    return np.linspace(0, n - 1, SILHOUETTE_SAMPLE).round().astype(np.int64)


def _mean_silhouette(points: FloatArray, labels: IntArray, k: int) -> float:
    """Mean of (b - a) / max(a, b) over the points; a point alone in its cluster scores 0."""
    distances = np.sqrt(_squared_distances(points, points))
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    sums = np.stack([distances[:, labels == j].sum(axis=1) for j in range(k)], axis=1)
    own = labels
    own_count = counts[own]
    a = np.where(own_count > 1, sums[np.arange(len(own)), own] / np.maximum(own_count - 1, 1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        other = np.where(counts[None, :] > 0, sums / counts[None, :], np.inf)
    other[np.arange(len(own)), own] = np.inf
    b = other.min(axis=1)
    b = np.where(np.isfinite(b), b, 0.0)
    denominator = np.maximum(a, b)
    s = np.where(
        (own_count > 1) & (denominator > 0), (b - a) / np.where(denominator > 0, denominator, 1.0), 0.0
    )
    return float(s.mean())


def _numbered_by_size(labels: IntArray) -> IntArray:
    """Relabel clusters 0, 1, ... from the largest (ties by first appearance)."""
    present, first = np.unique(labels, return_index=True)
    sizes = np.bincount(labels)[present]
    order = sorted(range(present.size), key=lambda i: (-sizes[i], first[i]))
    mapping = np.empty(int(labels.max()) + 1, dtype=np.int64)
    mapping[present[order]] = np.arange(present.size)
    return mapping[labels]
