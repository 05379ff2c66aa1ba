"""Reading: formats, encodings, separators, header cleaning and plain errors."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from segmentation.errors import DataError
from segmentation.intake import clean_names, detect_encoding, detect_separator, read_table

ROWS = "customer,date,amount,city\nc1,2024-01-02,10.5,Zürich\nc2,2024-01-03,7,北京\nc3,2024-01-04,3,Paris\n"


def _read(data: bytes, name: str = "f.csv"):  # type: ignore[no-untyped-def]
    return read_table(data, name=name)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("gb18030", "gb18030"),
    ],
)
def test_encodings_round_trip(encoding: str, expected: str) -> None:
    text = ROWS if encoding != "gb18030" else ROWS.replace("Zürich", "上海")
    raw = _read(text.encode(encoding))
    assert raw.encoding == expected
    assert raw.columns == ("customer", "date", "amount", "city")
    assert list(raw.sample()["customer"]) == ["c1", "c2", "c3"]
    assert raw.sample()["city"].iloc[1] == "北京"


def test_cp1252_text_is_transcoded() -> None:
    raw = _read("name;amount\nRené;€5\nJosé;3\n".encode("cp1252"))
    assert raw.encoding == "cp1252" and raw.separator == ";"
    assert list(raw.sample()["name"]) == ["René", "José"]
    assert raw.sample()["amount"].iloc[0] == "€5"


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separators_detected(sep: str) -> None:
    text = ROWS.replace(",", sep)
    raw = _read(text.encode())
    assert raw.separator == sep and raw.n_rows == 3


def test_separator_ignores_commas_inside_values() -> None:
    assert detect_separator('a;b;c\n"x, y";2,5;3\n1;2;3\n') == ";"


def test_header_names_are_cleaned() -> None:
    assert clean_names(["\ufeff Customer  ID ", "", "amount", "Amount", None]) == [
        "Customer ID", "column_2", "amount", "Amount_2", "column_5",
    ]  # fmt: skip
    raw = _read(b"\xef\xbb\xbf id ,,id\n1,2,3\n")
    assert raw.columns == ("id", "column_2", "id_2")


def test_gzip_detected_by_magic_bytes_and_file_objects() -> None:
    data = gzip.compress(ROWS.encode())
    raw = read_table(io.BytesIO(data), name="upload")
    assert raw.format == "csv.gz" and raw.n_rows == 3


def test_path_source_and_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"customer": ["a", "b"], "amount": [1.5, 2.0], "ts": pd.to_datetime(["2024-01-01", "2024-02-01"])}
    )
    frame.to_parquet(tmp_path / "t.parquet")
    raw = read_table(tmp_path / "t.parquet")
    assert raw.format == "parquet" and raw.n_rows == 2
    assert raw.sample()["amount"].tolist() == ["1.5", "2.0"]


def test_malformed_lines_are_counted_not_dropped() -> None:
    raw = _read(b"a,b\n1,2\n3,4,5,6\n7,8\n")
    assert raw.n_rows == 2 and raw.n_malformed == 1


def test_quoted_newlines_and_crlf() -> None:
    raw = _read(b'a,b\r\n"x\r\ny",2\r\n3,4\r\n')
    assert raw.n_rows == 2 and raw.sample()["b"].tolist() == ["2", "4"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"customer,date,amount\n", "no data rows"),
        (bytes(range(256)) * 40, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(500), "binary"),
    ],
)
def test_plain_errors(data: bytes, words: str) -> None:
    with pytest.raises(DataError, match=words):
        _read(data)


def test_missing_path_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="No file found"):
        read_table(tmp_path / "nope.csv")


def test_broken_workbook_is_a_data_error() -> None:
    with pytest.raises(DataError, match="Excel"):
        _read(b"PK\x03\x04" + b"junk" * 100, name="book.xlsx")


def test_workbook_sheets_and_unknown_sheet(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "b.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Empty")
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["id", "amount", ""])
    sheet.write_row(1, 0, [1, 2.5])
    sheet.write_row(2, 0, [2, 3])
    book.close()
    raw = read_table(path)
    assert raw.sheets == ("Empty", "Data") and raw.sheet == "Data"
    assert raw.sample()["id"].tolist() == ["1", "2"]
    with pytest.raises(DataError, match="no sheet named"):
        read_table(path, sheet="Nope")


def test_detect_encoding_utf16_without_bom() -> None:
    assert detect_encoding("a,b\n1,2\n".encode("utf-16-le")) == "utf-16-le"
    assert detect_encoding("a,b\n1,2\n".encode("utf-16-be")) == "utf-16-be"
