"""``python -m segmentation inspect`` output and exit codes; the sample command's wiring."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from segmentation import cli


def test_inspect_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"customer;date;amount\na;2024-01-01;5,5\nb;2024-01-02;6\n;2024-01-02;6\n")
    assert cli.main(["inspect", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"format", "encoding", "separator", "kind", "roles", "ledger", "customers"} <= set(report)
    assert report["separator"] == ";" and report["kind"] == "transactions"
    assert report["ledger"] == {"read": 3, "kept": 2, "set_aside": {"no_customer_id": 1}}
    assert report["customers"] == 2 and report["roles"]["customer"] == "customer_id"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"customer,date,amount\n,2024-01-01,5\n", "No usable row"),
        (b"date,amount\n2024-01-01,5\n", "customer id"),
    ],
)
def test_inspect_exit_2_with_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, words: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    assert cli.main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_module_entry_point(shared_data: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "segmentation", "inspect", str(shared_data / "mall_customers.csv")],
        capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["customers"] == 200


def test_sample_calls_sample_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from segmentation import samples as store

    calls: list[Path] = []
    monkeypatch.setattr(store, "write", lambda out: calls.append(Path(out)))
    assert cli.main(["sample", "--out", str(tmp_path)]) == 0
    assert calls == [tmp_path]


def test_registry_lists_commands() -> None:
    assert {"inspect", "sample"} <= set(cli.COMMANDS)


def test_inspect_settings_fix_a_file_in_one_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"report\ncustomer|when|amount\na|03.04.2024|5\na|05.04.2024|6\nb|06.04.2024|7\n")
    assert cli.main(["inspect", str(path)]) == 0
    detected = json.loads(capsys.readouterr().out)
    assert detected["separator"] == "|" and detected["kind"] == "transactions"
    assert detected["why"] and set(detected["confidence"]) == {"customer", "when", "amount"}
    argv = ["inspect", str(path), "--separator", "|", "--header-row", "2", "--date-format", "when=%m.%d.%Y"]
    assert cli.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["date_formats"]["when"] == "%m.%d.%Y" and report["ledger"]["kept"] == 3


def test_inspect_says_which_setting_to_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"customer,date,amount\na,2024-01-01,5\nb,2024-01-02,6\n")
    assert cli.main(["inspect", str(path), "--date-format", "date=%d/%m/%Y"]) == 2
    err = capsys.readouterr().err
    assert "--date-format" in err and "Traceback" not in err
    assert cli.main(["inspect", str(path), "--date-format", "nope=%d"]) == 2
    assert "not a column" in capsys.readouterr().err
