"""Exports: campaign lists reconcile with segments, holdouts are fair and seeded, files are safe."""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation.catalog import CustomerTable, Feature
from segmentation.outputs import (
    campaign_list,
    neutralise,
    to_csv_bytes,
    to_xlsx_bytes,
    zip_by_segment,
)
from segmentation.segments import Segmentation


def _table(n: int = 500, seed: int = 0) -> tuple[CustomerTable, Segmentation]:
    rng = np.random.default_rng(seed)
    ids = [f"C{i:04d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "first_name": [f"Ann{i}" for i in range(n)],
            "last_name": ["Smith"] * n,
            "email": [f"ann.{i}@example.com" if i % 7 else None for i in range(n)],
            "phone": [f"07700 9{i:05d}" if i % 3 == 0 else None for i in range(n)],
            "consent": [bool(i % 2) for i in range(n)],
            "frequency": rng.integers(1, 10, n).astype(float),
            "monetary": rng.gamma(2.0, 50.0, n),
        },
        index=pd.Index(ids, name="customer_id"),
    )
    catalog = (Feature("frequency", "behavioural", "Orders"), Feature("monetary", "value", "Revenue"))
    codes = rng.choice(5, size=n, p=[0.4, 0.3, 0.2, 0.07, 0.03])
    seg = Segmentation(pd.Series(codes, index=ids), ("Champions", "Loyal", "New", "At risk", "Lost"), "test")
    return CustomerTable(frame, catalog), seg


def test_campaign_list_reconciles_with_segment_sizes() -> None:
    table, seg = _table()
    chosen = ["Loyal", "Lost"]
    out = campaign_list(table, seg, segments=chosen)
    assert out["customer_id"].is_unique
    expected = seg.labels[seg.labels.isin([1, 4])].index
    assert set(out["customer_id"]) == set(expected)
    counts = out["segment"].value_counts()
    for name in chosen:
        assert counts[name] == seg.sizes()[name]
    assert list(out.columns[:2]) == ["customer_id", "segment"]
    assert {"email", "phone", "monetary"} <= set(out.columns)
    # values follow their customer
    np.testing.assert_array_equal(out["monetary"], table.frame.loc[out["customer_id"], "monetary"])


def test_campaign_list_all_segments_by_default_and_unknown_inputs_are_clear() -> None:
    table, seg = _table()
    assert len(campaign_list(table, seg)) == len(seg.labels)
    with pytest.raises(ValueError, match="no segment called"):
        campaign_list(table, seg, segments=["Nope"])
    with pytest.raises(ValueError, match="not in the customer table"):
        campaign_list(table, seg, columns=["shoe_size"])


@pytest.mark.parametrize("share", [0.1, 0.25, 0.5])
def test_holdout_share_per_segment_and_deterministic(share: float) -> None:
    table, seg = _table()
    a = campaign_list(table, seg, holdout_share=share, random_state=7)
    b = campaign_list(table, seg, holdout_share=share, random_state=7)
    c = campaign_list(table, seg, holdout_share=share, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["group"].equals(c["group"])
    for _, part in a.groupby("segment", observed=True):
        held = (part["group"] == "holdout").sum()
        assert abs(held - share * len(part)) <= 1
    assert set(a["group"]) == {"target", "holdout"}


def test_holdout_of_a_segment_does_not_depend_on_other_segments() -> None:
    table, seg = _table()
    alone = campaign_list(table, seg, segments=["New"], holdout_share=0.2)
    together = campaign_list(table, seg, holdout_share=0.2)
    together = together[together["segment"] == "New"]
    assert set(alone.loc[alone.group == "holdout", "customer_id"]) == set(
        together.loc[together.group == "holdout", "customer_id"]
    )


def _evil() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["1", "2", "3", "4", "5", "6"],
            "segment": pd.Categorical(["=Top", "Top", "Top", "Top", "Top", "Top"]),
            "name": ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "Zoë 张伟"],
            "amount": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )


def test_neutralise_prefixes_formula_triggers_and_leaves_numbers() -> None:
    out = neutralise(_evil())
    assert out["name"].tolist()[:5] == ["'" + v for v in _evil()["name"].tolist()[:5]]
    assert out["name"].iloc[5] == "Zoë 张伟"
    assert out["segment"].iloc[0] == "'=Top"
    assert out["amount"].tolist() == _evil()["amount"].tolist()


