#!/usr/bin/env python3
"""Minimal CQL native-protocol (v4) client using only the Python standard library.

  cqlping.py HOST [PORT]                    STARTUP handshake; exit 0 when READY
  cqlping.py HOST [PORT] -e CQL [-e CQL...] also run each statement, print rows
                         [-c CONSISTENCY]   (ONE, QUORUM, ALL, LOCAL_ONE, ...)

Used by ./start to tell that a node really serves CQL (a TCP connect to 9042
succeeds before the node can answer queries). Exit status: 0 ok, 1 the node
answered with an error, 2 no connection / no CQL answer.
"""
import argparse
import socket
import struct
import sys
import uuid
import ipaddress
import datetime

VERSION = 0x04
OP_ERROR, OP_STARTUP, OP_READY, OP_AUTHENTICATE = 0x00, 0x01, 0x02, 0x03
OP_QUERY, OP_RESULT = 0x07, 0x08

CONSISTENCY = {
    "ANY": 0, "ONE": 1, "TWO": 2, "THREE": 3, "QUORUM": 4, "ALL": 5,
    "LOCAL_QUORUM": 6, "EACH_QUORUM": 7, "SERIAL": 8, "LOCAL_SERIAL": 9,
    "LOCAL_ONE": 10,
}


class CqlError(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise CqlError("truncated frame")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def byte(self):
        return self.take(1)[0]

    def short(self):
        return struct.unpack(">H", self.take(2))[0]

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def string(self):
        return self.take(self.short()).decode("utf-8")

    def long_string(self):
        return self.take(self.int()).decode("utf-8")

    def bytes(self):
        n = self.int()
        return None if n < 0 else self.take(n)

    def option(self):
        kind = self.short()
        if kind == 0x0000:
            return ("custom", self.string())
        if kind in (0x0020, 0x0022):
            return ({0x20: "list", 0x22: "set"}[kind], self.option())
        if kind == 0x0021:
            return ("map", self.option(), self.option())
        if kind == 0x0030:
            ks, name, n = self.string(), self.string(), self.short()
            return ("udt", ks, name, [(self.string(), self.option()) for _ in range(n)])
        if kind == 0x0031:
            return ("tuple", [self.option() for _ in range(self.short())])
        return (kind,)


def decode(typ, raw):
    if raw is None:
        return None
    kind = typ[0]
    try:
        if kind in (0x01, 0x0D):
            return raw.decode("utf-8")
        if kind in (0x02, 0x05, 0x09, 0x0E, 0x13, 0x14):
            return int.from_bytes(raw, "big", signed=True)
        if kind == 0x04:
            return raw != b"\x00"
        if kind == 0x07:
            return struct.unpack(">d", raw)[0]
        if kind == 0x08:
            return struct.unpack(">f", raw)[0]
        if kind == 0x0B:
            ms = int.from_bytes(raw, "big", signed=True)
            return (datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
                    + datetime.timedelta(milliseconds=ms)).isoformat()
        if kind in (0x0C, 0x0F):
            return str(uuid.UUID(bytes=raw))
        if kind == 0x10:
            return str(ipaddress.ip_address(raw))
        if kind in ("list", "set"):
            r = Reader(raw)
            return [decode(typ[1], r.bytes()) for _ in range(r.int())]
        if kind == "map":
            r = Reader(raw)
            return {decode(typ[1], r.bytes()): decode(typ[2], r.bytes())
                    for _ in range(r.int())}
    except (CqlError, ValueError, struct.error):
        pass
    return "0x" + raw.hex()


class Connection:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.stream = 0

    def request(self, opcode, body):
        self.stream = (self.stream + 1) % 32768
        self.sock.sendall(struct.pack(">BBhBi", VERSION, 0, self.stream, opcode, len(body)) + body)
        while True:
            header = self._recv(9)
            version, flags, stream, op, length = struct.unpack(">BBhBi", header)
            body = self._recv(length)
            if stream == self.stream:
                break  # skip events / other streams
        r = Reader(body)
        if flags & 0x08:  # warnings
            for _ in range(r.short()):
                print("warning: " + r.string(), file=sys.stderr)
        if op == OP_ERROR:
            code = r.int()
            raise CqlError("error 0x%04x: %s" % (code, r.string()))
        return op, r

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("connection closed by server")
            buf += chunk
        return buf

    def startup(self):
        body = struct.pack(">H", 1)
        for s in ("CQL_VERSION", "3.0.0"):
            b = s.encode()
            body += struct.pack(">H", len(b)) + b
        op, _ = self.request(OP_STARTUP, body)
        if op == OP_AUTHENTICATE:
            raise CqlError("server asks for authentication")
        if op != OP_READY:
            raise CqlError("unexpected opcode 0x%02x to STARTUP" % op)

    def query(self, cql, consistency):
        q = cql.encode()
        body = struct.pack(">i", len(q)) + q + struct.pack(">HB", consistency, 0)
        op, r = self.request(OP_QUERY, body)
        if op != OP_RESULT:
            raise CqlError("unexpected opcode 0x%02x to QUERY" % op)
        kind = r.int()
        if kind == 0x0002:  # Rows
            flags, ncols = r.int(), r.int()
            if flags & 0x0002:
                r.bytes()  # paging state
            cols = []
            if not flags & 0x0004:  # metadata present
                global_spec = flags & 0x0001
                if global_spec:
                    r.string(), r.string()
                for _ in range(ncols):
                    if not global_spec:
                        r.string(), r.string()
                    cols.append((r.string(), r.option()))
            rows = []
            for _ in range(r.int()):
                rows.append([decode(t, r.bytes()) for _, t in cols])
            return [c for c, _ in cols], rows
        if kind == 0x0003:
            return "set keyspace " + r.string(), None
        if kind == 0x0005:
            return "schema change %s %s %s" % (r.string(), r.string(), r.string()), None
        return "ok", None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("host")
    ap.add_argument("port", nargs="?", type=int, default=9042)
    ap.add_argument("-e", "--execute", action="append", default=[], metavar="CQL")
    ap.add_argument("-c", "--consistency", default="ONE", choices=sorted(CONSISTENCY))
    ap.add_argument("-t", "--timeout", type=float, default=10.0)
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args()
    try:
        conn = Connection(a.host, a.port, a.timeout)
        conn.startup()
    except (OSError, CqlError) as e:
        if not a.quiet:
            print("cqlping: %s:%d: %s" % (a.host, a.port, e), file=sys.stderr)
        return 2
    if not a.execute and not a.quiet:
        print("%s:%d READY" % (a.host, a.port))
    for cql in a.execute:
        try:
            head, rows = conn.query(cql, CONSISTENCY[a.consistency])
        except (OSError, CqlError) as e:
            print("cqlping: %s" % e, file=sys.stderr)
            return 1
        if rows is None:
            if not a.quiet:
                print(head)
            continue
        print(" | ".join(head))
        for row in rows:
            print(" | ".join("null" if v is None else str(v) for v in row))
        print("(%d rows)" % len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
