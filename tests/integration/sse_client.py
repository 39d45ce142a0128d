#!/usr/bin/env python3
"""A small Server-Sent Events client for the live-stream tests.

  sse_client.py listen URL OUT [--last-id N] [--expect N] [--timeout S]
                               [--reconnect] [--ready FILE]
      Read one stream and append a line per event to OUT, flushed at once:
          <id> <topic> <received ns> <data lines joined by |>
      where <id> is the event's number: the N of an SSE id "E-N" (epoch E,
      sent back whole as Last-Event-ID), or a plain id as it is.
      A batch's id may come in a block of its own after its events (as the
      hub writes it): the event before such a block gets its id.
      The first event of a fresh stream ("hello") and heartbeats (comments)
      are written too ("- hello ..." and "# heartbeat").  With --reconnect a
      stream that ends is opened again with Last-Event-ID (the last id seen)
      after 50 ms, as a browser would; each reconnection writes "# reconnect".
      Stops after --expect events other than hello (exit 0), at --timeout
      (exit 3) or, without --reconnect, when the stream ends (exit 2).
      --ready FILE is created once the first bytes arrived.  --drop-every M
      resets the connection after every M events (with --reconnect).
  sse_client.py storm URL N [--rst]
      Open N streams at once, wait until each has sent its first event,
      then drop them all (--rst: with a TCP reset).  Prints "held N".
  sse_client.py stuck URL SECONDS
      Open a stream with a 4 KiB receive buffer, read its first event, print
      "stuck", then read nothing for SECONDS.
  sse_client.py mute URL SECONDS
      Open a stream with a 4 KiB receive buffer, print "sent" once the
      request is sent, then read nothing at all for SECONDS.
  sse_client.py check OUT... --ids F-L
      Did every listen output get exactly the events with ids F..L, in order,
      once each?  Prints "ok events N replayed R p50 X p99 Y max Z" (delivery
      latency of live events in ms: received minus the payload's "ns", the
      publish time)
      and exits 0, or "bad <why>" and exits 1.
Only the standard library; plain HTTP/1.0 to 127.0.0.1 (no chunking).
"""
import json
import os
import socket
import struct
import sys
import time
from urllib.parse import urlsplit


def connect(url, last_id=None, timeout=10):
    u = urlsplit(url)
    s = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
    path = u.path + ("?" + u.query if u.query else "")
    req = "GET %s HTTP/1.0\r\nHost: %s\r\nAccept: text/event-stream\r\n" % (path, u.netloc)
    if last_id is not None:
        req += "Last-Event-ID: %s\r\n" % last_id
    s.sendall((req + "\r\n").encode())
    return s


