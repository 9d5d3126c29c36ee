#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): every message it accepts is kept as one JSON
file in --dir (recipients, headers, the text and HTML parts decoded), written before the
server answers. Files in --dir steer it: `delay` (seconds to wait after keeping a message and
before answering, to stop a sender mid-send) and `defer` (answer 451 without keeping it).
Prints "ready <port>" once it listens. Needs aiosmtpd (scripts/services smtp installs it)."""

import argparse
import asyncio
import json
import os
import time
import uuid
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, folder):
        self.folder = folder

    def flag(self, name):
        path = os.path.join(self.folder, name)
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read().strip() or "1"

    async def handle_DATA(self, server, session, envelope):
        if self.flag("defer"):
            return "451 4.3.0 try again later"
        raw = envelope.original_content or envelope.content
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        kept = {
            "envelope_to": envelope.rcpt_tos,
            "envelope_from": envelope.mail_from,
            "headers": {k: str(v) for k, v in msg.items()},
            "text": text.get_content() if text else None,
            "html": html.get_content() if html else None,
        }
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.json"
        tmp = os.path.join(self.folder, "." + name)
        with open(tmp, "w") as f:
            json.dump(kept, f)
        os.rename(tmp, os.path.join(self.folder, name))
        delay = self.flag("delay")
        if delay:
            await asyncio.sleep(float(delay))
        return "250 2.0.0 kept"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    args = p.parse_args()
    controller = Controller(Keep(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"ready {args.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
