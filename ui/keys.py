"""Cache keys: the one way the app names a cached result (data, criteria, segmentation, parameters).

Every cached computation and every cached chart is keyed by :func:`cache_key`, so a result made
from one data set can never be served for another: the key always starts with the data's fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from typing import NewType

from segmentation.dataset import Dataset
from segmentation.segmenters import CriteriaSpec
from segmentation.segments import Segmentation

#: A key built by :func:`cache_key` (never by hand).
CacheKey = NewType("CacheKey", str)


def spec_key(spec: CriteriaSpec) -> str:
    """The criteria as canonical JSON (also what rebuilds them inside a cached function)."""
    return json.dumps(spec.to_dict(), sort_keys=True)


def seg_key(seg: Segmentation) -> str:
    """A cheap fingerprint of a segmentation: method, params, names and the label bytes."""
    digest = hashlib.sha256(seg.labels.to_numpy().tobytes())
    digest.update(json.dumps([seg.method, seg.params, seg.names], sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def cache_key(
    dataset: Dataset,
    what: str,
    *params: object,
    seg: Segmentation | None = None,
    spec: CriteriaSpec | None = None,
) -> CacheKey:
    """The key of one cached result: ``what`` made from ``dataset`` (and ``seg``, ``spec``, ``params``).

    ``params`` are anything JSON can write (``str()`` otherwise), such as the segments shown.
    """
    parts = [
        dataset.fingerprint,
        what,
        seg_key(seg) if seg is not None else "-",
        hashlib.sha256(spec_key(spec).encode()).hexdigest()[:16] if spec is not None else "-",
        json.dumps(params, sort_keys=True, default=str),
    ]
    return CacheKey(":".join(parts))
