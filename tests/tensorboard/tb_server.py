"""The real `tensorboard` server on loopback, for tests: started on a free
port (--port 0, the port read from its banner), polled until its HTTP API
answers as expected within a deadline, and stopped on exit."""
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request

DEADLINE_S = 90
BANNER = re.compile(r"http://127\.0\.0\.1:(\d+)/")


class TensorBoard:
    def __init__(self, logdir):
        self.logdir = str(logdir)
        self.lines = queue.Queue()
        self.stderr = []

    def __enter__(self):
        exe = os.path.join(os.path.dirname(sys.executable), "tensorboard")
        command = [exe] if os.path.exists(exe) else [sys.executable, "-m", "tensorboard.main"]
        self.proc = subprocess.Popen(
            command + ["--logdir", self.logdir, "--host", "127.0.0.1", "--port", "0", "--reload_interval", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # A thread drains stderr so that the server never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()
        self.base = f"http://127.0.0.1:{self._port()}"
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _drain(self):
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def _port(self):
        end = time.monotonic() + DEADLINE_S
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=end - time.monotonic())
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"tensorboard exited ({self.proc.wait()}): {''.join(self.stderr)}")
            self.stderr.append(line)
            found = BANNER.search(line)
            if found:
                return int(found.group(1))
        raise AssertionError(f"no tensorboard banner within {DEADLINE_S} s: {''.join(self.stderr)}")

    def get_json(self, path, body=None):
        request = urllib.request.Request(self.base + path, data=None if body is None else json.dumps(body).encode())
        if body is not None:
            request.add_header("Content-Type", "application/json")
            request.add_header("X-XSRF-Protected", "1")  # tensorboard refuses POSTs without it
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def poll_json(self, path, ready, body=None):
        """GETs (or POSTs `body` to) `path` until ready(answer) holds; fails after the deadline."""
        end, answer = time.monotonic() + DEADLINE_S, None
        while time.monotonic() < end:
            answer = self.get_json(path, body)
            if ready(answer):
                return answer
            time.sleep(0.2)  # between polls of a server that is loading, not to wait for an event
        raise AssertionError(f"{path} not ready within {DEADLINE_S} s; last answer: {answer}")

    def session_groups(self, hparams, metric_tags):
        """The HParams table: one session group per run, with these columns."""
        body = {
            "experimentName": "",
            "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
            "colParams": [{"hparam": h} for h in hparams] + [{"metric": {"group": "", "tag": t}} for t in metric_tags],
            "startIndex": 0,
            "sliceSize": 100,
        }
        answer = self.poll_json("/data/plugin/hparams/session_groups",
                                lambda a: len(a.get("sessionGroups", [])) >= 2, body)
        return answer["sessionGroups"]
