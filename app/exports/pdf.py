"""HTML print templates to PDF with WeasyPrint; fonts and images come only from this machine."""

from __future__ import annotations

from flask import current_app
from weasyprint import HTML


def html_to_pdf(html: str) -> bytes:
    """Render an already-filled print template; relative URLs resolve against the static folder."""
    static = current_app.static_folder or "static"
    return HTML(string=html, base_url=static).write_pdf()  # type: ignore[no-any-return]
