"""Cached wrappers around the core: each keyed by :func:`ui.keys.cache_key`, each one core call.

Frames and matrices are passed as ``_``-prefixed arguments so Streamlit never hashes them (hashing a
large frame costs more than the cache saves); the key says what they are. Caches are bounded.
"""

from __future__ import annotations

import json
from concurrent.futures import Future
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from segmentation import explain, features, outputs, recipe, segmenters
from segmentation.dataset import Dataset
from segmentation.explain import GeoPoints, MapPoints, SegmentProfile
from segmentation.segmenters import CriteriaSpec, KScan, Rule
from segmentation.segments import Segmentation
from ui import state
from ui.keys import CacheKey, cache_key, spec_key


@st.cache_resource(max_entries=6, show_spinner="Preparing the criteria…")
def _matrix(key: CacheKey, spec_json: str, _dataset: Dataset) -> tuple[Any, np.ndarray]:
    return recipe.encode(_dataset.table, CriteriaSpec.from_dict(json.loads(spec_json)))


def encoded(dataset: Dataset, spec: CriteriaSpec) -> tuple[Any, np.ndarray]:
    """The fitted criteria encoder and the criteria matrix (shared by the k scan, the map and clustering)."""
    return _matrix(cache_key(dataset, "matrix", spec=spec), spec_key(spec), dataset)


def matrix_for(dataset: Dataset, spec: CriteriaSpec) -> np.ndarray:
    return encoded(dataset, spec)[1]


@st.cache_data(max_entries=12, show_spinner="Trying 2 to 12 segments…")
def _k_scan(key: CacheKey, seed: int, _X: np.ndarray) -> KScan:
    return segmenters.scan_k(_X, random_state=seed)


def k_scan(dataset: Dataset, spec: CriteriaSpec, seed: int = 0) -> KScan:
    return _k_scan(cache_key(dataset, "k_scan", spec=spec), seed, matrix_for(dataset, spec))


@st.cache_resource(max_entries=16, show_spinner="Finding the segments…")
def _segment(key: CacheKey, recipe_json: str, _dataset: Dataset) -> tuple[Segmentation, recipe.Recipe]:
    rec = recipe.Recipe.from_json(recipe_json)
    clusters = rec.method in recipe.CLUSTER_METHODS
    if clusters and rec.model is not None:  # saved segments: assigned, nothing refitted
        return recipe.segment(_dataset.table, rec), rec
    return recipe.fit(_dataset.table, rec, encoded(_dataset, rec.spec) if clusters else None)


def segment(dataset: Dataset, rec: recipe.Recipe) -> Segmentation:
    """The recipe's segments of ``dataset`` (its saved segments when it carries a fitted model)."""
    return _segmented(dataset, rec)[0]


def fitted_recipe(dataset: Dataset, rec: recipe.Recipe) -> recipe.Recipe:
    """The recipe with what its run on ``dataset`` learned (the fitted model, the RFM bands), so a
    rerun assigns to the same segments; the same cache entry as :func:`segment`."""
    return _segmented(dataset, rec)[1]


def _segmented(dataset: Dataset, rec: recipe.Recipe) -> tuple[Segmentation, recipe.Recipe]:
    text = rec.to_json()
    return _segment(cache_key(dataset, "segment", text), text, dataset)


def refit(dataset: Dataset, rec: recipe.Recipe) -> tuple[Segmentation, recipe.Recipe]:
    """Fit the recipe again on ``dataset`` (see ``recipe.unfitted``) and keep what the fit learned."""
    return _segmented(dataset, recipe.unfitted(rec))


@st.cache_data(max_entries=8, show_spinner=False)
def _rfm_edges(key: CacheKey, _dataset: Dataset) -> dict[str, list[float]]:
    return segmenters.fit_rfm_edges(_dataset.table)


def rfm_edges(dataset: Dataset) -> dict[str, list[float]]:
    """The RFM band edges of the data (what the RFM grids score on)."""
    return _rfm_edges(cache_key(dataset, "rfm_edges"), dataset)


@st.cache_data(max_entries=32, show_spinner=False)
def _rule_sizes(key: CacheKey, _dataset: Dataset, _rules: list[Rule]) -> pd.DataFrame:
    return segmenters.rule_sizes(_dataset.table, _rules)


def rule_sizes(dataset: Dataset, rules: list[Rule]) -> pd.DataFrame:
    key = cache_key(dataset, "rule_sizes", [r.to_dict() for r in rules])
    return _rule_sizes(key, dataset, rules)


@st.cache_resource(max_entries=16, show_spinner="Describing the segments…")
def _profiles(key: CacheKey, _dataset: Dataset, _seg: Segmentation) -> list[SegmentProfile]:
    return explain.profile_segments(_dataset.table, _seg)


def profiles_for(dataset: Dataset, seg: Segmentation) -> list[SegmentProfile]:
    return _profiles(cache_key(dataset, "profiles", seg=seg), dataset, seg)


@st.cache_resource(max_entries=8, show_spinner="Drawing a first map…")
def _quick_layout(key: CacheKey, _X: np.ndarray) -> np.ndarray:
    return explain.quick_layout(_X)


