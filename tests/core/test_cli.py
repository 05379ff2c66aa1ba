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
