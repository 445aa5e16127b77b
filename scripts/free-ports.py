"""Prints N distinct TCP ports free on 127.0.0.1 right now (the kernel picks
them), one per line, so concurrent test runs do not collide on fixed ports."""
import socket, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
socks = []
for _ in range(n):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
# Read every port before closing any, so the kernel cannot hand one out twice.
print("\n".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