def quick_layout(dataset: Dataset, spec: CriteriaSpec) -> np.ndarray:
    return _quick_layout(cache_key(dataset, "quick_layout", spec=spec), matrix_for(dataset, spec))


@st.cache_resource(max_entries=8, show_spinner=False)
def _umap_job(key: CacheKey, _X: np.ndarray, _labels: np.ndarray) -> Future:
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="umap")
    return pool.submit(explain.umap_layout, _X, strata=_labels)


def umap_job(dataset: Dataset, spec: CriteriaSpec, seg: Segmentation) -> Future:
    """Start the UMAP layout in the background; the Map page polls the returned future."""
    key = cache_key(dataset, "umap", spec=spec, seg=seg)
    return _umap_job(key, matrix_for(dataset, spec), seg.labels.to_numpy())


@st.cache_resource(max_entries=8, show_spinner=False)
def _map_points(
    key: CacheKey, _dataset: Dataset, _seg: Segmentation, _xy: np.ndarray, shown: list[str], max_points: int
) -> MapPoints:
    return explain.map_points(_dataset.table, _seg, _xy, shown=shown, max_points=max_points)


def map_points(
    dataset: Dataset,
    spec: CriteriaSpec,
    seg: Segmentation,
    xy: np.ndarray,
    *,
    detailed: bool,
    shown: list[str],
    max_points: int = explain.MAX_POINTS,
) -> MapPoints:
    """The customers to draw on ``xy`` (the quick layout, or the detailed one when ``detailed``)."""
    key = map_key(dataset, spec, seg, detailed=detailed, shown=shown, max_points=max_points)
    return _map_points(key, dataset, seg, xy, list(shown), max_points)


def map_key(
    dataset: Dataset,
    spec: CriteriaSpec,
    seg: Segmentation,
    *,
    detailed: bool,
    shown: list[str],
    max_points: int,
) -> CacheKey:
    """What a map shows: data, criteria, segmentation, which layout, which segments, how many points."""
    return cache_key(dataset, "map", detailed, list(shown), max_points, spec=spec, seg=seg)


@st.cache_resource(max_entries=4, show_spinner="Reading phone numbers and e-mail addresses…")
def _contacts(key: CacheKey, country: str, _dataset: Dataset) -> outputs.ContactDetails:
    return outputs.contact_details(_dataset.table.frame, country or None)


@st.cache_resource(max_entries=16, show_spinner="Preparing the list…")
def _audience(key: CacheKey, params: str, _dataset: Dataset, _seg: Segmentation) -> outputs.Audience:
    p = json.loads(params)
    contacts = _contacts(cache_key(_dataset, "contacts", p["country"]), p["country"], _dataset)
    return outputs.build_audience(
        _dataset.table,
        _seg,
        segments=p["segments"],
        columns=p["columns"],
        reach=p["reach"],
        consent_only=p["consent"],
        holdout_share=p["holdout"],
        seed=p["seed"],
        contacts=contacts,
        global_control=outputs.GlobalControl(**p.get("global_control", {})),
        ascii_email=p.get("ascii_email", False),
    )


def audience(dataset: Dataset, seg: Segmentation, **params: Any) -> outputs.Audience:
    """``params``: segments, columns, reach, consent, holdout, seed, country, global_control
    (share and seed), ascii_email (see build_audience)."""
    text = json.dumps(params, sort_keys=True)
    return _audience(cache_key(dataset, "audience", text, seg=seg), text, dataset, seg)


@st.cache_resource(max_entries=8, show_spinner=False)
def _list_file(key: CacheKey, kind: str, _audience: outputs.Audience) -> bytes:
    if kind == "csv":
        return outputs.to_csv_bytes(_audience.send())
    if kind == "xlsx":
        return outputs.to_xlsx_bytes(_audience.send())
    return outputs.campaign_zip(_audience, kind.removeprefix("zip_"))  # type: ignore[arg-type]


def list_file(dataset: Dataset, seg: Segmentation, kind: str, **params: Any) -> bytes:
    """The audience's send list as ``kind`` "csv" or "xlsx", or its zip of send and hold-out files
    ("zip_csv", "zip_xlsx"): written once per audience and shared by every session downloading it."""
    text = json.dumps(params, sort_keys=True)
    key = cache_key(dataset, "list_file", text, kind, seg=seg)
    return _list_file(key, kind, audience(dataset, seg, **params))


@st.cache_resource(max_entries=16, show_spinner="Preparing the platform file…")
def _platform_file(key: CacheKey, platform: str, _audience: outputs.Audience):
    return outputs.platform_file(_audience, platform)


def platform_file(dataset: Dataset, seg: Segmentation, platform: str, **params: Any):
    """The platform's file from an audience built for the platform's own reach (and that audience)."""
    params = {**params, **outputs.platform_needs(platform)}
    built = audience(dataset, seg, **params)
    text = json.dumps(params, sort_keys=True)
    return built, _platform_file(
        cache_key(dataset, "platform_file", text, platform, seg=seg), platform, built
    )


