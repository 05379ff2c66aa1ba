"""The rule builder: named rules of conditions joined by AND/OR, with live segment sizes."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from segmentation.catalog import CustomerTable
from segmentation.dataset import Dataset
from segmentation.segmenters import Condition, Rule, usable_features
from ui import compute
from ui.state import RULE_DRAFTS

OP_LABELS = {
    ">": "more than",
    ">=": "at least",
    "<": "less than",
    "<=": "at most",
    "==": "is",
    "!=": "is not",
    "in": "is one of",
    "contains": "has tag",
    "between": "between",
    "is missing": "is unknown",
}


def _starter(table: CustomerTable, usable: set[str]) -> list[dict]:
    """Two example rules on the facts this table can segment by, so the builder never starts empty."""
    frame = table.frame
    out = []
    if "monetary" in usable:
        out.append(
            {
                "name": "Big spenders",
                "join": "and",
                "conditions": [
                    {
                        "feature": "monetary",
                        "op": ">=",
                        "value": round(float(frame["monetary"].quantile(0.9)), 2),
                    }
                ],
            }
        )
    if "recency_days" in usable:
        out.append(
            {
                "name": "Gone quiet",
                "join": "and",
                "conditions": [
                    {
                        "feature": "recency_days",
                        "op": ">",
                        "value": round(float(frame["recency_days"].quantile(0.75))),
                    }
                ],
            }
        )
    return out or [{"name": "My segment", "join": "and", "conditions": []}]


def _parse(text: str, op: str, numeric: bool):
    text = str(text or "").strip()
    if op == "is missing":
        return None
    if op == "between":
        parts = [p for p in re.split(r"\s*(?:and|,|;|-(?=\s))\s*", text) if p]
        if len(parts) != 2:
            raise ValueError(f"'between' needs two numbers, such as '10 and 50' (got '{text}').")
        return (float(parts[0]), float(parts[1]))
    if op in ("in", "contains"):
        items = [p.strip() for p in text.split(",") if p.strip()]
        return [float(i) for i in items] if numeric and op == "in" else items
    return float(text) if numeric and op not in ("==", "!=") else (float(text) if numeric else text)


def edit(dataset: Dataset) -> list[Rule]:
    """Draw the builder; return the valid rules (and show sizes live as the user edits)."""
    table = dataset.table
    features = usable_features(table)
    labels = {f.name: f.label for f in features}
    numeric = {f.name for f in features if f.kind in ("numeric", "boolean")}
    by_label = {v: k for k, v in labels.items()}
    op_by_label = {v: k for k, v in OP_LABELS.items()}
    drafts = st.session_state.setdefault(RULE_DRAFTS, _starter(table, set(labels)))

    st.caption(
        "Each customer joins the first rule they match (top to bottom); everyone else forms the last segment."
    )
    built: list[Rule] = []
    errors: list[str] = []
    for i, draft in enumerate(list(drafts)):
        with st.container(border=True):
            c1, c2, c3 = st.columns([3, 2, 1])
            draft["name"] = c1.text_input("Segment name", draft["name"], key=f"rule_name_{i}")
            draft["join"] = c2.radio(
                "Match",
                ["and", "or"],
                index=["and", "or"].index(draft["join"]),
                format_func={"and": "all conditions", "or": "any condition"}.get,
                key=f"rule_join_{i}",
                horizontal=True,
            )
            if c3.button("Remove", key=f"rule_remove_{i}"):
                drafts.pop(i)
                st.rerun()
            grid = pd.DataFrame(
                [
                    {
                        "Fact": labels.get(c["feature"], c["feature"]),
                        "Comparison": OP_LABELS[c["op"]],
                        "Value": _show(c.get("value"), c["op"]),
                    }
                    for c in draft["conditions"]
                ],
                columns=["Fact", "Comparison", "Value"],
            )
            edited = st.data_editor(
                grid,
                key=f"rule_grid_{i}",
                num_rows="dynamic",
                hide_index=True,
                width="stretch",
                column_config={
                    "Fact": st.column_config.SelectboxColumn(
                        "Fact", options=sorted(labels.values()), required=True
                    ),
                    "Comparison": st.column_config.SelectboxColumn(
                        "Comparison", options=list(OP_LABELS.values()), required=True
                    ),
                    "Value": st.column_config.TextColumn(
                        "Value", help="A number, a word, or a list separated by commas."
                    ),
                },
            )
            conditions = []
            for row in edited.dropna(subset=["Fact", "Comparison"]).itertuples(index=False):
                if row.Fact not in by_label:  # a rule drafted on other data
                    errors.append(f"{draft['name']}: this data has no '{row.Fact}'; pick another fact.")
                    continue
                feature, op = by_label[row.Fact], op_by_label[row.Comparison]
                try:
                    conditions.append(Condition(feature, op, _parse(row.Value, op, feature in numeric)))
                except ValueError as exc:
                    errors.append(f"{draft['name']}: {exc}")
            draft["conditions"] = [c.to_dict() for c in conditions]
            try:
                built.append(Rule(draft["name"], tuple(conditions), draft["join"]))
            except ValueError as exc:
                errors.append(str(exc))
    if st.button("Add a rule", key="rule_add", icon=":material/add:"):
        drafts.append({"name": f"Segment {len(drafts) + 1}", "join": "and", "conditions": []})
        st.rerun()
    for error in errors:
        st.warning(error)
    if errors or not built:
        return []
    try:
        sizes = compute.rule_sizes(dataset, built)
    except ValueError as exc:
        st.warning(str(exc))
        return []
    shown = (
        sizes.rename_axis("Segment")
        .assign(share=(sizes["share"] * 100).round(1))
        .rename(columns={"customers": "Customers", "share": "% of all", "alone": "Would match alone"})
    )
    st.markdown("**Segment sizes** (updated as you edit)")
    st.dataframe(
        shown,
        width="stretch",
        column_config={
            "Customers": st.column_config.NumberColumn(format="localized"),
            "Would match alone": st.column_config.NumberColumn(format="localized"),
        },
    )
    return built


def _show(value, op: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return (" and " if op == "between" else ", ").join(map(str, value))
    return str(value)
