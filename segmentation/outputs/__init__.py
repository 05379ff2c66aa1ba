"""Outputs: what leaves the app: campaign lists, platform audience files, the client report and charts."""

from __future__ import annotations

from segmentation.outputs.audiences import CALLING_CODES, PLATFORM_LABELS, normalise_phone, platform_file
from segmentation.outputs.chart_theme import MAX_ROWS, SEGMENT_PALETTE
from segmentation.outputs.export import (
    DEFAULT_CONTACT_COLUMNS,
    DEFAULT_FACT_COLUMNS,
    campaign_list,
    neutralise,
    to_csv_bytes,
    to_xlsx_bytes,
    zip_by_segment,
)
from segmentation.outputs.kscan_charts import kscan_chart
from segmentation.outputs.map_charts import brushed_ids, geo_chart, map_chart, place_mix_chart
from segmentation.outputs.offers import with_next_products
from segmentation.outputs.report import chart_svg, report_html, segmentation_report
from segmentation.outputs.segment_charts import (
    heatmap_chart,
    priority_chart,
    segment_sizes,
    sizes_chart,
    traits_chart,
)

__all__ = [
    "CALLING_CODES",
    "DEFAULT_CONTACT_COLUMNS",
    "DEFAULT_FACT_COLUMNS",
    "MAX_ROWS",
    "PLATFORM_LABELS",
    "SEGMENT_PALETTE",
    "brushed_ids",
    "campaign_list",
    "chart_svg",
    "geo_chart",
    "heatmap_chart",
    "kscan_chart",
    "map_chart",
    "neutralise",
    "normalise_phone",
    "place_mix_chart",
    "platform_file",
    "priority_chart",
    "report_html",
    "segment_sizes",
    "segmentation_report",
    "sizes_chart",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "traits_chart",
    "with_next_products",
    "zip_by_segment",
]
