"""``python -m mirakl_simulator`` starts, prints its URL and keys, answers, and stops on SIGTERM."""

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

TESTS_DIR = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 20


def _read_lines(stream, lines):
    for line in stream:
        lines.put(line)


@pytest.fixture
def run_cli():
    """Start the CLI on a free port; yields ``(process, url, banner_lines)``."""
    processes = []

    def _run(*args):
        process = subprocess.Popen(
            [sys.executable, "-m", "mirakl_simulator", "--host", "127.0.0.1", "--port", "0", *args],
            cwd=TESTS_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        processes.append(process)
        lines = queue.Queue()
        threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
        banner = []
        while not any(line.startswith("Control plane") for line in banner):
            banner.append(lines.get(timeout=STARTUP_TIMEOUT))
        url = banner[0].rsplit(" ", 1)[-1].strip()
        return process, url, banner, lines

    yield _run
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_demo_cli_serves_and_stops_on_sigterm(run_cli):
    process, url, banner, lines = run_cli("--demo")
    assert url.startswith("http://127.0.0.1:")
    assert any("demo-shop-key" in line for line in banner)
    assert any("demo-multi-key" in line for line in banner)
    account = requests.get(
        url + "/api/account", headers={"Authorization": "demo-shop-key"}, timeout=10
    )
    assert account.json()["shop_id"] == 2001
    offers = requests.get(
        url + "/api/offers", headers={"Authorization": "demo-shop-key"}, timeout=10
    )
    assert offers.json()["total_count"] == 250
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert "stopped" in lines.get(timeout=5)


def test_plain_cli_uses_given_key(run_cli):
    process, url, banner, _ = run_cli(
        "--api-key", "cli-key", "--generated-offers", "100000", "--export-pending-polls", "0"
    )
    assert any("'cli-key'" in line for line in banner)
    headers = {"Authorization": "cli-key"}
    response = requests.get(url + "/api/account", headers=headers, timeout=10)
    assert (response.json()["shop_id"], response.json()["offers_count"]) == (2001, 100_000)
    export = url + "/api/offers/export/async"
    tracking_id = requests.post(export, json={}, headers=headers, timeout=10).json()["tracking_id"]
    status = requests.get(f"{export}/status/{tracking_id}", headers=headers, timeout=10).json()
    assert (status["status"], len(status["urls"])) == ("COMPLETED", 10)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
