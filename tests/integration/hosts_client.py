#!/usr/bin/env python3
"""Clients for the multi-host tests (hosts_lib.sh): a browser that roams.

  hosts_client.py roam OUT --hosts URL[,URL...] --path PATH --last-id N
                  --stop FILE [--timeout S] [--hop-ms LO-HI] [--stall-ms MS]
                  [--seed N] [--first 1]
      Follow one stream across hosts as a browser behind a load balancer
      would: connect to a random host with Last-Event-ID (the last id seen),
      read for a random LO..HI ms (default 200-1500), reset the connection
      and reconnect to another random host.  A host that cannot be reached,
      or sends nothing for MS ms (default 3000: heartbeats come more often),
      is left for another.  Appends to OUT, flushed at once, one line per
      event:  <id> <topic> <received ns> <host> <data lines joined by |>
      (id: N of an SSE id "E-N", which is sent back whole on reconnection)
      (host: the delivering host's "host NAME" data line, else the URL)
      and "# connect URL LAST", "# failed URL WHY", "# stall URL",
      "- hello ..." lines.  Exits 0 once FILE exists, holds an id and the
      last id seen is at least that id; 3 at the timeout (default 60 s).
      --first 1: the first connection goes to the first URL.
  hosts_client.py check OUT PATTERN AFTER COMMITTED
      COMMITTED holds the committed events, "id topic" a line (from the
      store's event table).  Did OUT get exactly the committed events whose
      topic matches PATTERN with id > AFTER, in increasing id order, once
      each, and never nitro.gap?  Prints "ok events N connects C hosts H"
      and exits 0, or "bad <why>" and exits 1.
  hosts_client.py latency OUT...
      Delivery latency of the live (not replayed) events of the outputs:
      received minus the payload's "ns".  Prints "n N p50 X p99 Y max Z" (ms).
Only the standard library; plain HTTP/1.0 (see sse_client.py, whose
connection and reader this uses).
"""
import fnmatch
import json
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sse_client import Reader, connect  # noqa: E402


def options(args, defaults):
    opt = dict(defaults)
    for k, v in zip(args[::2], args[1::2]):
        if k not in opt:
            raise SystemExit("unknown option %s" % k)
        opt[k] = v
    return opt


def num(sse_id):
    """The event id of an SSE id: "E-N" (the log's epoch, then the id)
    or a plain N."""
    return int(sse_id.rsplit("-", 1)[-1])


def stop_id(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def roam(args):
    out = args[0]
    opt = options(args[1:], {"--hosts": None, "--path": "/sse/live", "--last-id": None,
                             "--stop": None, "--timeout": "60", "--hop-ms": "200-1500",
                             "--stall-ms": "3000", "--seed": None,
                             "--first": "0"})
    hosts = opt["--hosts"].split(",")
    rng = random.Random(opt["--seed"])
    lo, hi = map(int, opt["--hop-ms"].split("-"))
    stall = int(opt["--stall-ms"]) / 1000.0
    deadline = time.monotonic() + float(opt["--timeout"])
    last_id = opt["--last-id"]
    f = open(out, "a", buffering=1)

    def done():
        want = stop_id(opt["--stop"])
        return want is not None and last_id is not None and num(last_id) >= want

    host = None
    first = opt["--first"] == "1"
    while time.monotonic() < deadline and not done():
        others = [h for h in hosts if h != host] or hosts
        host = hosts[0] if first else rng.choice(others)
        first = False
        f.write("# connect %s %s\n" % (host, last_id))
        try:
            s = connect(host + opt["--path"], last_id, timeout=1)
        except OSError as e:
            f.write("# failed %s %s\n" % (host, e))
            time.sleep(0.05)
            continue
        s.settimeout(0.1)
        hop_at = min(deadline, time.monotonic() + rng.uniform(lo, hi) / 1000.0)
        r = Reader(s, hop_at)
        if r.head() != 200:
            f.write("# failed %s status %s\n" % (host, r.status))
            s.close()
            time.sleep(0.05)
            continue
        pending = None          # an event whose id block follows it
        heard = time.monotonic()
        while not done():
            r.deadline = min(hop_at, time.monotonic() + 0.2)
            ev = r.event()
            now = time.monotonic()
            if ev is None:
                if r.eof or now >= hop_at:
                    break
                if now - heard > stall:
                    f.write("# stall %s\n" % host)
                    break
                continue
            heard = now
            kind, fields = ev
            if kind == "comment":
                continue
            if "event" not in fields and not fields["data"] and "id" in fields:
                last_id = fields["id"]
                if pending is not None:
                    pending[0] = num(last_id)
                    f.write("%s %s %d %s %s\n" % tuple(pending))
                    pending = None
                continue
            if fields.get("event") == "hello":
                f.write("- hello %s\n" % "|".join(fields["data"]))
                continue
            # Who delivered it: the app's "host NAME" data line (behind a
            # balancer the URL does not say), else the URL.
            by = next((d[5:] for d in fields["data"] if d.startswith("host ")), host)
            line = [fields.get("id", "-"), fields.get("event", "-"), time.time_ns(), by,
                    "|".join(fields["data"])]
            if "id" in fields:
                last_id = fields["id"]
                line[0] = num(last_id)
                f.write("%s %s %d %s %s\n" % tuple(line))
            else:
                pending = line
        if pending is not None:
            f.write("# cut before the id of %s\n" % pending[1])
        # Leave as a browser whose tab closed: a reset, at once.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    return 0 if done() else 3


def events_of(path):
    """The event lines of a roam output as (id, topic, host, data)."""
    for line in open(path):
        if line[0] in "#-":
            continue
        ev_id, topic, recv, host, data = line.rstrip("\n").split(" ", 4)
        yield int(ev_id), topic, int(recv), host, data


def check(args):
    out, pattern, after, committed = args[0], args[1], int(args[2]), args[3]
    want = []
    for line in open(committed):
        ev_id, topic = line.split()
        if int(ev_id) > after and fnmatch.fnmatchcase(topic, pattern):
            want.append(int(ev_id))
    want.sort()
    got, seen_hosts = [], set()
    for ev_id, topic, _, host, _ in events_of(out):
        if topic == "nitro.gap":
            print("bad nitro.gap at id %d from %s" % (ev_id, host))
            return 1
        got.append(ev_id)
        seen_hosts.add(host)
    connects = sum(1 for line in open(out) if line.startswith("# connect "))
    name = os.path.basename(out)
    for i in range(1, len(got)):
        if got[i] <= got[i - 1]:
            print("bad %s: id %d after %d (#%d)" % (name, got[i], got[i - 1], i))
            return 1
    if got != want:
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        print("bad %s: %d events, %d committed; missing %s; not committed %s" % (
            name, len(got), len(want), missing[:10], extra[:10]))
        return 1
    print("ok events %d connects %d hosts %d" % (len(got), connects, len(seen_hosts)))
    return 0


def latency(args):
    lat = []
    for path in args:
        for _, _, recv, _, data in events_of(path):
            parts = data.split("|")
            if "replay 0" in parts and parts[0].startswith("payload "):
                lat.append((recv - json.loads(parts[0][8:])["ns"]) / 1e6)
    lat.sort()
    if not lat:
        print("n 0 p50 nan p99 nan max nan")
        return 1
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print("n %d p50 %.1f p99 %.1f max %.1f" % (len(lat), pick(0.5), pick(0.99), lat[-1]))
    return 0


if __name__ == "__main__":
    sys.exit({"roam": roam, "check": check, "latency": latency}[sys.argv[1]](sys.argv[2:]))
