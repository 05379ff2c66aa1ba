"""Samples: the fictional sample store (seeded generator and its data tables) and the Online Retail excerpt."""

from __future__ import annotations

from segmentation.samples.retail_excerpt import write_retail_excerpt
from segmentation.samples.sample_store import SampleStore, generate, write
from segmentation.samples.store_tables import CHANNELS, END, GROUPS, PROSPECT, START

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
