"""HTML print templates to PDF with WeasyPrint; fonts and images come only from this machine."""

from __future__ import annotations

from flask import current_app


def html_to_pdf(html: str) -> bytes:
    """Render an already-filled print template; relative URLs resolve against the static folder.

    WeasyPrint is imported here, not at module level: it takes seconds to import, and every worker and
    every ``flask`` command would otherwise pay that at start-up, also when no PDF is ever made.
    """
    from weasyprint import HTML

    static = current_app.static_folder or "static"
    return HTML(string=html, base_url=static).write_pdf()  # type: ignore[no-any-return]


def warm_up() -> None:
    """Import WeasyPrint and render a line of text, so a server process's first real PDF does not pay
    for the import and the font set-up (about 0.4 s of CPU, a fifth of a large advice report). Called by
    the production server when a worker starts (``gunicorn.conf.py``), not by the shell's commands."""
    from weasyprint import HTML

    HTML(string='<p style="font-family: \'DejaVu Sans\', sans-serif">Buurtstem</p>').write_pdf()