def test_csv_has_bom_and_no_live_formulas() -> None:
    data = to_csv_bytes(_evil())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert back["name"].iloc[5] == "Zoë 张伟"
    assert not back["name"].str.match(r"^[=+\-@\t\r]").any()


def test_xlsx_has_no_formulas_and_keeps_apostrophe_text() -> None:
    data = to_xlsx_bytes(_evil())
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    names = [ws.cell(row=r, column=3).value for r in range(2, 8)]
    assert names[0] == '\'=HYPERLINK("http://x","y")'
    assert names[5] == "Zoë 张伟"
    assert ws.cell(row=2, column=4).value == -5.0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_zip_has_one_file_per_segment(fmt: str) -> None:
    table, seg = _table()
    seg = seg.renamed({0: "Top / Best: «VIP»", 2: "新客户"})
    out = campaign_list(table, seg, segments=[0, 2, 3])
    zf = zipfile.ZipFile(io.BytesIO(zip_by_segment(out, fmt)))
    names = zf.namelist()
    assert len(names) == 3 and all(n.endswith("." + fmt) for n in names)
    assert all("/" not in n and ":" not in n for n in names)
    assert any("新客户" in n for n in names)
    total = 0
    for n in names:
        raw = zf.read(n)
        part = (
            pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
            if fmt == "csv"
            else pd.read_excel(io.BytesIO(raw), engine="openpyxl")
        )
        assert part["segment"].nunique() == 1
        total += len(part)
    assert total == len(out)


def test_owasp_cells_after_a_separator_nul_and_quotes() -> None:
    df = pd.DataFrame(
        {"v": ["x;=1+1", "a,@SUM(A1)", 'q"-2+3', "\0=1+1", "ab\0c", "fine; really", "+447400123456"]}
    )
    out = neutralise(df)["v"].tolist()
    assert out[:4] == ["x;'=1+1", "a,'@SUM(A1)", "q\"'-2+3", "'=1+1"]
    assert out[4] == "abc" and out[5] == "fine; really"
    assert out[6] == "'+447400123456"  # a list cell: only platform files keep E.164 numbers bare
    assert neutralise(df, keep_plain_numbers=True)["v"].iloc[6] == "+447400123456"
    # Split on ";" the way Excel set to ";" would: no piece of any cell starts a formula.
    raw = to_csv_bytes(df).decode("utf-8-sig")
    for row in csv.reader(raw.splitlines()[1:]):
        for piece in ";".join(row).split(";"):
            assert not piece.startswith(("=", "+", "-", "@", "\t", "\r", "\0")), piece
    assert '"x;\'=1+1"' in raw  # text cells are quoted, so a separator never splits them
    assert "\0" not in raw


def test_infinite_and_missing_values_are_blank_and_excel_does_not_raise() -> None:
    df = pd.DataFrame({"a": [1.5, np.inf, -np.inf, np.nan], "b": ["x", None, "y", "z"], "c": [1, 2, 3, 4]})
    df["o"] = pd.Series([np.inf, "t", None, 2.0], dtype=object)
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df)), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert back["a"].tolist() == ["1.5", "", "", ""]
    assert back["o"].tolist()[0] == "" and back["b"].tolist()[1] == ""
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert [ws.cell(row=r, column=1).value for r in range(2, 6)] == [1.5, None, None, None]
    assert ws.cell(row=2, column=4).value is None


@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("dtype", ["str", "string", "object", "category"])
def test_neutralise_gives_what_a_cell_by_cell_rewrite_gives(dtype: str, keep: bool) -> None:
    """Only the cells needing care are rewritten; the column comes out as ``Series.map`` of the
    cell rule would give it (same values, same dtype), for text held in every way pandas holds it."""
    from segmentation.outputs.export import _finite, _safe_text

    cells = ["", "a", "=1", "+447700900123", "-12.5", "x;=1", "x, -2", "@s", "\t=x", "\r1", "a\0b", "\0=1",
             "'=", '"+x', "x| @", "ok -1", "中文", "1,5", "x;  =y", "-", None]  # fmt: skip
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"v": pd.Series(list(rng.choice(np.array(cells, dtype=object), 400)), dtype=dtype)})
    s = df["v"].astype(object).where(df["v"].notna(), None) if dtype == "category" else df["v"]
    expected = s.map(lambda v: _safe_text(v, keep) if isinstance(v, str) else _finite(v), na_action="ignore")
    pd.testing.assert_series_equal(neutralise(df, keep_plain_numbers=keep)["v"], expected)