@st.cache_data(max_entries=8, show_spinner="Finding the global control…")
def _global_control(key: CacheKey, share: float, seed: int, _seg: Segmentation) -> pd.DataFrame:
    return outputs.global_control_list(_seg, outputs.GlobalControl(share, seed))


def global_control(dataset: Dataset, seg: Segmentation, control: outputs.GlobalControl) -> pd.DataFrame:
    """Every customer in the global control, with their segment (see ``global_control_list``)."""
    key = cache_key(dataset, "global_control", control.share, control.seed, seg=seg)
    return _global_control(key, control.share, control.seed, seg)


@st.cache_resource(max_entries=16, show_spinner=False)
def _heatmap(key: CacheKey, _dataset: Dataset, _seg: Segmentation) -> pd.DataFrame:
    table = _dataset.table
    return explain.heatmap_frame(table, _seg, explain.heatmap_features(table))


def heatmap(dataset: Dataset, seg: Segmentation) -> pd.DataFrame:
    return _heatmap(cache_key(dataset, "heatmap", seg=seg), dataset, seg)


@st.cache_resource(max_entries=8, show_spinner=False)
def _geo_points(key: CacheKey, _dataset: Dataset, _seg: Segmentation) -> GeoPoints:
    return explain.geo_points(_dataset.table, _seg)


def geo_points(dataset: Dataset, seg: Segmentation) -> GeoPoints:
    return _geo_points(cache_key(dataset, "geo_points", seg=seg), dataset, seg)


def report_html(dataset: Dataset, saved, control: outputs.GlobalControl, measurement: Any = None) -> str:
    """The client report of a saved segmentation, reusing the cached profiles and heat map, with
    ``measurement`` (default: the campaign measured in this session) and the global ``control`` group.

    Runs outside the script (a deferred download), so it gets everything rather than reading the session.
    """
    seg = saved.segmentation
    return outputs.segmentation_report(
        dataset.table,
        seg,
        saved.title,
        method=saved.recipe.method,
        criteria=saved.spec.families,
        notes=dataset.notes,
        profiles=profiles_for(dataset, seg),
        heat=heatmap(dataset, seg),
        measurement=measurement or saved.extras.get(state.MEASUREMENT),
        global_control=control,
    )


@st.cache_resource(max_entries=8, show_spinner="Comparing the two dates…")
def _movement(key: CacheKey, start: str, end: str, _dataset: Dataset, _saved: Any) -> Any:
    return recipe.compare_dates(_saved.recipe, _dataset, start, end, current=_saved.segmentation)


def movement(dataset: Dataset, saved: Any, start: str, end: str) -> Any:
    """The active segmentation's segments at two dates and the moves between them (cached)."""
    key = cache_key(dataset, "movement", saved.recipe.to_json(), start, end, seg=saved.segmentation)
    return _movement(key, start, end, dataset, saved)


@st.cache_resource(max_entries=8, show_spinner=False)
def _best_times(key: CacheKey, _dataset: Dataset, _seg: Segmentation) -> dict[object, explain.BestTime]:
    if _dataset.con is None or _dataset.transactions is None:
        return {}
    return explain.best_times(_dataset.con, _dataset.transactions, _seg.labels, has_time=_dataset.has_time)


def best_times(dataset: Dataset, seg: Segmentation) -> dict[object, explain.BestTime]:
    """Per segment code, the weekday and hour its customers order at (empty without an order history)."""
    return _best_times(cache_key(dataset, "best_times", seg=seg), dataset, seg)


@st.cache_resource(max_entries=8, show_spinner=False)
def _best_offers(
    key: CacheKey, _dataset: Dataset, _seg: Segmentation
) -> dict[object, list[tuple[str, float]]]:
    return explain.best_offers(_dataset.table.frame, _seg.labels)


def best_offers(dataset: Dataset, seg: Segmentation) -> dict[object, list[tuple[str, float]]]:
    """Per segment code, the next products most often suggested to its customers, with their shares."""
    return _best_offers(cache_key(dataset, "best_offers", seg=seg), dataset, seg)


@st.cache_resource(max_entries=8, show_spinner="Testing the predictions on your own past orders…")
def _value_backtest(key: CacheKey, horizon: int, _dataset: Dataset) -> Any:
    return features.backtest_value(_dataset.con, _dataset.transactions, horizon_days=horizon)


def value_backtest(dataset: Dataset, horizon: int) -> features.Backtest:
    """Cut the order history ``horizon`` days before its end, predict, compare with what happened."""
    return _value_backtest(cache_key(dataset, "value_backtest", horizon), horizon, dataset)


@st.cache_resource(max_entries=8, show_spinner="Testing the product suggestions on your own past orders…")
def _offer_backtest(key: CacheKey, horizon: int, _dataset: Dataset) -> Any:
    return features.backtest_next_product(_dataset.con, _dataset.transactions, horizon_days=horizon)


def offer_backtest(dataset: Dataset, horizon: int) -> features.NextProductBacktest:
    """Hit rate at 3 of the next products over the last ``horizon`` days, beside the best sellers'."""
    return _offer_backtest(cache_key(dataset, "offer_backtest", horizon), horizon, dataset)
