"""A results file with its own segment column, checked against the loaded customers: every row used or
left out with a reason, every disagreement with the current segments said in plain words."""

from __future__ import annotations

import pandas as pd
import pytest

from segmentation.outputs import OVERALL, measure

KW = {"group_column": "group", "control": "holdout", "outcomes": ["converted"], "id_column": "customer_id"}


def _current() -> pd.Series:
    """The loaded customers c000-c199: A for the first 100, B for the others."""
    ids = [f"c{i:03d}" for i in range(200)]
    return pd.Series(["A"] * 100 + ["B"] * 100, index=pd.Index(ids, name="customer_id"))


def _row(cid: str, segment: str | None, group: str, converted: int = 0) -> dict[str, object]:
    return {"customer_id": cid, "segment": segment, "group": group, "converted": converted}


def _results() -> pd.DataFrame:
    """Every known customer once (its current segment, alternating groups), then the mismatches."""
    current = _current()
    rows = [
        _row(cid, seg, "holdout" if i % 2 else "target", int(i % 3 == 0))
        for i, (cid, seg) in enumerate(current.items())
    ]
    for i in range(30):  # c000-c029: the file calls them VIP
        rows[i]["segment"] = "VIP"
    for i in range(30, 50):  # c030-c049 are A now, the file says B
        rows[i]["segment"] = "B"
    for i in range(50, 55):  # c050-c054: no segment in the file
        rows[i]["segment"] = None
    rows += [_row(f"x{i}", "A", "target") for i in range(10)]  # not in the customer data...
    rows += [_row("x0", "A", "target"), _row("x1", "A", "target")]  # ...two of them twice
    rows += [_row(f"c{i:03d}", "B", rows[i]["group"]) for i in range(60, 64)]  # A and B
    rows += [_row(f"c{i:03d}", "B", "target" if i % 2 else "holdout") for i in range(101, 107, 2)]
    rows += [dict(rows[i]) for i in (150, 151)]  # the same row twice
    return pd.DataFrame(rows)


def test_every_mismatch_with_the_customer_data_is_counted_and_said() -> None:
    results = _results()
    m = measure(results, **KW, segment_column="segment", segments=_current())
    rows = m.rows
    assert rows.read == len(results) == 221
    assert rows.set_aside == {
        "unknown_customer": 12,
        "two_segments": 8,
        "two_groups": 6,
        "repeated_customer": 2,
    }
    assert rows.customers == {
        "unknown_customer": 10,
        "two_segments": 4,
        "two_groups": 3,
        "repeated_customer": 2,
    }
    assert rows.used + sum(rows.set_aside.values()) == rows.read
    assert rows.used == 200 - 4 - 3  # every known customer once, those listed in two ways left out
    check = rows.segments
    assert check is not None
    assert check.unknown == {"VIP": 30} and check.blank == 5 and check.moved == {("B", "A"): 20}
    assert rows.messages() == [
        "10 customers of the results file are not in your customer data: left out of the measurement.",
        "4 customers are listed in two segments or more (8 rows): left out of the measurement, as the "
        "segment is unclear.",
        "3 customers are listed in two groups or more (6 rows), for example both sent and held out: left "
        "out of the measurement, as the group is unclear.",
        "2 customers are listed more than once in the same group: counted once, from the first row (2 rows "
        "not used).",
        "The file's segment 'VIP' (30 customers) is not one of your segments: it is measured under the "
        "file's name.",
        "5 customers have no segment in the results file: measured together as '(no segment)'.",
        "20 customers are in another of your segments now than the results file says (the most: 20 of the "
        "file's 'B', now in 'A'): each is measured in the file's segment, the one the campaign was sent to.",
    ]


def test_the_file_segments_are_measured_with_only_the_rows_used() -> None:
    results = _results()
    m = measure(results, **KW, segment_column="segment", segments=_current())
    # oracle: the known customers listed once, with the file's segment (blank: '(no segment)')
    torn = {f"c{i:03d}" for i in (*range(60, 64), *range(101, 107, 2))}
    used = results.iloc[:200]
    used = used[~used["customer_id"].isin(torn)].fillna({"segment": "(no segment)"})
    expected = used.groupby(["segment", "group"]).size()
    arms = m.arms[m.arms["segment"] != OVERALL].set_index(["segment", "arm"])["n"]
    assert arms.sort_index().to_dict() == expected.sort_index().to_dict()
    assert set(m.segments) == {"VIP", "A", "B", "(no segment)"}
    overall = m.arms[m.arms["segment"] == OVERALL].set_index("arm")["n"]
    assert overall.to_dict() == used["group"].value_counts().to_dict()


def test_without_segments_per_customer_the_customers_are_still_checked() -> None:
    m = measure(_results(), **KW, segments=_current(), by_segment=False)
    assert m.segments == [] and m.rows.segments is None
    assert m.rows.set_aside["unknown_customer"] == 12
    assert "two_segments" not in m.rows.set_aside  # segments are not looked at
    assert m.rows.set_aside["two_groups"] == 6


def test_the_current_segments_are_used_when_the_file_has_none() -> None:
    results = _results().drop(columns="segment")
    m = measure(results, **KW, segments=_current())
    assert set(m.segments) == {"A", "B"} and m.rows.segments is None
    assert m.rows.set_aside == {"unknown_customer": 12, "two_groups": 6, "repeated_customer": 6}


def test_without_the_customer_data_only_the_file_itself_is_checked() -> None:
    m = measure(_results(), **KW, segment_column="segment")
    assert m.rows.segments is None and "unknown_customer" not in m.rows.set_aside
    assert m.rows.set_aside == {"two_segments": 8, "two_groups": 6, "repeated_customer": 4}


@pytest.mark.parametrize(
    ("extra", "sentence"),
    [
        (
            [_row("x0", "A", "target")],
            "1 customer of the results file is not in your customer data: left out of the measurement.",
        ),
        (
            [_row("c150", "A", "target")],
            "1 customer is listed in two segments or more (2 rows): left out of the measurement, as the "
            "segment is unclear.",
        ),
    ],
)
def test_one_customer_is_one_customer(extra: list[dict[str, object]], sentence: str) -> None:
    current = _current()
    base = [_row(c, s, "holdout" if i % 2 else "target") for i, (c, s) in enumerate(current.items())]
    m = measure(pd.DataFrame(base + extra), **KW, segment_column="segment", segments=current)
    assert m.rows.messages() == [sentence]


def test_the_client_report_says_every_mismatch() -> None:
    import html

    from segmentation.outputs import report_html, segment_sizes
    from segmentation.segments import Segmentation

    current = _current()
    m = measure(_results(), **KW, segment_column="segment", segments=current)
    seg = Segmentation((current == "B").astype(int), ("A", "B"), "test")
    page = report_html("Campaign", segment_sizes(seg), measurement=m)
    section = page.split("<h2>Campaign results</h2>")[1]
    assert all(html.escape(line) in section for line in m.rows.messages())
