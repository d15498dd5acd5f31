"""Where phones on the local Wi-Fi can reach this machine, for links and QR codes."""

from __future__ import annotations

import socket

from flask import current_app, request


def lan_addresses() -> list[str]:
    """The machine's non-loopback IPv4 addresses; a UDP 'connect' sends nothing but picks the route."""
    found: list[str] = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET address: nothing is sent, only the route is looked up
        found.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if not address.startswith("127.") and address not in found:
                found.append(address)
    except OSError:
        pass
    return [address for address in found if not address.startswith("127.")]


def public_base_url() -> str:
    """``PUBLIC_URL`` when configured; else this request's host, with localhost swapped for the LAN address."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    base = request.host_url.rstrip("/")
    host = request.host.split(":")[0]
    if host in ("localhost", "127.0.0.1", "[::1]"):
        addresses = lan_addresses()
        if addresses:
            port = request.host.split(":")[1] if ":" in request.host else ""
            return f"{request.scheme}://{addresses[0]}" + (f":{port}" if port else "")
    return base


def print_addresses(port: str) -> None:
    """What ``make run`` tells the host: the addresses phones on the same Wi-Fi can open."""
    print("\n  Buurtstem draait / is running. Open op telefoons / open on phones:", flush=True)
    for address in lan_addresses() or ["127.0.0.1"]:
        print(f"    http://{address}:{port}", flush=True)
    print(f"  Op deze computer / on this computer: http://127.0.0.1:{port}\n", flush=True)
