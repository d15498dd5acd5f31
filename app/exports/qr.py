"""QR codes as SVG, dark on white with the standard four-module quiet zone, so every phone reads them.

What a ticket QR encodes (version 1): the plain URL ``<base>/t/<token>``. A plain URL is what any
phone camera opens without an app; the ``/t/`` path is the version marker, a future format gets a new path.
"""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.image.svg import SvgFillImage


def qr_svg(data: str, box_size: int = 10) -> str:
    """An SVG document (white background included) that encodes ``data``."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=SvgFillImage)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):] if "<svg" in svg else svg


def qr_png(data: str, box_size: int = 10) -> bytes:
    """A PNG, for places where SVG does not fit (e-mail, chat apps)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer)
    return buffer.getvalue()


def qr_data_uri(data: str) -> str:
    """A PNG as a data URI, for print templates: WeasyPrint draws one image far faster than 1,000 SVG cells."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data, box_size=8)).decode()
