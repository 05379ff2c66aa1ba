"""Outputs: what leaves the app: campaign lists, platform audience files, the client report and charts."""

from __future__ import annotations

from segmentation.outputs.audience import (
    HOLDOUT,
    REACH_WORDS,
    TARGET,
    Audience,
    build_audience,
    campaign_list,
    campaign_zip,
    holdout_mask,
)
from segmentation.outputs.audiences import (
    PLATFORM_LABELS,
    PLATFORM_REACH,
    PLATFORMS,
    ExportSummary,
    platform_file,
)
from segmentation.outputs.chart_theme import MAX_ROWS, SEGMENT_PALETTE
from segmentation.outputs.contacts import (
    ContactDetails,
    contact_details,
    country_code,
    country_names,
    google_email,
    normalise_email,
    parse_phone,
    read_consent,
)
from segmentation.outputs.export import (
    DEFAULT_CONTACT_COLUMNS,
    DEFAULT_FACT_COLUMNS,
    neutralise,
    to_csv_bytes,
    to_xlsx_bytes,
    zip_by_segment,
)
from segmentation.outputs.kscan_charts import kscan_chart
from segmentation.outputs.loop_charts import (
    FLOW_GONE,
    FLOW_NEW,
    flow_frames,
    lift_chart,
    movement_chart,
    movement_flow,
)
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
from segmentation.outputs.value_charts import calibration_chart, reach_chart

__all__ = [
    "DEFAULT_CONTACT_COLUMNS",
    "DEFAULT_FACT_COLUMNS",
    "FLOW_GONE",
    "FLOW_NEW",
    "HOLDOUT",
    "LABELS",
    "MAX_ROWS",
    "MIN_PER_ARM",
    "OVERALL",
    "PLATFORMS",
    "PLATFORM_LABELS",
    "PLATFORM_REACH",
    "REACH_WORDS",
    "SEGMENT_PALETTE",
    "TARGET",
    "Audience",
    "ContactDetails",
    "ExportSummary",
    "Measurement",
    "RowCount",
    "brushed_ids",
    "build_audience",
    "calibration_chart",
    "campaign_list",
    "campaign_zip",
    "chart_svg",
    "contact_details",
    "country_code",
    "country_names",
    "flow_frames",
    "geo_chart",
    "google_email",
    "group_values",
    "guess_control",
    "heatmap_chart",
    "holdout_mask",
    "kscan_chart",
    "lift_chart",
    "map_chart",
    "measure",
    "movement_chart",
    "movement_flow",
    "neutralise",
    "newcombe_interval",
    "normalise_email",
    "normalise_phone",
    "outcomes_from_orders",
    "parse_phone",
    "place_mix_chart",
    "platform_file",
    "priority_chart",
    "reach_chart",
    "read_consent",
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
