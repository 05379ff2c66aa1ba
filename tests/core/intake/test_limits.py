"""Bounded work per upload: bombs and very wide files stop early with a message naming the limit."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import numpy as np
import pytest

from segmentation.errors import DataError
from segmentation.intake import LimitError, Limits, load, prepare, read_table, suggest_mapping

BOMB_LINES = 100_000_000  # like the upload of the issue: a few MB that expand to 100 million lines


def write_bomb(path: Path, seed: int = 7) -> tuple[int, int]:
    """A gzip of ``BOMB_LINES`` order lines, written streaming: one ~1 MB block of seeded lines is
    compressed once and its compressed bytes repeated (gzip members may follow one another).

    Returns (decompressed bytes, lines) of the whole file.
    """
    rng = np.random.default_rng(seed)
    pattern = "".join(
        f"C{rng.integers(10_000, 99_999)},2024-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d},"
        f"{rng.integers(1, 500)}.{rng.integers(0, 100):02d}\n"
        for _ in range(20)
    ).encode()
    block = pattern * (100_000 // 20)  # 100,000 lines
    members = BOMB_LINES // 100_000
    header = b"customer,date,amount\n"
    with open(path, "wb") as out:
        out.write(gzip.compress(header + block, compresslevel=9))
        packed = gzip.compress(block, compresslevel=9)
        for _ in range(members - 1):
            out.write(packed)
    return len(header) + len(block) * members, BOMB_LINES + 1


def test_a_compression_bomb_stops_at_the_row_limit_long_before_its_end(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv.gz"
    expanded, lines = write_bomb(path)
    assert expanded > 100 * path.stat().st_size  # more than a hundredfold
    limits = Limits()  # the defaults, which admit the 10M-line benchmark
    with pytest.raises(LimitError) as info:
        read_table(path)
    message = str(info.value)
    assert "orders.csv.gz has more than 20,000,000 rows" in message
    assert "SEGMENTATION_MAX_ROWS" in message and "Split it" in message
    assert info.value.limit == "max_rows"
    # Decompression stopped within one chunk of the limit: a fifth of the file's lines.
    assert limits.max_rows < info.value.seen <= limits.max_rows + (1 << 20)
    assert info.value.seen < lines / 4


def test_a_compression_bomb_stops_at_the_size_limit(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "orders.csv.gz"
    expanded, _ = write_bomb(path)
    monkeypatch.setenv("SEGMENTATION_MAX_BYTES", "50MB")
    with pytest.raises(LimitError) as info:
        read_table(path)
    message = str(info.value)
    assert "orders.csv.gz expands to more than 50 MB" in message
    assert "raise SEGMENTATION_MAX_BYTES" in message
    assert 50 * 10**6 < info.value.seen <= 50 * 10**6 + (1 << 20) < expanded / 30


def test_a_file_of_twenty_thousand_columns_stops_before_any_row_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    rng = np.random.default_rng(3)
    with open(path, "w") as out:
        out.write(",".join(f"c{i}" for i in range(20_000)) + "\n")
        for _ in range(200):
            out.write(",".join(map(str, rng.integers(0, 9, 20_000))) + "\n")
    con = duckdb.connect()
    with pytest.raises(LimitError) as info:
        read_table(path, con=con)
    message = str(info.value)
    assert "wide.csv has 20,000 columns; at most 1,000 are read here" in message
    assert "SEGMENTATION_MAX_COLUMNS" in message
    assert info.value.limit == "max_columns"
    # Nothing reached DuckDB: no view or table was made over the file.
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)


def test_a_parquet_file_is_checked_from_its_footer(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    duckdb.execute(f"COPY (SELECT i AS customer, i * 2 AS amount FROM range(5000) t(i)) TO '{path}'")
    with pytest.raises(LimitError, match="more than 1,000 rows"):
        read_table(path, limits=Limits(max_rows=1_000))
    assert read_table(path, limits=Limits(max_rows=5_000)).n_rows == 5000


def test_a_file_within_the_limits_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv.gz"
    path.write_bytes(gzip.compress(b"customer,amount\n" + b"C1,2.5\n" * 3000))
    raw = read_table(path, limits=Limits(max_rows=3_001, max_bytes=30_000, max_columns=2))
    assert (raw.n_rows, raw.columns) == (3000, ("customer", "amount"))
    with pytest.raises(LimitError, match="more than 2,999 rows"):
        read_table(path, limits=Limits(max_rows=2_999))


def test_limits_come_from_the_environment_over_a_settings_file(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[segmentation]\nmax_rows = 500\nmax_bytes = '1.5GB'\n")
    assert Limits.current({}) == Limits()
    assert Limits.current({"SEGMENTATION_CONFIG": str(config)}) == Limits(
        max_rows=500, max_bytes=1_500_000_000
    )
    env = {
        "SEGMENTATION_CONFIG": str(config),
        "SEGMENTATION_MAX_ROWS": "2_000",
        "SEGMENTATION_MAX_COLUMNS": "50",
    }
    assert Limits.current(env) == Limits(max_rows=2000, max_bytes=1_500_000_000, max_columns=50)
    with pytest.raises(ValueError, match="SEGMENTATION_MAX_BYTES"):
        Limits.current({"SEGMENTATION_MAX_BYTES": "a lot"})


def test_a_truncated_gzip_gets_a_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv.gz"
    packed = gzip.compress(b"customer,amount\n" + b"C1,2.5\n" * 100_000)
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DataError, match=r"orders\.csv\.gz is not a complete gzip file"):
        read_table(path)


def test_a_plain_csv_over_the_row_limit_stops_in_the_pass_that_loads_it(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("customer,date,amount\n" + "C1,2024-01-02,2.5\n" * 5000)
    raw = read_table(path, limits=Limits(max_rows=2_999))  # no pre-read: the header is all it needs
    with pytest.raises(LimitError, match=r"orders\.csv has more than 2,999 rows") as info:
        _ = raw.n_rows
    assert info.value.seen == 3000  # the reader stopped one row past the limit
    monkeypatch.setenv("SEGMENTATION_MAX_ROWS", "2999")
    with pytest.raises(LimitError, match="SEGMENTATION_MAX_ROWS"):
        load(path)
    monkeypatch.setenv("SEGMENTATION_MAX_ROWS", "5000")
    assert load(path).ledger.read == 5000


def test_a_compressed_file_is_unpacked_once_and_never_read_again(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv.gz"
    path.write_bytes(gzip.compress(b"customer,date,amount\n" + b"C1,2024-01-02,2.5\nC2,2024-01-03,4\n" * 500))
    raw = read_table(path)
    path.unlink()  # every later step (counts, preparing, set-aside rows) reads the unpacked copy
    intake = prepare(raw, suggest_mapping(raw).mapping)
    assert (raw.format, intake.ledger.read, intake.ledger.kept) == ("csv.gz", 1000, 2)
    assert intake.ledger.set_aside == {"duplicate_line": 998}
    assert len(intake.set_aside_rows()) == 998
