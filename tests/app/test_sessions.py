"""Many users on one server: uploads never cross sessions; the demo is computed once and shared.

Several AppTest sessions in one process share Streamlit's caches exactly as browser sessions on one
server do, so these tests exercise the same cache_resource entries a real server would.
"""

from __future__ import annotations

import io
import threading

import numpy as np
import pandas as pd
from app_driver import click, goto, no_exception, start

from ui import demo


def customer_file(prefix: str, region: str, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "CustomerID": [f"{prefix}{i:04d}" for i in range(120)],
            "Age": rng.integers(20, 70, 120),
            "Income": rng.integers(10_000, 90_000, 120),
            "Region": region,
        }
    )
    return frame.to_csv(index=False).encode()


def upload_and_confirm(at, name: str, content: bytes):
    at.radio(key="data_source").set_value("Upload my files")
    no_exception(at.run())
    at.get("file_uploader")[0].set_value((name, content, "application/octet-stream"))
    return click(no_exception(at.run()), "confirm_roles")


def shown(at) -> str:
    """Everything the session's page shows as text: markdown, captions, metrics and table cells."""
    parts = [e.value for kind in ("markdown", "caption", "subheader", "info") for e in at.get(kind)]
    parts += [str(m.value) for m in at.metric]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(map(str, parts))


def test_two_sessions_never_see_each_others_uploaded_data() -> None:
    a, b = start(), start()
    # The same file name in both sessions: only the bytes differ.
    a = upload_and_confirm(a, "customers.csv", customer_file("ALPHA", "Atlantis", 1))
    b = upload_and_confirm(b, "customers.csv", customer_file("BRAVO", "Borealis", 2))
    ids_a = set(a.session_state["dataset"].table.frame.index.astype(str))
    ids_b = set(b.session_state["dataset"].table.frame.index.astype(str))
    assert len(ids_a) == len(ids_b) == 120
    assert all(i.startswith("ALPHA") for i in ids_a) and all(i.startswith("BRAVO") for i in ids_b)
    a = no_exception(a.run())  # A again, after B loaded its file into the shared caches
    page_a, page_b = shown(a), shown(b)
    assert "ALPHA0000" in page_a and "Atlantis" in page_a
    assert "BRAVO0000" in page_b and "Borealis" in page_b
    assert "BRAVO" not in page_a and "Borealis" not in page_a
    assert "ALPHA" not in page_b and "Atlantis" not in page_b
    # A third session sees nobody's data, on the Data page and on the pages that need data.
    c = start()
    assert "No data loaded yet." in [e.value for e in c.sidebar.get("caption")]
    assert "dataset" not in c.session_state
    for page in ("criteria", "profiles", "export"):
        c = goto(c, page)
        text = shown(c)
        assert "ALPHA" not in text and "BRAVO" not in text


def test_ten_simultaneous_demo_clicks_compute_the_demo_once(monkeypatch) -> None:
    for thread in threading.enumerate():  # an app started by another test warms the demo up
        if thread.name == "warm-up":
            thread.join()
    demo._bundle.clear()
    calls: list[int] = []
    original = demo.recipe.default_recipe

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(demo.recipe, "default_recipe", counted)
    go = threading.Barrier(10)
    results: list[demo.DemoBundle] = []

    def click_demo() -> None:
        go.wait()
        results.append(demo.bundle())

    threads = [threading.Thread(target=click_demo) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert len(results) == 10 and len(calls) == 1  # one k scan for ten clicks
    assert all(r is results[0] for r in results)  # one shared, read-only bundle: no per-session copies


def test_the_demo_gives_each_session_its_own_saved_segmentation() -> None:
    a, b = start(), start()
    a = click(a, "sidebar_demo")
    b = click(b, "sidebar_demo")
    saved_a, saved_b = a.session_state["segmentations"], b.session_state["segmentations"]
    (title,) = saved_a
    assert saved_a[title] is not saved_b[title]
    assert saved_a[title].segmentation is saved_b[title].segmentation  # shared, never copied
    a = goto(a, "profiles")
    first = a.text_input[0]
    first.set_value("Renamed in A only")
    a = no_exception(a.run())
    b = goto(b, "profiles")
    assert "Renamed in A only" in a.session_state["segmentations"][title].segmentation.names
    assert "Renamed in A only" not in b.session_state["segmentations"][title].segmentation.names
    assert "Renamed in A only" not in [t.value for t in b.text_input]


def test_sessions_downloading_the_same_send_list_share_one_file(downloads) -> None:
    a, b = start(), start()
    a = goto(click(a, "sidebar_demo"), "export")
    b = goto(click(b, "sidebar_demo"), "export")
    file_a, file_b = downloads.bytes_of(a, "dl_csv"), downloads.bytes_of(b, "dl_csv")
    assert file_a is file_b  # written once, shared read-only
    sent = pd.read_csv(io.BytesIO(file_a), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    caption = next(c.value for c in a.caption if "in the send list" in c.value)
    assert f"{len(sent):,} customers in the send list" in caption
    shown_rows = a.dataframe[0].value.astype(str)  # the first 200 rows of the list, on screen
    assert sent["customer_id"].head(200).tolist() == shown_rows["customer_id"].tolist()
