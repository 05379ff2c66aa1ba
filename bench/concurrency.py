"""Ten people at once: 10 Chromium sessions click the one-click demo at the same moment, then open
Profiles, Map and Export (with a CSV download), against one freshly started app server.

Prints the time until all 10 were served, the errors, and the server's peak memory (RSS of the
server process and its children, sampled every 0.2 s), next to the targets, with the machine load.

    python -m bench concurrency
    BENCH_SESSIONS=4 python -m bench concurrency
    BENCH_APP_ROOT=path/to/another/checkout python -m bench concurrency   # e.g. a copy of main
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.browser.harness import CHROMIUM_FLAGS, _free_port, chromium_path

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "10"))
TARGET_S, TARGET_MB = 15.0, 2560.0
TIMEOUT_MS = 300_000
SETTLE_S = float(os.environ.get("BENCH_SETTLE", "45"))
PID: list[int] = []
SAMPLER: list[PeakRss] = []


def _load() -> str:
    return f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


@dataclass(frozen=True)
class _Process:
    comm: str
    ppid: int
    cpu_s: float  # user + system, all threads, so far
    rss_mb: float


def _processes() -> dict[int, _Process]:
    """Every running process, read from /proc/<pid>/stat in one pass."""
    tick, page_mb = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE") / 2**20
    seen = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, _, tail = (entry / "stat").read_text().rpartition(")")
            fields = tail.split()
            seen[int(entry.name)] = _Process(
                head.partition("(")[2], int(fields[1]), (int(fields[11]) + int(fields[12])) / tick,
                int(fields[21]) * page_mb,
            )  # fmt: skip
        except (OSError, IndexError, ValueError):
            continue
    return seen


def _tree_rss_mb(pid: int, procs: dict[int, _Process]) -> float:
    """RSS of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for child, proc in procs.items():
        children.setdefault(proc.ppid, []).append(child)
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        total += procs[p].rss_mb if p in procs else 0.0
    return total


class PeakRss(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()
        self.browser: dict[int, float] = {}  # last CPU seconds seen per Chromium process, kept after it exits
        self.server_cpu_s = 0.0

    def run(self) -> None:
        while not self.stop.is_set():
            procs = _processes()
            self.peak = max(self.peak, _tree_rss_mb(self.pid, procs))
            self.server_cpu_s = procs[self.pid].cpu_s if self.pid in procs else self.server_cpu_s
            self.browser.update({pid: p.cpu_s for pid, p in procs.items() if "chrom" in p.comm})
            time.sleep(0.2)

    def browser_cpu_s(self) -> float:
        return sum(self.browser.values())


def start_server(root: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=root, env={"NUMBA_CACHE_DIR": str(root / ".cache" / "numba"), **os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the app did not start within 90 s")


async def _see(page, text: str) -> None:
    await page.get_by_text(text, exact=False).first.wait_for(timeout=TIMEOUT_MS)


async def _session(browser, url: str, ready: asyncio.Event, opened: list[int]) -> dict[str, float]:
    context = await browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    times: dict[str, float] = {}
    step = "open the app"
    try:
        await page.goto(url)
        await _see(page, "Your customer data")
        opened.append(1)
        await ready.wait()
        start = time.perf_counter()
        step = "demo + Profiles"
        await page.get_by_role("button", name="One-click demo").click()
        await _see(page, "What to do")
        times["demo + Profiles"] = time.perf_counter() - start
        step = "Map"
        await page.get_by_role("link", name="Map").first.click()
        await page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=TIMEOUT_MS)
        await _see(page, "Drag on the map")
        times["Map"] = time.perf_counter() - start
        step = "Export + download"
        await page.get_by_role("link", name="Export").first.click()
        await _see(page, "Campaign lists")
        async with page.expect_download(timeout=TIMEOUT_MS) as info:
            await page.get_by_role("button", name="Send list (CSV)").click()
        download = await info.value
        if failure := await download.failure():  # the browser gave up on the file
            print(f"  session download failed: {failure}", flush=True)
            times["error"] = 1.0
        times["Export + download"] = time.perf_counter() - start
        if await page.locator('[data-testid="stException"]').count():
            times["error"] = 1.0
    except Exception as exc:  # a timeout or a crash counts as an error of this session
        print(
            f"  session error at '{step}': {type(exc).__name__}: {str(exc).splitlines()[0][:120]}", flush=True
        )
        times["error"] = 1.0
    finally:
        await context.close()
    return times


async def _drive(url: str) -> list[dict[str, float]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        ready, opened = asyncio.Event(), []
        tasks = [asyncio.create_task(_session(browser, url, ready, opened)) for _ in range(SESSIONS)]
        while len(opened) < SESSIONS and not all(t.done() for t in tasks):
            await asyncio.sleep(0.1)
        # The first visit starts the server's warm-up (sample store, map engine, and the demo where the
        # app precomputes it): a server that has been up a little while, as in production.
        await asyncio.sleep(SETTLE_S)
        print(
            f"  {SESSIONS} sessions on the Data page, server at {_tree_rss_mb(PID[0], _processes()):.0f} MB; {_load()}",
            flush=True,
        )
        cpu, browser_cpu = SAMPLER[0].server_cpu_s, SAMPLER[0].browser_cpu_s()
        ready.set()  # every session shows the Data page: all click at the same moment
        results = await asyncio.gather(*tasks)
        # The ten browsers share the server's two cores: their CPU seconds say where the wall clock went.
        print(
            f"  CPU while serving: server {SAMPLER[0].server_cpu_s - cpu:.1f} s, "
            f"the {SESSIONS} browser sessions {SAMPLER[0].browser_cpu_s() - browser_cpu:.1f} s",
            flush=True,
        )
        await browser.close()
    return list(results)


def main() -> None:
    root = Path(os.environ.get("BENCH_APP_ROOT", ROOT)).resolve()
    print(f"{SESSIONS} sessions against the app in {root.name}; machine {_load()} before", flush=True)
    proc, url = start_server(root)
    sampler = PeakRss(proc.pid)
    sampler.start()
    SAMPLER.append(sampler)
    try:
        PID.append(proc.pid)
        results = asyncio.run(_drive(url))
    finally:
        sampler.stop.set()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    errors = sum(1 for r in results if "error" in r)
    served = [r for r in results if "error" not in r]
    print(f"  machine {_load()} after")
    for step in ("demo + Profiles", "Map", "Export + download"):
        values = sorted(r[step] for r in served if step in r)
        if values:
            print(
                f"  {step:<18}: first {values[0]:5.1f} s, last {values[-1]:5.1f} s ({len(values)} sessions)"
            )
    last = max((r["Export + download"] for r in served), default=float("nan"))
    ok = errors == 0 and len(served) == SESSIONS and last <= TARGET_S
    print(f"  all {SESSIONS} served in : {last:.1f} s, {errors} errors (target: <= {TARGET_S:.0f} s, "
          f"no error: {'ok' if ok else 'over'})")  # fmt: skip
    print(f"  server peak RSS   : {sampler.peak:.0f} MB (target <= {TARGET_MB:.0f} MB: "
          f"{'ok' if sampler.peak <= TARGET_MB else 'over'})")  # fmt: skip


if __name__ == "__main__":
    main()
