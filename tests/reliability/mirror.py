#!/usr/bin/env python3
"""A Fashion-MNIST mirror that misbehaves on request, for the reliability campaign.

    mirror.py DATA_DIR      serves on 127.0.0.1, prints its port, runs until killed

The first part of a path says how the file that follows is served:
  /good/NAME         the file in DATA_DIR, at full speed
  /slow/NAME         the file, 256 kB a second (time to interrupt a download)
  /endless/NAME      a body that does not end (stops after 1 GB), no Content-Length
  /huge/NAME         a Content-Length of a terabyte, then 1 MB, then the connection closes
  /unsolicited/NAME  404, then a second response nobody asked for on the same connection
"""
import http.server
import os
import socketserver
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        mode, _, name = self.path.lstrip("/").partition("/")
        path = os.path.join(sys.argv[1], os.path.basename(name))
        try:
            if mode == "good" or mode == "slow":
                with open(path, "rb") as f:
                    data = f.read()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                step = 64 << 10
                for i in range(0, len(data), step):
                    self.wfile.write(data[i:i + step])
                    if mode == "slow":
                        self.wfile.flush()
                        time.sleep(0.25)
            elif mode == "endless":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"\0" * (1 << 20)
                for _ in range(1024):
                    self.wfile.write(chunk)
            elif mode == "huge":
                self.send_response(200)
                self.send_header("Content-Length", str(1 << 40))
                self.end_headers()
                self.wfile.write(b"\0" * (1 << 20))
                self.close_connection = True
            elif mode == "unsolicited":
                self.wfile.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                                 b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                self.wfile.flush()
                time.sleep(0.5)
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
