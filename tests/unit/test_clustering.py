"""k-means: separable clusters are found with the right k and sizes, deterministically."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.engine.clustering import kmeans


def blobs(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.vstack(
        [
            rng.normal([0.0, 0.0], 0.3, size=(50, 2)),
            rng.normal([5.0, 5.0], 0.3, size=(30, 2)),
            rng.normal([0.0, 8.0], 0.3, size=(20, 2)),
        ]
    )


def test_separable_clusters_are_found_with_the_right_k_and_sizes() -> None:
    # Given three well separated groups of 50, 30 and 20 points
    points = blobs()

    # When k is left to the silhouette
    result = kmeans(points)

    # Then three clusters, numbered from the largest, each holding exactly its group
    assert result.k == 3
    assert result.sizes == [50, 30, 20]
    assert result.labels == [0] * 50 + [1] * 30 + [2] * 20
    assert result.centroids[1] == pytest.approx([5.0, 5.0], abs=0.2)
    assert result.silhouette > 0.8
    assert max(result.silhouette_by_k, key=lambda k: result.silhouette_by_k[k]) == 3


def test_features_are_standardised_so_units_do_not_decide() -> None:
    # Given two groups told apart by a feature in small units, beside a wide feature of pure noise
    rng = np.random.default_rng(1)
    signal = np.r_[np.zeros(40), np.ones(40)] + rng.normal(0, 0.05, 80)
    noise = rng.uniform(0, 1000, 80)
    result = kmeans(np.column_stack([signal, noise]), k=2)
    assert sorted(result.sizes) == [40, 40]
    assert len(set(result.labels[:40])) == 1


def test_the_same_seed_gives_the_same_answer() -> None:
    points = np.random.default_rng(5).normal(size=(120, 3))
    assert kmeans(points, seed=11) == kmeans(points, seed=11)


def test_a_given_k_is_used() -> None:
    result = kmeans(blobs(), k=2)
    assert result.k == 2
    assert sum(result.sizes) == 100
    assert list(result.silhouette_by_k) == [2]


@pytest.mark.parametrize(
    ("points", "k", "message"),
    [
        ([[1, 1], [1, 1], [1, 1]], None, "every point is the same"),
        ([[0, 0], [1, 1]], None, "at least 3 rows"),
        ([[0, 0], [1, 1], [2, 2], [3, 3]], 4, "k must be between 2 and 3"),
        ([[0, 0], [1, float("inf")], [2, 2]], None, "non-finite"),
    ],
)
def test_bad_inputs_are_refused(points: list[list[float]], k: int | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        kmeans(points, k)
