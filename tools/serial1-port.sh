#!/usr/bin/env bash
# serial1-port.sh: a free TCP port on 127.0.0.1 for UART1 (the second
# serial line), or $SERIAL1_PORT if set. Prints the port.
set -eu
if [ -n "${SERIAL1_PORT:-}" ]; then echo "$SERIAL1_PORT"; exit 0; fi
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
