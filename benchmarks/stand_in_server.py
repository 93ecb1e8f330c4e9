"""Runs the tests' OpenAI-compatible stand-in on 127.0.0.1 with a fixed latency; prints its port."""

import sys
import time

from tests.runtime.support.openai_stand_in import StandInServer

server = StandInServer(default_text="A short answer from the stand-in model.").start()
server.latency_s = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
print(server.port, flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
