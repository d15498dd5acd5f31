"""Marking an event as changed for its live screens.

Every command that changes what a projector or host console shows calls ``changed(event)`` before its
commit. The version number rises in the same transaction as the change, so a screen that sees version N
sees every change up to N; the live module fans the new version out to screens after the commit.
"""

from __future__ import annotations

from app.models import Event


def changed(event: Event) -> None:
    event.live_version = (event.live_version or 0) + 1
