#!/usr/bin/python3
"""Debian's python3-socketio (a second, independent Socket.IO client) against the gateway.

usage: socketio_transports.py URL TOKEN STREAM_ID TRANSPORT COUNT [ORIGIN]
TRANSPORT is "default" (polling, then upgrade), "websocket" or "polling". Each of COUNT rounds connects,
joins the stream's room (ack), sends one chat message (ack) and waits for its broadcast, then disconnects.
Prints one JSON line with what arrived; the Java test (PythonClientTransportsTest) asserts on it.
"""
import json
import sys
import threading
import time

import socketio

url, token, stream_id, transport, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
origin = sys.argv[6] if len(sys.argv) > 6 else None
transports = {"default": None, "websocket": ["websocket"], "polling": ["polling"]}[transport]

result = {"connects": 0, "joinAcks": 0, "chatAcks": 0, "broadcasts": 0, "errors": [],
          "transports": [], "maxDisconnectMillis": 0, "maxRoundMillis": 0}

for i in range(count):
    started = time.monotonic()
    sio = socketio.Client(reconnection=False, request_timeout=10)
    text = "python %s %d" % (transport, i)
    got = threading.Event()

    @sio.on("chat:message")
    def on_chat(data, text=text, got=got):
        if isinstance(data, dict) and data.get("message") == text:
            got.set()

    try:
        headers = {"Origin": origin} if origin else {}
        sio.connect(url, auth={"token": token}, transports=transports, headers=headers, wait_timeout=10)
        result["connects"] += 1
        joined = sio.call("join-livestream", {"streamId": stream_id}, timeout=10)
        if isinstance(joined, dict) and joined.get("streamId") == stream_id:
            result["joinAcks"] += 1
        else:
            result["errors"].append("round %d join: %r" % (i, joined))
        ack = sio.call("chat:message", {"streamId": stream_id, "message": text}, timeout=10)
        if isinstance(ack, dict) and ack.get("message") == text:
            result["chatAcks"] += 1
        else:
            result["errors"].append("round %d chat: %r" % (i, ack))
        if got.wait(10):
            result["broadcasts"] += 1
        else:
            result["errors"].append("round %d: broadcast not received" % i)
        result["transports"].append(sio.transport())
    except Exception as e:  # a lost request shows up here: connect or ack timeouts
        result["errors"].append("round %d: %s: %s" % (i, type(e).__name__, e))
    finally:
        d0 = time.monotonic()
        loops = [t for t in (sio.eio.read_loop_task, sio.eio.write_loop_task) if t is not None]
        try:
            sio.disconnect()
        except Exception as e:
            result["errors"].append("round %d disconnect: %s" % (i, e))
        # disconnect() returns at once, but the client's read loop sits in a pending poll until the server
        # answers it: count the session as closed when that loop has ended
        for t in loops:
            t.join(40)
        now = time.monotonic()
        result["maxDisconnectMillis"] = max(result["maxDisconnectMillis"], int((now - d0) * 1000))
        result["maxRoundMillis"] = max(result["maxRoundMillis"], int((now - started) * 1000))

result["transports"] = sorted(set(result["transports"]))
print(json.dumps(result))
