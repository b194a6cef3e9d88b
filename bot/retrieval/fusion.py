"""Pure ranking helpers: group chunk hits per result and fuse rankings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of the very top ranks


def best_per_key(hits: Iterable[tuple[str, str, float]]) -> dict[str, tuple[str, float]]:
    """key -> (chunk id, score) of the best-scoring chunk for each key."""
    best: dict[str, tuple[str, float]] = {}
    for key, chunk_id, score in hits:
        if key not in best or score > best[key][1]:
            best[key] = (chunk_id, score)
    return best


def ranks(scores: Mapping[str, float]) -> dict[str, int]:
    """key -> 1-based rank, highest score first; keys with no positive score are left out."""
    ordered = sorted((key for key, score in scores.items() if score > 0), key=lambda k: -scores[k])
    return {key: rank for rank, key in enumerate(ordered, start=1)}


def reciprocal_rank_fusion(
    rankings: Iterable[tuple[Mapping[str, int], float]], k: int = RRF_K
) -> dict[str, float]:
    """key -> sum of weight / (k + rank) over the weighted rankings it appears in."""
    fused: dict[str, float] = {}
    for ranking, weight in rankings:
        for key, rank in ranking.items():
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused
