#!/usr/bin/env python3
"""A bounded HTTP load from a second process, for the fault tests.

Sends requests (a new connection each) to ADDRESS:PORT with a Host header from WORKERS threads until
--max-requests are sent, --max-seconds pass, or --stop-file exists. A request fails when it gets no response,
a status other than --expect-status, or a body without --expect-body. Prints one JSON line at the end:
{"sent": n, "failed": n, "reasons": {reason: count}, "seconds": s}.
"""
import argparse, http.client, json, os, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("--address", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--host", required=True)
parser.add_argument("--path", default="/")
parser.add_argument("--expect-status", type=int, default=200)
parser.add_argument("--expect-body", default="")
parser.add_argument("--max-requests", type=int, default=5000)
parser.add_argument("--max-seconds", type=float, default=60)
parser.add_argument("--stop-file", default="")
parser.add_argument("--ready-file", default="")
parser.add_argument("--workers", type=int, default=2)
args = parser.parse_args()

lock = threading.Lock()
counts = {"sent": 0, "failed": 0}
reasons = {}
start = time.monotonic()


def take():
    with lock:
        if counts["sent"] >= args.max_requests or time.monotonic() - start > args.max_seconds:
            return False
        if args.stop_file and os.path.exists(args.stop_file):
            return False
        counts["sent"] += 1
        return True


def fail(reason):
    with lock:
        counts["failed"] += 1
        reasons[reason] = reasons.get(reason, 0) + 1


def worker():
    while take():
        try:
            conn = http.client.HTTPConnection(args.address, args.port, timeout=5)
            conn.request("GET", args.path, headers={"Host": args.host, "Connection": "close"})
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            conn.close()
            if response.status != args.expect_status:
                fail("status %d" % response.status)
            elif args.expect_body and args.expect_body not in body:
                fail("unexpected body")
        except Exception as error:  # connection refused, reset, timeout
            fail(type(error).__name__)


threads = [threading.Thread(target=worker) for _ in range(args.workers)]
for t in threads:
    t.start()
if args.ready_file:
    open(args.ready_file, "w").close()
for t in threads:
    t.join()
print(json.dumps({"sent": counts["sent"], "failed": counts["failed"], "reasons": reasons,
                  "seconds": round(time.monotonic() - start, 2)}))
