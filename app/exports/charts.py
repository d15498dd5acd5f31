"""Server-rendered SVG charts: no JavaScript, the same markup on screen, on the projector and in PDFs
(where a distribution bar may also be a PNG one pixel high: :func:`distribution_png`).

A chart is a string of SVG with its own ``<title>`` for screen readers; every text is escaped here, so
callers may mark the result safe (``Markup``) in templates. Colours are SVG presentation attributes, which
the Content-Security-Policy allows (no inline ``style``).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping, Sequence
from fractions import Fraction
from html import escape

from app.domain.scoring import Method, Scale, TenderResult, label, points

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
    legend: bool = True,
) -> str:
    """One horizontal bar split into the scale's values, worst left, each as wide as its share.

    :param segments: ``(label, weight)`` per scale value, worst first; weights need not sum to 1.
    :param title: the accessible name, e.g. "Price: 3 × 6, 1 × 7" (escaped here).
    :param show_labels: write each value's label inside its segment when it fits.
    :param legend: with ``show_labels``, a row below the bar with each segment's share in percent (text in
        SVG is the slow part of a PDF: the advice report leaves it out and prints the numbers in tables).

    An empty distribution (all weights zero) gives an outlined empty bar; any other is drawn without the
    outline, which its segments would cover exactly (every rectangle costs WeasyPrint time in a PDF).
    """
    total = float(sum(float(weight) for _, weight in segments))
    colours = scale_colours(len(segments))
    legend_height = 14 if show_labels and legend else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart distribution" role="img" '
        f'width="{width}" height="{height + legend_height}" viewBox="0 0 {width} {height + legend_height}">',
        f"<title>{escape(title)}</title>",
    ]
    if total <= 0:
        parts.append(f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#ffffff" '
                     f'stroke="#888888"/>')
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
        if legend_height and span >= 34:
            parts.append(
                f'<text x="{x + span / 2:.2f}" y="{height + 11}" text-anchor="middle" font-size="9" '
                f'font-family="DejaVu Sans, sans-serif" fill="#333333">{round(share * 100)}%</text>'
            )
        x += span
    parts.append("</svg>")
    return "".join(parts)


def distribution_png(weights: Sequence[Fraction | int | float], width: int = 960) -> bytes:
    """:func:`distribution_bar` without title or labels, as a PNG one pixel high, for print: stretched to
    the bar's size (drawn without smoothing) it looks the same, but WeasyPrint embeds it as one image where
    it would parse and draw an SVG rectangle by rectangle in Python (for the advice report's 80 bars: 8 %
    less work for the whole PDF).

    :param weights: per scale value, worst first (need not sum to 1); each value gets as many of the
        ``width`` pixels as its share, edges rounded from the running total so the widths add up.
        All zero gives a grey bar (nobody judged).
    """
    total = float(sum(float(weight) for weight in weights))
    if total <= 0:
        row = bytes.fromhex(_TRACK[1:]) * width
    else:
        parts, running, done = [], 0.0, 0
        for weight, colour in zip(weights, scale_colours(len(weights)), strict=True):
            running += float(weight)
            edge = round(running / total * width)
            parts.append(bytes.fromhex(colour[1:]) * (edge - done))
            done = edge
        row = b"".join(parts)
    header = struct.pack(">IIBBBBB", width, 1, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00" + row)) + \
        _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# ---------------------------------------------------------------- charts drawn from a whole tally
# (added for the projector's revealed results; the advice report can reuse them)

_TEXT = "#1a1a1a"
_TRACK = "#e6e9ec"
_BAR = "#0b5c78"
_FONT = "DejaVu Sans, sans-serif"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fits(width: float, font: float) -> int:
    """How many characters of a sans-serif font of size ``font`` fit in ``width`` (a safe estimate)."""
    return max(4, int(width / (font * 0.62)))


def format_score(scale: Scale, score: Fraction | None, method: Method) -> str:
    """An overall score for people: one decimal; for majority judgment the majority grade's label."""
    if score is None:
        return "–"
    if method is Method.MAJORITY:
        for value in scale.values:
            if points(scale, value) == score:
                return label(scale, value)
    return f"{float(score):.1f}"


def segments_of(scale: Scale, distribution: Sequence[tuple[int, Fraction]] | Sequence[Fraction]) -> list[
        tuple[str, Fraction]]:
    """``(label, weight)`` per scale value for :func:`distribution_bar`, from a criterion's
    ``distribution`` or a bidder's ``majority_shares`` (both worst first)."""
    weights = [item[1] if isinstance(item, tuple) else item for item in distribution]
    return [(label(scale, value), Fraction(weight)) for value, weight in zip(scale.values, weights, strict=True)]


