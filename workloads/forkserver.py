# SPDX-License-Identifier: GPL-2.0-only
# A forking server that answers a fixed number of requests from a client
# process, on 127.0.0.1 only, with every wait bounded: the recorded
# "forking server" workload. The server forks one child per connection
# (socketserver.ForkingTCPServer); it stops after REQUESTS requests or
# when a request does not come within TIMEOUT seconds.
import os
import socket
import socketserver
import sys

REQUESTS = 16
TIMEOUT = 10


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        self.request.settimeout(TIMEOUT)
        n = int(self.rfile.readline().strip() or b"0")
        body = b"".join(b"%d\n" % (i * i) for i in range(n))
        self.wfile.write(b"%d\n" % len(body) + body)


def client(port):
    total = 0
    for i in range(REQUESTS):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.sendall(b"%d\n" % (1000 * (i + 1)))
            f = s.makefile("rb")
            size = int(f.readline())
            total += len(f.read(size))
    print("client received", total, "bytes")


def main():
    socketserver.ForkingTCPServer.allow_reuse_address = True
    with socketserver.ForkingTCPServer(("127.0.0.1", 0), Handler) as srv:
        srv.timeout = TIMEOUT
        port = srv.server_address[1]
        pid = os.fork()
        if pid == 0:
            try:
                client(port)
            finally:
                os._exit(0)
        # each call serves one request, or returns after TIMEOUT seconds
        for _ in range(REQUESTS):
            srv.handle_request()
        srv.server_close()
        os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
