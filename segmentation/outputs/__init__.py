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
    ASCII_EMAIL_PLATFORMS,
    PLATFORM_LABELS,
    PLATFORM_REACH,
    PLATFORMS,
    ExportSummary,
    platform_file,
    platform_needs,
)
from segmentation.outputs.campaign_files import (
    EXPORT_FORMATS,
    CampaignFiles,
    assignment_rows,
    campaign_files,
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
from segmentation.outputs.global_control import (
    GLOBAL_CONTROL,
    MIN_MEMBERS,
    GlobalControl,
    buying_rate,
    detectable_difference,
    global_control_list,
    global_control_mask,
    size_messages,
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
from segmentation.outputs.offers import with_next_products
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
    "ASCII_EMAIL_PLATFORMS",
    "DEFAULT_CONTACT_COLUMNS",
    "DEFAULT_FACT_COLUMNS",
    "EXPORT_FORMATS",
    "GLOBAL_CONTROL",
    "HOLDOUT",
    "LABELS",
    "MAX_ROWS",
    "MIN_MEMBERS",
    "MIN_PER_ARM",
    "OVERALL",
    "PLATFORMS",
    "PLATFORM_LABELS",
    "PLATFORM_REACH",
    "REACH_WORDS",
    "SEGMENT_PALETTE",
    "TARGET",
    "Audience",
    "CampaignFiles",
    "ContactDetails",
    "ExportSummary",
    "GlobalControl",
    "Measurement",
    "RowCount",
    "assignment_rows",
    "brushed_ids",
    "build_audience",
    "buying_rate",
    "campaign_files",
    "campaign_list",
    "campaign_zip",
    "chart_svg",
    "contact_details",
    "country_code",
    "country_names",
    "detectable_difference",
    "geo_chart",
    "global_control_list",
    "global_control_mask",
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
    "neutralise",
    "newcombe_interval",
    "normalise_email",
    "normalise_phone",
    "outcomes_from_orders",
    "parse_phone",
    "place_mix_chart",
    "platform_file",
    "platform_needs",
    "priority_chart",
    "read_consent",
    "read_results",
    "report_html",
    "segment_sizes",
    "segmentation_report",
    "size_messages",
    "sizes_chart",
    "to_csv_bytes",
    "to_xlsx_bytes",
    "traits_chart",
    "welch_interval",
    "wilson_interval",
    "with_next_products",
    "zip_by_segment",
]
