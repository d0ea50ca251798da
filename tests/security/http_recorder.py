"""A plain HTTP server on loopback that records every request it gets (line, headers, body) and
answers from a table: the "new address" of the credential and address-guard tests. It sees exactly
what our clients put on the wire, with no code of ours in between."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: str

    def text(self) -> str:
        return (
            f"{self.method} {self.path}\n"
            + "\n".join(f"{k}: {v}" for k, v in self.headers.items())
            + "\n\n"
            + self.body
        )


@dataclass
class Recorder:
    """`answer(method, path, headers, body)` returns (status, headers dict, body str or dict)."""

    answer: object
    requests: list = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def wire(self) -> str:
        """Everything received, as one text to search."""
        return "\n\n".join(seen.text() for seen in self.requests)

    def start(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("latin-1") if length else ""
                recorder.requests.append(Seen(self.command, self.path, dict(self.headers), body))
                status, headers, content = recorder.answer(self.command, self.path, dict(self.headers), body)
                if isinstance(content, (dict, list)):
                    content, headers = json.dumps(content), {"Content-Type": "application/json", **headers}
                data = (content or "").encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def recorder(answer=None) -> Recorder:
    """A started Recorder; by default every request is answered 200 {}."""
    return Recorder(answer or (lambda *_: (200, {}, {}))).start()
