"""Clients that lean on `proctor serve`; run by benchmarks/receiver.sh, which says what each
figure is. Usage: receiver_clients.py PROCTOR EVENTS HOLD SLOW. Talks to 127.0.0.1 only."""

import errno
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request

PROCTOR, EVENTS, HOLD, SLOW = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
PARTIAL_HEAD = b"POST /webhooks/testlify HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def serve(*flags):
    process = subprocess.Popen(
        [PROCTOR, "serve", "--port", "0", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        process.kill()
        sys.exit(f"serve did not start: {line}{process.stderr.read()}")
    return process, int(match.group(1))


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def mb(kb):
    return f"{kb / 1024:.0f} MB"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_sockets(pid):
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


def fetch(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read()


def connect(port, blocking=True):
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if blocking:
        client.connect(("127.0.0.1", port))
    else:
        client.setblocking(False)
        code = client.connect_ex(("127.0.0.1", port))
        if code not in (0, errno.EINPROGRESS):
            client.close()
            return None
    return client


def get_on(client, timeout):
    """GET /health on an open connection; seconds to the answer, or None."""
    start = time.monotonic()
    client.setblocking(True)
    client.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    poller = select.poll()
    poller.register(client, select.POLLIN)
    if poller.poll(timeout * 1000) and b'{"status":"ok"}' in client.recv(4096):
        return time.monotonic() - start
    return None


def closed(client):
    try:
        return client.recv(4096, socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def memory():
    print(f"== memory: {EVENTS:,} events in 4 batches, default limits")
    server, port = serve()
    fetch(port, "/health")
    print(f"  idle: {mb(status_kb(server.pid, 'VmRSS'))} resident")
    for vendor, events in [("testlify", "candidate.invited"), ("qualified", "team_candidate_state_changed")]:
        for batch in range(4):
            subprocess.run(
                [PROCTOR, "load", "--vendor", vendor, "--events", events, "--actors", str(EVENTS // 4),
                 "--concurrency", "32", "--connections", "8", "--progress", "none", "--seed", str(batch + 1),
                 "--target", f"http://127.0.0.1:{port}/webhooks/{vendor}"],
                check=True, stdout=subprocess.DEVNULL)
            print(f"  {vendor}, after {(batch + 1) * EVENTS // 4:,} events: "
                  f"{mb(status_kb(server.pid, 'VmRSS'))} resident")
        page = json.loads(fetch(port, "/candidates?limit=1"))
        print(f"  {vendor}: {page['total']:,} candidates held")
    print(f"  peak: {mb(status_kb(server.pid, 'VmHWM'))}")
    for path in ["/events", "/candidates", "/events?limit=1000", "/candidates?limit=1000"]:
        print(f"  GET {path}: {len(fetch(port, path)):,} bytes")
    server.terminate()
    server.wait()


def held_connections():
    print(f"== {HOLD:,} idle connections against --max-connections 1024 (--header-timeout 120s)")
    server, port = serve("--header-timeout", "120s")
    probe = connect(port)
    first = get_on(probe, 5)
    held = [c for c in (connect(port, blocking=False) for _ in range(HOLD)) if c is not None]
    # Connects beyond the listen backlog are retried by the kernel after 1 s, 3 s, 7 s...
    time.sleep(8)
    accepted = open_sockets(server.pid) - 1  # the listening socket
    cpu = cpu_seconds(server.pid)
    answers = [get_on(probe, 5) for _ in range(20)]
    time.sleep(2)
    cpu = cpu_seconds(server.pid) - cpu
    late = connect(port)
    print(f"  {len(held):,} connections opened, {accepted:,} accepted by the server (probe included)")
    print(f"  /health on the held probe connection: {first * 1000:.1f} ms before, "
          f"{max(a for a in answers if a) * 1000:.1f} ms at most while held "
          f"({sum(1 for a in answers if a)}/20 answered)")
    print(f"  server CPU over those 2.x s: {cpu:.2f} s (no spinning)")
    waited = get_on(late, 1)
    print(f"  a new connection past the cap: {'answered' if waited else 'not answered'} within 1 s")
    for client in held:
        client.close()
    print(f"  once the held ones close: {'answered' if get_on(late, 5) else 'not answered'}")
    server.terminate()
    server.wait()


def slowloris():
    print(f"== {SLOW} slowloris connections (a header line every 2 s), default --header-timeout 10s")
    server, port = serve()
    clients = []
    for _ in range(SLOW):
        client = connect(port)
        client.sendall(PARTIAL_HEAD)
        clients.append(client)
    start = time.monotonic()
    closed_at = {}
    while len(closed_at) < len(clients) and time.monotonic() - start < 40:
        for index, client in enumerate(clients):
            if index in closed_at:
                continue
            if closed(client):
                closed_at[index] = time.monotonic() - start
            elif int((time.monotonic() - start) * 10) % 20 == 0:
                try:
                    client.send(b"X-Slow: 1\r\n")
                except OSError:
                    closed_at[index] = time.monotonic() - start
        time.sleep(0.1)
    times = sorted(closed_at.values())
    print(f"  {len(times)}/{len(clients)} closed by the server, "
          f"{times[0]:.1f} to {times[-1]:.1f} s after they started" if times else "  none closed")
    server.terminate()
    server.wait()


def stopping(signal_number):
    name = signal.Signals(signal_number).name
    print(f"== {name} with {SLOW} partial bodies and {SLOW} half-sent heads held")
    server, port = serve("--header-timeout", "60s", "--body-timeout", "60s")
    clients = []
    for index in range(2 * SLOW):
        client = connect(port)
        client.sendall(PARTIAL_HEAD + (b"Content-Length: 5000\r\n\r\n{\"a\":" if index < SLOW else b""))
        clients.append(client)
    time.sleep(1)
    start = time.monotonic()
    server.send_signal(signal_number)
    try:
        status = server.wait(timeout=10)
        print(f"  exited {status} after {time.monotonic() - start:.2f} s")
    except subprocess.TimeoutExpired:
        print("  still running after 10 s")
        server.kill()
        server.wait()


memory()
held_connections()
slowloris()
stopping(signal.SIGTERM)
stopping(signal.SIGINT)
