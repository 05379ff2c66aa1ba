"""Random bytes and random CSV shapes: a table or a DataError, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmentation.errors import DataError
from segmentation.intake import load, read_table

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
    st.sampled_from(["", "2024-01-02", "13/01/2024", "£1,234.50", "1,5", "-3", "C123", '"', "a\nb", "客户"]),
)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    try:
        raw = read_table(data, name="upload.csv")
        assert raw.n_rows + raw.n_malformed > 0
        load(data, name="upload.csv")
    except DataError as exc:
        assert str(exc)


@SETTINGS
@given(
    header=st.lists(
        st.sampled_from(["customer", "date", "amount", "qty", "price", "email", "", "x"]),
        min_size=1,
        max_size=6,
    ),
    rows=st.lists(st.lists(cell, min_size=0, max_size=8), max_size=12),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "gb18030"]),
    quote=st.booleans(),
)
def test_random_csv_shapes(
    header: list[str], rows: list[list[str]], sep: str, encoding: str, quote: bool
) -> None:
    def fmt(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote else value

    text = "\n".join(sep.join(fmt(v) for v in line) for line in [header, *rows]) + "\n"
    data = text.encode(encoding, errors="replace")
    try:
        intake = load(data, name="upload.csv")
        ledger = intake.ledger
        assert ledger.kept + sum(ledger.set_aside.values()) == ledger.read
    except DataError as exc:
        assert str(exc)
