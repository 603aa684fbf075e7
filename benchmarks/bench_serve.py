"""`migkg serve` under load, on 127.0.0.1 only, bounded in requests and time.

Starts a real server on a free loopback port, measures its start-up (process start to the first
answer), then for a resource page (``/id/pe/mre``) and a saved query through the API
(``/api/queries/mandates``) sends a fixed number of requests from 8 concurrent clients and prints
p50/p95/p99 latency and requests per second, beside the issue's targets:

    start-up                 <= 3 s
    resource page p50        <= 20 ms
    API saved query p50      <= 50 ms (a kept answer, and a fresh one each time)
    throughput (8 clients)   >= 150 req/s

Usage: python benchmarks/bench_serve.py [--requests 400] [--clients 8]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load(base: str, path: str, total: int, clients: int) -> tuple[list[float], float]:
    """``total`` GETs of ``path`` shared by ``clients`` threads, each with its own connection. A
    ``{n}`` in the path is replaced by the request's number (distinct requests: no kept answer)."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        with httpx.Client(base_url=base, timeout=30, trust_env=False) as c:
            while True:
                with lock:
                    number = next(counter, None)
                if number is None:
                    return
                started = time.perf_counter()
                response = c.get(path.replace("{n}", str(number)))
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, (path, response.status_code)
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return latencies, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per route (at most 5000)")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    total = max(10, min(args.requests, 5000))
    port = free_port()
    base = f"http://{HOST}:{port}"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "migkg", "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(base + "/api/queries", timeout=1, trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > 60 or process.poll() is not None:
                sys.exit("server did not start")
            time.sleep(0.02)
        startup = time.perf_counter() - started
        print(f"start-up: {startup:.2f} s (target <= 3 s)")
        # the API keeps answers (the graph does not change while serving): the third line sends
        # a different query text each time (a comment with a number), so every one runs in a worker
        fresh = "/api/queries/mandates?limit={n}"
        targets = {"/id/pe/mre": 20, "/api/queries/mandates": 50, fresh: 50}
        for path, target in targets.items():
            load(base, path.replace("{n}", "1{n}"), 20, 2)  # warm up (other numbers)
            latencies, seconds = load(base, path, total, args.clients)
            ms = [1000 * x for x in latencies]
            rate = len(latencies) / seconds
            print(f"{path}: {len(ms)} requests, {args.clients} clients: p50 {statistics.median(ms):.1f} ms "
                  f"(target <= {target} ms), p95 {percentile(ms, 95):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
                  f"{rate:.0f} req/s (target >= 150)")
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    main()
