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
from segmentation.outputs.loop_charts import lift_chart, movement_chart
from segmentation.outputs.map_charts import brushed_ids, geo_chart, map_chart, place_mix_chart
from segmentation.outputs.measurement import (
    LABELS,
    MIN_PER_ARM,
    OVERALL,
    Measurement,
    measure,
    outcomes_from_orders,
)
from segmentation.outputs.report import chart_svg, report_html, segmentation_report
from segmentation.outputs.results_file import RowCount, group_values, guess_control, read_results
from segmentation.outputs.segment_charts import (
    heatmap_chart,
    priority_chart,
    segment_sizes,
    sizes_chart,
    traits_chart,
)
from segmentation.outputs.stats import newcombe_interval, welch_interval, wilson_interval

__all__ = [
    "CALLING_CODES",
    "DEFAULT_CONTACT_COLUMNS",
    "DEFAULT_FACT_COLUMNS",
    "LABELS",
    "MAX_ROWS",
    "MIN_PER_ARM",
    "OVERALL",
    "PLATFORM_LABELS",
    "SEGMENT_PALETTE",
    "Measurement",
    "RowCount",
    "brushed_ids",
    "campaign_list",
    "chart_svg",
    "geo_chart",
    "group_values",
    "guess_control",
    "heatmap_chart",
    "kscan_chart",
    "lift_chart",
    "map_chart",
    "measure",
    "movement_chart",
    "neutralise",
    "newcombe_interval",
    "normalise_phone",
    "outcomes_from_orders",
    "place_mix_chart",
    "platform_file",
    "priority_chart",
    "read_results",
    "report_html",
    "segment_sizes",
    "segmentation_report",
    "sizes_chart",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "traits_chart",
    "welch_interval",
    "wilson_interval",
    "zip_by_segment",
]
