"""The network map drawn as SVG on the server: the citizen in the middle, three rings of closeness
and one sector per kind of person. No external service and no script: the page (and the printed
A4 page) shows the same SVG, with the same people as the table beside it.

Pure functions over plain values (``Node``), so the drawing is tested without a database.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SIZE = 860
CENTRE = SIZE / 2
CITIZEN_RADIUS = 52
# Outer edge of each ring (1 = tæt på, 2 = mellem, 3 = længere væk) and where its people sit.
RING_EDGES = {1: 140, 2: 222, 3: 304}
RING_MIDDLES = {1: 98, 2: 181, 3: 263}
RING_FILLS = {1: "#e4edf7", 2: "#eef3f9", 3: "#f7f9fc"}
NODE_RADIUS = 15
NAME_LIMIT = 18
LABEL_LINE = 14
# One colour per sector, each dark enough for white digits (WCAG AA).
KIND_COLOURS = {
    "family": "#8a3b12",
    "friends": "#1f6b40",
    "professional": "#1d4f91",
    "volunteer": "#6b3fa0",
    "other": "#4d4d4d",
}


@dataclass(frozen=True)
class Node:
    """One person on the map. ``number`` is the person's number in the table beside the map."""

    number: int
    name: str
    kind: str
    ring: int
    kind_label: str = ""
    ring_label: str = ""
    covered: bool = False
    participant: bool = False


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1].rstrip() + "…"


def _label_lines(label: str) -> list[str]:
    """A sector's label on one line, or on two split at the space nearest the middle."""
    if len(label) <= LABEL_LINE or " " not in label:
        return [label]
    middle = len(label) / 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return [label[:cut], label[cut + 1 :]]


def _point(radius: float, degrees: float) -> tuple[float, float]:
    angle = math.radians(degrees)
    return round(CENTRE + radius * math.cos(angle), 1), round(CENTRE + radius * math.sin(angle), 1)


def sector_angles(kinds: list[str]) -> dict[str, tuple[float, float]]:
    """(start, end) degrees of each kind's sector, clockwise from the top."""
    width = 360 / len(kinds)
    return {kind: (-90 + i * width, -90 + (i + 1) * width) for i, kind in enumerate(kinds)}


def positions(nodes: list[Node], kinds: list[str]) -> dict[int, tuple[float, float]]:
    """Where each node (by number) is drawn: spread evenly over its sector within its ring; in a
    crowded cell every other node steps slightly in and out so names do not overlap."""
    sectors = sector_angles(kinds)
    cells: dict[tuple[str, int], list[Node]] = defaultdict(list)
    for node in nodes:
        cells[(node.kind if node.kind in sectors else kinds[-1], node.ring)].append(node)
    placed = {}
    for (kind, ring), members in cells.items():
        start, end = sectors[kind]
        step = (end - start) / (len(members) + 1)
        for i, node in enumerate(members):
            radius = RING_MIDDLES.get(ring, RING_MIDDLES[3])
            if len(members) > 2:
                radius += 16 if i % 2 else -16
            placed[node.number] = _point(radius, start + step * (i + 1))
    return placed


def render_svg(
    nodes: list[Node],
    *,
    title: str,
    desc: str,
    kinds: list[tuple[str, str]],
    rings: list[tuple[int, str]],
    citizen_label: str,
    id_prefix: str = "netmap",
) -> SafeString:
    """The map as an inline ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``.

    ``kinds``/``rings`` are (value, label) pairs in drawing order; every text is escaped here.
    """
    kind_values = [value for value, _label in kinds]
    sectors = sector_angles(kind_values)
    where = positions(nodes, kind_values)
    e = escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'class="network-map-svg" aria-labelledby="{id_prefix}-title {id_prefix}-desc">',
        f'<title id="{id_prefix}-title">{e(title)}</title>',
        f'<desc id="{id_prefix}-desc">{e(desc)}</desc>',
    ]
    for ring, label in sorted(rings, reverse=True):
        out.append(
            f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RING_EDGES[ring]}" fill="{RING_FILLS[ring]}" '
            f'stroke="#8795a8" stroke-width="1" class="ring ring-{ring}"/>'
        )
        x, y = _point(RING_EDGES[ring] - 9, -90)
        out.append(
            f'<text x="{x}" y="{y}" text-anchor="middle" font-size="11" fill="#3d4a5c">{e(label)}</text>'
        )
    for kind, label in kinds:
        start, end = sectors[kind]
        x1, y1 = _point(CITIZEN_RADIUS, start)
        x2, y2 = _point(RING_EDGES[3], start)
        out.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#8795a8" stroke-dasharray="4 4"/>')
        lx, ly = _point(RING_EDGES[3] + 34, (start + end) / 2)
        lines = _label_lines(label)
        spans = "".join(
            f'<tspan x="{lx}" dy="{0 if i == 0 else 16}">{e(line)}</tspan>' for i, line in enumerate(lines)
        )
        top = round(ly - 8 * (len(lines) - 1) + 5, 1)
        out.append(
            f'<text x="{lx}" y="{top}" text-anchor="middle" font-size="14" '
            f'font-weight="bold" fill="{KIND_COLOURS.get(kind, "#333")}" class="sector-label">{spans}</text>'
        )
    out.append(f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{CITIZEN_RADIUS}" fill="#1b2a41"/>')
    out.append(
        f'<text x="{CENTRE}" y="{CENTRE + 5}" text-anchor="middle" font-size="14" font-weight="bold" '
        f'fill="#ffffff">{e(_short(citizen_label))}</text>'
    )
    for node in nodes:
        x, y = where[node.number]
        colour = KIND_COLOURS.get(node.kind, KIND_COLOURS["other"])
        stroke = (
            ' stroke="#111111" stroke-width="4"' if node.covered else ' stroke="#ffffff" stroke-width="2"'
        )
        out.append(f'<g class="person" data-number="{node.number}">')
        out.append(f"<title>{e(node.name)} – {e(node.kind_label)}, {e(node.ring_label)}</title>")
        out.append(f'<circle cx="{x}" cy="{y}" r="{NODE_RADIUS}" fill="{colour}"{stroke}/>')
        if node.participant:
            out.append(
                f'<rect x="{x + 9}" y="{y - 19}" width="10" height="10" fill="#ffffff" '
                f'stroke="#111111" stroke-width="2"/>'
            )
        out.append(
            f'<text x="{x}" y="{y + 4}" text-anchor="middle" font-size="12" font-weight="bold" '
            f'fill="#ffffff">{node.number}</text>'
        )
        out.append(
            f'<text x="{x}" y="{y + NODE_RADIUS + 13}" text-anchor="middle" font-size="12" '
            f'fill="#1a1a1a" class="person-name">{e(_short(node.name))}</text>'
        )
        out.append("</g>")
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
