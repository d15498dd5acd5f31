"""The anonymous ballot export as one download: a ZIP holding ``ballots.csv`` and ``manifest.json``.

The archive is byte-for-byte the same for the same cards (fixed file dates), so its own hash is stable
too. Reading accepts the ZIP, a directory holding the two files, or the path of either file with the
other beside it. No Flask here: the recount runs without an application.
"""

from __future__ import annotations

import io
import os
import zipfile

from app.domain.scoring import BallotExport

BALLOTS = "ballots.csv"
MANIFEST = "manifest.json"
_DATE = (2000, 1, 1, 0, 0, 0)


class ExportFileError(Exception):
    """The file is not a ballot export; the message says why, in one line."""


def ballots_zip(export: BallotExport) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in ((MANIFEST, export.manifest_json), (BALLOTS, export.ballots_csv)):
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ExportFileError(f"{name}: not UTF-8 text ({error})") from None


def read_export(path: str) -> BallotExport:
    """The two texts of an export, exactly as published (byte-order mark kept: the hash covers it)."""
    if os.path.isdir(path):
        folder = path
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not {BALLOTS, MANIFEST} <= names:
                raise ExportFileError(f"{path}: the archive must hold {BALLOTS} and {MANIFEST}")
            return BallotExport(_decode(archive.read(BALLOTS), BALLOTS), _decode(archive.read(MANIFEST), MANIFEST))
    elif os.path.isfile(path):
        folder = os.path.dirname(path) or "."
    else:
        raise ExportFileError(f"{path}: no such file")
    texts = []
    for name in (BALLOTS, MANIFEST):
        try:
            with open(os.path.join(folder, name), "rb") as handle:
                texts.append(_decode(handle.read(), name))
        except OSError as error:
            raise ExportFileError(f"{os.path.join(folder, name)}: {error.strerror}") from None
    return BallotExport(texts[0], texts[1])
