"""Sums per project over the flat tables of the replay."""

from __future__ import annotations

import numpy as np

_SMALL = 4096
"""Below this many elements ``np.bincount`` is the faster (fewer calls)."""


def segment_sums(segments: np.ndarray, n: int, *values: np.ndarray) -> list[np.ndarray]:
    """Each of ``values`` summed per segment ``0 .. n - 1``, for ``segments`` in ascending order: what
    ``np.bincount(segments, value, minlength=n)`` gives (up to rounding), but on large tables with
    ``np.add.reduceat``, about ten times faster there."""
    if len(segments) < _SMALL:
        return [np.bincount(segments, value, minlength=n) for value in values]
    bounds = np.searchsorted(segments, np.arange(n + 1))
    present = bounds[:-1] < bounds[1:]
    starts = bounds[:-1][present]
    sums = []
    for value in values:
        total = np.zeros(n)
        if len(starts):
            total[present] = np.add.reduceat(value, starts)
        sums.append(total)
    return sums
