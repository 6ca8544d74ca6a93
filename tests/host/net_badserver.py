#!/usr/bin/env python3
"""net_badserver.py: three misbehaving HTTP servers on loopback, for weft-fetch's tests.

Course idea: a client is tested against the failures it must survive.
  reset:  reads the request, then closes with RST (SO_LINGER 0)
  silent: accepts and never answers (the client's deadline must fire)
  short:  promises Content-Length: 1000 and sends 10 bytes, then closes
Prints "reset PORT silent PORT short PORT" and serves until killed, or
for at most 60 s (so a forgotten one cannot outlive the test).
"""
import socket, struct, threading, time

def serve(sock, mode):
    held = []
    while True:
        conn, _ = sock.accept()
        if mode == "silent":
            held.append(conn)
            continue
        conn.recv(4096)
        if mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
        conn.close()

ports = []
for mode in ("reset", "silent", "short"):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    ports.append("%s %d" % (mode, s.getsockname()[1]))
    threading.Thread(target=serve, args=(s, mode), daemon=True).start()
print(" ".join(ports), flush=True)
time.sleep(60)
