#!/usr/bin/env python3
"""A FastCGI client that writes records byte by byte, for the tests that
talk to a worker's socket directly (test_conn.sh).  It does not use
libfcgi: every record is laid out here, so a test can send exactly the
partial, slow or odd records a real web server never would.

  fcgi_raw.py SOCK request PATH [--method M] [--role R] [--keep]
                               [--body DATA] [--timeout S]
      One request; prints one line per fact:
          seconds <time to the end of the response>
          end <appStatus> <protocolStatus>    (or "closed" without one)
          stdout <bytes of STDOUT content>
      then the STDOUT content itself (the CGI head and body).  With --keep
      the request sets FCGI_KEEP_CONN and the connection is closed by us.
  fcgi_raw.py SOCK stream PATH [--for S]
      A GET that reads the response for S seconds (default 2): prints
      "open <bytes>" when it is still going then, else "closed <bytes>
      <seconds>".
  fcgi_raw.py SOCK hold CASE [--max S] [--pause S]
      Open a connection that misbehaves as CASE says, print "held" once
      it has done so, then wait for the worker to close the connection:
      prints "closed <seconds since it connected>", or "open <S>" when it is
      still open after --max S (default 10).  CASE is one of
          header    3 bytes of a record header
          begin     a whole BEGIN_REQUEST and nothing more
          params    a PARAMS header announcing 100 bytes, then 10 of them
          keep      a whole keep-conn request, its response read, then idle
          drip      BEGIN_REQUEST, then PARAMS one byte every --pause S
                    (default 0.2): each read gets a byte in time, only the
                    whole request is late
          body      a POST /form whose CONTENT_LENGTH promises 1000 bytes,
                    of which 10 are sent
          noread    GET /big (8 MiB), never read
Only the standard library; unix sockets (a path) or HOST:PORT.
"""
import argparse
import socket
import struct
import sys
import time

VERSION = 1
BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7
RESPONDER = 1
KEEP_CONN = 1


def record(rtype, rid, content=b"", padding=0):
    """A record: the 8-byte header, content, padding."""
    return struct.pack(">BBHHBx", VERSION, rtype, rid, len(content),
                       padding) + content + b"\0" * padding


def begin(rid=1, role=RESPONDER, keep=False):
    body = struct.pack(">HB5x", role, KEEP_CONN if keep else 0)
    return record(BEGIN_REQUEST, rid, body)


def nv_len(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def params(env, rid=1):
    """PARAMS records for env, then the empty one that ends them."""
    data = b"".join(nv_len(len(k)) + nv_len(len(v)) + k + v
                    for k, v in ((k.encode(), v.encode()) for k, v in env.items()))
    out = b""
    for i in range(0, len(data), 65535):
        out += record(PARAMS, rid, data[i:i + 65535])
    return out + record(PARAMS, rid)


def stdin(data, rid=1):
    out = b""
    for i in range(0, len(data), 65535):
        out += record(STDIN, rid, data[i:i + 65535])
    return out + record(STDIN, rid)


def env_for(method, path, body=b""):
    uri = path
    path, _, query = path.partition("?")
    env = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "DOCUMENT_URI": path,
           "SCRIPT_NAME": path, "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1",
           "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_SOFTWARE": "fcgi_raw",
           "REMOTE_ADDR": "127.0.0.1", "SERVER_NAME": "localhost",
           "SERVER_PORT": "80", "HTTP_HOST": "localhost"}
    if method in ("POST", "PUT", "PATCH"):
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(body))
    return env


def connect(addr, timeout):
    if ":" in addr and not addr.startswith("/"):
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=timeout)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(addr)
    return s


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_response(s, rid=1):
    """(stdout bytes, (appStatus, protocolStatus) or None when the
    connection closed first)."""
    out = b""
    while True:
        h = read_exact(s, 8)
        if h is None:
            return out, None
        _, rtype, got_id, clen, plen = struct.unpack(">BBHHBx", h)
        content = read_exact(s, clen + plen)
        if content is None:
            return out, None
        content = content[:clen]
        if got_id != rid:
            continue
        if rtype == STDOUT:
            out += content
        elif rtype == END_REQUEST:
            app, proto = struct.unpack(">IB3x", content)
            return out, (app, proto)


def whole_request(method, path, role=RESPONDER, keep=False, body=b"", rid=1):
    return (begin(rid, role, keep) + params(env_for(method, path, body), rid) +
            stdin(body, rid))