class Reader:
    """Splits a response into its status line, headers, then SSE events.
    Every read gives up at the deadline (time.monotonic())."""

    def __init__(self, sock, deadline):
        self.sock = sock
        self.deadline = deadline
        self.buf = b""
        self.status = None
        self.eof = False

    def fill(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        except OSError:
            data = b""
        if not data:
            self.eof = True
        self.buf += data

    def until(self, sep):
        while sep not in self.buf and not self.eof and time.monotonic() < self.deadline:
            self.fill()
        return sep in self.buf

    def head(self):
        if not self.until(b"\r\n\r\n"):
            return None
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.status = int(head.split(b" ", 2)[1])
        return self.status

    def event(self):
        """The next event as (kind, fields), or None at the end or deadline."""
        if not self.until(b"\n\n"):
            return None
        raw, self.buf = self.buf.split(b"\n\n", 1)
        fields = {"data": []}
        comment = False
        for line in raw.decode().split("\n"):
            if line.startswith(":"):
                comment = True
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                fields["data"].append(value)
            else:
                fields[name] = value
        if comment and "event" not in fields and not fields["data"]:
            return ("comment", fields)
        return ("event", fields)


def number(sse_id):
    """N of "E-N" (the log's epoch and the event's id), or the id itself."""
    epoch, dash, n = sse_id.partition("-")
    return n if dash and epoch.isdigit() and n.isdigit() else sse_id


def listen(args):
    url, out = args[0], args[1]
    opt = {"--last-id": None, "--expect": None, "--timeout": "30", "--ready": None,
           "--drop-every": "0"}
    reconnect = "--reconnect" in args
    rest = [a for a in args[2:] if a != "--reconnect"]
    for k, v in zip(rest[::2], rest[1::2]):
        opt[k] = v
    deadline = time.monotonic() + float(opt["--timeout"])
    expect = int(opt["--expect"]) if opt["--expect"] else None
    last_id = opt["--last-id"]
    drop = int(opt["--drop-every"])
    got = here = 0
    f = open(out, "a", buffering=1)

    def emit(line):
        """Write one event's line; "done" or "drop" when the run says so."""
        nonlocal got, here
        f.write("%s %s %d %s\n" % tuple(line))
        got += 1
        here += 1
        if expect is not None and got >= expect:
            return "done"
        if drop and here >= drop:
            return "drop"
        return None

    while time.monotonic() < deadline:
        try:
            s = connect(url, last_id, timeout=max(0.1, min(deadline - time.monotonic(), 5)))
        except OSError as e:
            f.write("# connect failed %s\n" % e)
            if not reconnect:
                return 2
            time.sleep(0.05)
            continue
        s.settimeout(0.2)
        r = Reader(s, deadline)
        here = 0
        f.write("# status %s\n" % r.head())
        if opt["--ready"]:
            open(opt["--ready"], "a").close()
        pending = None      # an event without id: its batch's id may follow
        stop = None
        while r.status == 200 and stop is None:
            if pending is not None:     # its id comes with it, or never
                r.deadline = min(deadline, time.monotonic() + 0.1)
            ev = r.event()
            r.deadline = deadline
            if ev is None and pending is not None and not r.eof and \
                    time.monotonic() < deadline:
                stop = emit(pending)
                pending = None
                continue
            kind, fields = ev if ev is not None else ("end", {"data": []})
            id_only = kind == "event" and "event" not in fields and not fields["data"]
            if id_only and "id" in fields:
                last_id = fields["id"]
                if pending is not None:
                    pending[0] = number(fields["id"])
            if pending is not None:
                stop = emit(pending)
                pending = None
                if stop:
                    break
            if kind == "end":
                break
            if kind == "comment":
                f.write("# heartbeat\n")
                continue
            if id_only:
                continue
            if fields.get("event") == "hello":
                f.write("- hello %d %s\n" % (time.time_ns(), "|".join(fields["data"])))
                continue
            line = [number(fields.get("id", "-")), fields.get("event", "-"), time.time_ns(),
                    "|".join(fields["data"])]
            if "id" in fields:
                last_id = fields["id"]
                stop = emit(line)
            else:
                pending = line
        if stop == "done":
            s.close()
            return 0
        if stop == "drop":
            # A forced disconnect: reset the connection mid-stream.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            r.eof = True
        s.close()
        if not r.eof:
            break		# the deadline
        f.write("# end\n")
        if not reconnect:
            return 2
        f.write("# reconnect %s\n" % last_id)
        time.sleep(0.05)
    return 3


def storm(args):
    url, n = args[0], int(args[1])
    socks = []
    for _ in range(n):
        socks.append(connect(url, timeout=20))
    held = 0
    deadline = time.monotonic() + 20
    for s in socks:
        r = Reader(s, deadline)
        if r.head() == 200 and r.event() is not None:
            held += 1
    for s in socks:
        if "--rst" in args:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    print("held %d" % held)
    return 0 if held == n else 1


def small_window(url):
    """Ask for url on a socket with a 4 KiB receive buffer (so that what
    the client does not read soon backs up to the server)."""
    u = urlsplit(url)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect((u.hostname, u.port))
    path = u.path + ("?" + u.query if u.query else "")
    s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, u.netloc)).encode())
    return s


def stuck(args):
    """Open a stream with a small receive buffer, read its first event,
    then read nothing more for a while: a client that cannot keep up."""
    url, secs = args[0], float(args[1])
    s = small_window(url)
    r = Reader(s, time.monotonic() + 10)
    ok = r.head() == 200 and r.event() is not None
    print("stuck" if ok else "no stream", flush=True)
    time.sleep(secs)
    return 0 if ok else 1


def mute(args):
    """Ask for a stream and never read a byte of the answer."""
    url, secs = args[0], float(args[1])
    s = small_window(url)
    print("sent", flush=True)
    time.sleep(secs)
    s.close()
    return 0


def check(args):
    """Every listen output in args holds exactly the events with ids F..L
    (--ids F-L), in order, once each; one summary line for all of them."""
    first, last = map(int, args[args.index("--ids") + 1].split("-"))
    files = args[:args.index("--ids")]
    want = list(range(first, last + 1))
    lat, bad, replayed, n = [], [], 0, 0
    for path in files:
        ids = []
        for line in open(path):
            if line[0] in "#-":
                continue
            ev_id, topic, recv, data = line.rstrip("\n").split(" ", 3)
            ids.append(int(ev_id))
            parts = data.split("|")
            if parts[2] == "replay 1":
                replayed += 1
            else:
                lat.append((int(recv) - json.loads(parts[0][8:])["ns"]) / 1e6)
        n += len(ids)
        if ids != want:
            where = next((i for i, (a, b) in enumerate(zip(ids, want)) if a != b),
                         min(len(ids), len(want)))
            bad.append("%s: %d events, differs at #%d (%s)" % (
                os.path.basename(path), len(ids), where, ids[max(0, where - 2):where + 3]))
    if bad:
        print("bad " + "; ".join(bad))
        return 1
    lat.sort()
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
    print("ok events %d replayed %d p50 %.1f p99 %.1f max %.1f" % (
        n, replayed, pick(0.5), pick(0.99), lat[-1] if lat else 0))
    return 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    sys.exit({"listen": listen, "storm": storm, "stuck": stuck, "mute": mute,
              "check": check}[cmd](sys.argv[2:]))
