"""Small server-side SVG charts: trend lines per month, bars per municipality, a funnel.

Plain SVG with presentation attributes only (no script, no ``style`` attribute or element), so it
passes the portal's Content-Security-Policy (``script-src 'self'``, ``style-src 'self'``) and needs
no CDN. Each chart is an image with a title; the page shows its data table and a text summary
beside it, so nothing is only in the picture. Hidden (suppressed) values are left out (None).
"""

from __future__ import annotations

import uuid

from django.utils.html import escape
from django.utils.safestring import mark_safe

COLOURS = ["#1f5f8b", "#b35806", "#2d7d46", "#6a3d9a"]  # 4.5:1 or more against white
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 64


def _svg(title: str, body: list[str], height: int = HEIGHT) -> str:
    ident = f"chart-{uuid.uuid4().hex[:8]}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}" class="report-chart" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _text(x, y, text, *, anchor="middle", size=12, fill="#212529", rotate=None) -> str:
    transform = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate is not None else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="system-ui, sans-serif" fill="{fill}"{transform}>{escape(text)}</text>'
    )


def _percent_axis(plot_h: float) -> list[str]:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        y = TOP + plot_h * (1 - tick / 100)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#dee2e6"/>')
        parts.append(_text(LEFT - 6, y + 4, f"{tick} %", anchor="end", size=11))
    return parts


def line_chart(title: str, x_labels: list[str], series: list[tuple[str, list[float | None]]]) -> str:
    """Percentages (0–100) per month; a gap where a value is hidden."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(x_labels) - 1, 1)
    body = _percent_axis(plot_h)
    for i, label in enumerate(x_labels):
        body.append(_text(LEFT + i * step, HEIGHT - BOTTOM + 16, label, size=10, rotate=-30, anchor="end"))
    for index, (name, points) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        segment: list[str] = []
        segments = [segment]
        for i, value in enumerate(points):
            if value is None:
                segment = []
                segments.append(segment)
                continue
            x, y = LEFT + i * step, TOP + plot_h * (1 - value / 100)
            segment.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        for points_text in segments:
            if len(points_text) > 1:
                body.append(
                    f'<polyline points="{" ".join(points_text)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2.5"/>'
                )
        legend_y = HEIGHT - 10
        legend_x = LEFT + index * 260
        body.append(f'<rect x="{legend_x}" y="{legend_y - 9}" width="14" height="4" fill="{colour}"/>')
        body.append(_text(legend_x + 20, legend_y, name, anchor="start", size=12))
    return _svg(title, body)


def bar_chart(title: str, bars: list[tuple[str, float | None]]) -> str:
    """One horizontal bar per municipality (percent); hidden values show no bar and "< 5"."""
    row_h = 22
    height = TOP + row_h * max(len(bars), 1) + 24
    left = 150
    plot_w = WIDTH - left - RIGHT - 40
    body = []
    for i, (label, value) in enumerate(bars):
        y = TOP + i * row_h
        body.append(_text(left - 8, y + 15, label, anchor="end"))
        if value is None:
            body.append(_text(left + 4, y + 15, "< 5", anchor="start", fill="#495057"))
            continue
        width = plot_w * value / 100
        body.append(
            f'<rect x="{left}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" fill="{COLOURS[0]}"/>'
        )
        body.append(_text(left + width + 4, y + 15, f"{value:.0f} %", anchor="start"))
    return _svg(title, body, height)


def funnel(title: str, steps: list[tuple[str, float]]) -> str:
    """Centred bars narrowing from the first step (referrals sent → answered → accepted)."""
    row_h = 40
    height = TOP + row_h * max(len(steps), 1) + 8
    body = []
    first = steps[0][1] if steps and steps[0][1] else 0
    for i, (label, value) in enumerate(steps):
        y = TOP + i * row_h
        width = (WIDTH - 40) * (value / first if first else 0)
        x = (WIDTH - width) / 2
        body.append(
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{row_h - 8}" '
            f'fill="{COLOURS[i % len(COLOURS)]}"/>'
        )
        body.append(
            _text(WIDTH / 2, y + 21, f"{label}: {value:.0f}", fill="#ffffff" if width > 200 else "#212529")
        )
    if not steps:
        body.append(_text(WIDTH / 2, TOP + 20, "–"))
    return _svg(title, body, height)