def cmd_request(a):
    body = a.body.encode() if a.body is not None else b""
    t0 = time.monotonic()
    try:
        s = connect(a.sock, a.timeout)
        s.sendall(whole_request(a.method, a.path, a.role, a.keep, body))
        out, end = read_response(s)
        s.close()
    except OSError as e:
        print("seconds %.3f" % (time.monotonic() - t0))
        print("error %s" % e)
        return 1
    print("seconds %.3f" % (time.monotonic() - t0))
    print("end %d %d" % end if end else "closed")
    print("stdout %d" % len(out))
    sys.stdout.flush()
    sys.stdout.buffer.write(out)
    return 0


def cmd_stream(a):
    s = connect(a.sock, a.seconds)
    t0 = time.monotonic()
    n = 0
    s.sendall(whole_request("GET", a.path))
    try:
        while True:
            s.settimeout(max(a.seconds - (time.monotonic() - t0), 0.01))
            chunk = s.recv(65536)
            if not chunk:
                print("closed %d %.3f" % (n, time.monotonic() - t0))
                break
            n += len(chunk)
    except socket.timeout:
        print("open %d" % n)
    s.close()
    return 0


def misbehave(s, case, pause, deadline):
    """Do what CASE says; returns once the connection is in that state."""
    if case == "header":
        s.sendall(begin()[:3])
    elif case == "begin":
        s.sendall(begin())
    elif case == "params":
        s.sendall(begin() + struct.pack(">BBHHBx", VERSION, PARAMS, 1, 100, 0) +
                  b"\x04\x03ABCDEFGH")
    elif case == "keep":
        s.sendall(whole_request("GET", "/hello/keep", keep=True))
        _, end = read_response(s)
        if end is None:
            raise OSError("the keep-conn request got no answer")
    elif case == "body":
        req = begin() + params(env_for("POST", "/form", b"x" * 1000))
        s.sendall(req + record(STDIN, 1, b"name=abcde"))
    elif case == "noread":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(whole_request("GET", "/big?kb=8192"))
    elif case == "drip":
        s.sendall(begin())
        print("held", flush=True)
        for b in params(env_for("GET", "/hello/drip")):
            time.sleep(pause)
            if time.monotonic() > deadline:
                raise socket.timeout()
            s.sendall(bytes([b]))
        return
    else:
        raise SystemExit("fcgi_raw.py: unknown case %s" % case)
    print("held", flush=True)


def cmd_hold(a):
    s = connect(a.sock, a.max)
    t0 = time.monotonic()
    try:
        misbehave(s, a.case, a.pause, t0 + a.max)
        s.settimeout(max(a.max - (time.monotonic() - t0), 0.01))
        # Wait for the worker to close: recv returns b"" (or a reset).
        # The noread case must not read the response, so it only waits
        # for the socket to become readable with the end (the worker's
        # shutdown shows as readable data or EOF soon after the cut).
        if a.case == "noread":
            deadline = t0 + a.max
            while time.monotonic() < deadline:
                try:
                    # A write fails once the worker shut its side down.
                    s.send(b"\0" * 8)
                except (BrokenPipeError, ConnectionResetError):
                    break
                time.sleep(0.05)
            else:
                raise socket.timeout()
        else:
            while s.recv(65536):
                pass
        print("closed %.3f" % (time.monotonic() - t0))
    except socket.timeout:
        print("open %.3f" % (time.monotonic() - t0))
    except (ConnectionResetError, BrokenPipeError):
        print("closed %.3f" % (time.monotonic() - t0))
    s.close()
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("sock")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("request")
    r.add_argument("path")
    r.add_argument("--method", default="GET")
    r.add_argument("--role", type=int, default=RESPONDER)
    r.add_argument("--keep", action="store_true")
    r.add_argument("--body")
    r.add_argument("--timeout", type=float, default=10)
    st = sub.add_parser("stream")
    st.add_argument("path")
    st.add_argument("--for", dest="seconds", type=float, default=2)
    h = sub.add_parser("hold")
    h.add_argument("case")
    h.add_argument("--max", type=float, default=10)
    h.add_argument("--pause", type=float, default=0.2)
    a = p.parse_args()
    return {"request": cmd_request, "stream": cmd_stream, "hold": cmd_hold}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
