"""Server-rendered SVG charts: no JavaScript, the same markup on screen, on the projector and in PDFs.

A chart is a string of SVG with its own ``<title>`` for screen readers; every text is escaped here, so
callers may mark the result safe (``Markup``) in templates. Colours are SVG presentation attributes, which
the Content-Security-Policy allows (no inline ``style``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from html import escape

# worst → best: red, orange, yellow, light green, green (colour-blind safe enough with the value labels)
_STOPS = ((0xC0, 0x39, 0x2B), (0xE6, 0x7E, 0x22), (0xF1, 0xC4, 0x0F), (0x7D, 0xBE, 0x5B), (0x1E, 0x84, 0x49))


def scale_colours(count: int) -> list[str]:
    """``count`` colours from red (worst) to green (best), as ``#rrggbb``."""
    if count <= 1:
        return ["#1e8449"] * count
    colours = []
    for index in range(count):
        position = index * (len(_STOPS) - 1) / (count - 1)
        low = min(int(position), len(_STOPS) - 2)
        part = position - low
        rgb = (round(a + (b - a) * part) for a, b in zip(_STOPS[low], _STOPS[low + 1], strict=True))
        colours.append("#" + "".join(f"{channel:02x}" for channel in rgb))
    return colours


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "#ffffff"


def distribution_bar(
    segments: Sequence[tuple[str, Fraction | int | float]],
    title: str,
    width: int = 480,
    height: int = 26,
    show_labels: bool = True,
) -> str:
    """One horizontal bar split into the scale's values, worst left, each as wide as its share.

    :param segments: ``(label, weight)`` per scale value, worst first; weights need not sum to 1.
    :param title: the accessible name, e.g. "Price: 3 × 6, 1 × 7" (escaped here).
    :param show_labels: write each value's label inside its segment when it fits, and a legend row
        below the bar (value label and share in percent) so the numbers survive printing in grey.

    An empty distribution (all weights zero) gives an outlined empty bar.
    """
    total = float(sum(float(weight) for _, weight in segments))
    colours = scale_colours(len(segments))
    legend = 14 if show_labels else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart distribution" role="img" '
        f'width="{width}" height="{height + legend}" viewBox="0 0 {width} {height + legend}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#ffffff" stroke="#888888"/>',
    ]
    x = 0.0
    for (text, weight), colour in zip(segments, colours, strict=True):
        if total <= 0 or float(weight) <= 0:
            continue
        share = float(weight) / total
        span = share * width
        parts.append(f'<rect x="{x:.2f}" y="0" width="{span:.2f}" height="{height}" fill="{colour}"/>')
        if show_labels and span >= 7 * len(text) + 6:
            parts.append(
                f'<text x="{x + span / 2:.2f}" y="{height / 2 + 4:.1f}" text-anchor="middle" font-size="11" '
                f'font-family="DejaVu Sans, sans-serif" fill="{_ink(colour)}">{escape(text)}</text>'
            )
        if show_labels and span >= 34:
            parts.append(
                f'<text x="{x + span / 2:.2f}" y="{height + 11}" text-anchor="middle" font-size="9" '
                f'font-family="DejaVu Sans, sans-serif" fill="#333333">{round(share * 100)}%</text>'
            )
        x += span
    parts.append("</svg>")
    return "".join(parts)