def ranking_svg(result: TenderResult, title: str, width: int = 900, row: int = 100) -> str:
    """Bidders in ranking order under the chosen method, two lines each: place and name, then a bar for
    the overall score on the scale's range (in points) with the score as text, so no value depends on the
    bar alone."""
    scale = result.scale
    low, high = points(scale, scale.minimum), points(scale, scale.maximum)
    names = {bidder.key: bidder.name for bidder in result.bidders}
    font = int(row * 0.34)
    value_width = int(font * 3.2)
    bar_width = width - value_width - 10
    entries = result.ranking.entries
    height = max(row, len(entries) * row)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart ranking" role="img" viewBox="0 0 {width} '
             f'{height}" font-family="{_FONT}">', f"<title>{escape(title)}</title>"]
    for index, entry in enumerate(entries):
        y = index * row
        share = 0.0 if entry.score is None else max(0.0, float((entry.score - low) / (high - low)))
        name = _shorten(names[entry.bidder], _fits(width - font * 1.7, font))
        parts.append(f'<text x="0" y="{y + font:.0f}" font-size="{font}" fill="{_TEXT}"><tspan font-weight="700">'
                     f"{entry.rank}.</tspan> {escape(name)}</text>")
        bar_y, bar_height = y + font * 1.3, row - font * 1.3 - row * 0.12
        parts.append(f'<rect x="0" y="{bar_y:.0f}" width="{bar_width}" height="{bar_height:.0f}" fill="{_TRACK}"/>')
        parts.append(f'<rect x="0" y="{bar_y:.0f}" width="{bar_width * share:.0f}" height="{bar_height:.0f}" '
                     f'fill="{_BAR}"/>')
        parts.append(f'<text x="{width}" y="{bar_y + bar_height / 2 + font * 0.36:.0f}" font-size="{font}" '
                     f'font-weight="700" text-anchor="end" fill="{_TEXT}">'
                     f"{escape(format_score(scale, entry.score, result.method))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def legend_svg(scale: Scale, title: str, width: int = 900, size: int = 28) -> str:
    """The colours of :func:`distribution_bar`, worst to best, each with its scale label."""
    colours = scale_colours(len(scale.values))
    step = width / len(colours)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart legend" role="img" viewBox="0 0 {width} '
             f'{int(size * 1.4)}" font-family="{_FONT}">', f"<title>{escape(title)}</title>"]
    for index, (value, colour) in enumerate(zip(scale.values, colours, strict=True)):
        x = index * step
        text = _shorten(label(scale, value), _fits(step - size * 1.5, size * 0.8))
        parts.append(f'<rect x="{x:.1f}" y="{size * 0.2:.1f}" width="{size}" height="{size}" fill="{colour}"/>')
        parts.append(f'<text x="{x + size * 1.25:.1f}" y="{size * 0.95:.1f}" font-size="{size * 0.8:.0f}" '
                     f'fill="{_TEXT}">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def criteria_svg(result: TenderResult, bidder: str, criteria_names: Mapping[str, str], title: str,
                 width: int = 1000, row: int = 44) -> str:
    """One bidder's score distribution per criterion: a stacked bar (worst left, colours as in
    :func:`distribution_bar`) with the criterion's mean (points) and median (scale value) at its end."""
    scale = result.scale
    colours = scale_colours(len(scale.values))
    found = result.result(bidder)
    name_width, value_width, font = int(width * 0.3), int(row * 4.2), int(row * 0.42)
    bar_width = width - name_width - value_width - 10
    height = max(row, len(found.criteria) * row)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart criteria" role="img" viewBox="0 0 {width} '
             f'{height}" font-family="{_FONT}">', f"<title>{escape(title)}</title>"]
    for index, criterion in enumerate(found.criteria):
        y = index * row
        base = y + row / 2 + font * 0.35
        name = criteria_names.get(criterion.criterion, criterion.criterion)
        parts.append(f'<text x="0" y="{base:.0f}" font-size="{font}" fill="{_TEXT}">'
                     f"{escape(_shorten(name, _fits(name_width, font)))}</text>")
        parts.append(f'<rect x="{name_width}" y="{y + row * 0.1:.1f}" width="{bar_width}" height="{row * 0.8:.1f}" '
                     f'fill="#ffffff" stroke="#888888"/>')
        total = sum((weight for _, weight in criterion.distribution), Fraction(0))
        x = float(name_width)
        for (_value, weight), colour in zip(criterion.distribution, colours, strict=True):
            if total <= 0 or weight <= 0:
                continue
            span = float(weight / total) * bar_width
            parts.append(f'<rect x="{x:.1f}" y="{y + row * 0.1:.1f}" width="{span:.1f}" height="{row * 0.8:.1f}" '
                         f'fill="{colour}" stroke="#ffffff"/>')
            if span >= font * 2.6:
                parts.append(f'<text x="{x + span / 2:.1f}" y="{base:.1f}" font-size="{int(font * 0.8)}" '
                             f'text-anchor="middle" fill="{_ink(colour)}">{round(float(weight / total) * 100)}%</text>')
            x += span
        mean = "–" if criterion.mean is None else f"{float(criterion.mean):.1f}"
        median = "–" if criterion.median is None else _shorten(label(scale, criterion.median), 11)
        parts.append(f'<text x="{width}" y="{base:.0f}" font-size="{font}" text-anchor="end" fill="{_TEXT}">'
                     f"{escape(mean)} · {escape(median)}</text>")
    parts.append("</svg>")
    return "".join(parts)
