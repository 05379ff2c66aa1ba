"""Samples: the fictional sample store (seeded generator) and the Online Retail excerpt."""

from __future__ import annotations

from segmentation.samples.sample_store import (
    CHANNELS,
    END,
    GROUPS,
    PROSPECT,
    START,
    SampleStore,
    generate,
    write,
    write_retail_excerpt,
)

__all__ = [
    "CHANNELS",
    "END",
    "GROUPS",
    "PROSPECT",
    "START",
    "SampleStore",
    "generate",
    "write",
    "write_retail_excerpt",
]
