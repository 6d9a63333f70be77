"""HTTP plumbing: a stdlib ``ThreadingHTTPServer`` in a daemon thread that feeds ``Application``."""

import contextlib
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_logger = logging.getLogger(__name__)
IDLE_CONNECTION_TIMEOUT = 30
POLL_INTERVAL = 0.01  # how fast serve_forever notices stop(); stdlib 0.5 s slows teardown


class _Handler(BaseHTTPRequestHandler):
    """Hands every method to the application; HTTP/1.1 keep-alive like a real API gateway."""

    protocol_version = "HTTP/1.1"
    server_version = "MiraklSimulator/1.0"
    timeout = IDLE_CONNECTION_TIMEOUT
    disable_nagle_algorithm = True  # headers and body go out in two writes: avoid 40 ms stalls

    def setup(self):
        super().setup()
        self.server.track(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.server.app.handle(self.command, self.path, self.headers, body)
        payload = reply.payload()
        self.send_response(reply.status)
        if payload or reply.status != 204:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch

    def log_message(self, format, *args):
        _logger.debug("%s " + format, self.address_string(), *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app):
        self.app = app
        self._connections = set()
        self._lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection):
        with self._lock:
            self._connections.add(connection)

    def untrack(self, connection):
        with self._lock:
            self._connections.discard(connection)

    def close_connections(self):
        """Cut keep-alive connections so no handler thread outlives ``stop()``."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request, client_address):
        """A client that hung up (timeout tests) is normal, not a traceback on stderr."""
        _logger.debug("connection from %s dropped", client_address)


class ServerThread:
    """Runs the server in a daemon thread; ``port=0`` picks a free port."""

    def __init__(self, app, host="127.0.0.1", port=0):
        self.app = app
        self._server = _Server((host, port), app)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(POLL_INTERVAL,),
            name="mirakl-simulator",
            daemon=True,
        )

    @property
    def address(self):
        return self._server.server_address[:2]

    def start(self):
        self.app.stopping.clear()
        self._thread.start()

    def stop(self):
        self.app.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(timeout=5)
