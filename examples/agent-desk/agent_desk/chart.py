"""The supervisor's chart: issuances and refusals per agent per hour, drawn as SVG on the server."""

import datetime
from collections import defaultdict
from html import escape
from typing import Dict, List, Mapping, Sequence, Tuple

ISSUED = "#2f6fb3"
REFUSED = "#c62828"


def hour_label(hour: int) -> str:
    return datetime.datetime.fromtimestamp(hour * 3600, datetime.timezone.utc).strftime("%d %b %H:00")


def counts(events: Sequence[Mapping[str, object]]) -> Dict[Tuple[int, str], List[int]]:
    """(hour, agent) -> [issued, refused]."""
    table: Dict[Tuple[int, str], List[int]] = defaultdict(lambda: [0, 0])
    for event in events:
        outcome = str(event["outcome"])
        if outcome == "issued":
            table[(int(str(event["time"])) // 3600, str(event["agent_id"]))][0] += 1
        elif outcome.startswith("refused_"):
            table[(int(str(event["time"])) // 3600, str(event["agent_id"]))][1] += 1
    return dict(table)


def svg(events: Sequence[Mapping[str, object]]) -> str:
    table = counts(events)
    if not table:
        return ""
    hours = sorted({hour for hour, _ in table})[-12:]
    agents = sorted({agent for _, agent in table})
    bar, gap, group_gap = 18, 4, 28
    top, left, bottom = 20, 40, 70
    group_width = len(agents) * (bar + gap) + group_gap
    width = max(left + len(hours) * group_width + 20, 320)
    height = 260
    plot = height - top - bottom
    peak = max(sum(v) for (h, _), v in table.items() if h in hours) or 1
    scale = plot / peak
    total_issued = sum(v[0] for v in table.values())
    total_refused = sum(v[1] for v in table.values())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height + 24}" width="{width}" height="{height + 24}" '
        f'aria-labelledby="chart-title">',
        f'<title id="chart-title">Issuances and refusals per agent per hour: {total_issued} '
        f"issued, {total_refused} refused</title>",
        f'<line x1="{left}" y1="{top + plot}" x2="{width - 10}" y2="{top + plot}" stroke="#555"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, hour in enumerate(hours):
        x0 = left + 10 + i * group_width
        for j, agent in enumerate(agents):
            issued, refused = table.get((hour, agent), [0, 0])
            x = x0 + j * (bar + gap)
            y: float = top + plot
            for value, colour, kind in ((issued, ISSUED, "issued"), (refused, REFUSED, "refused")):
                if value:
                    h = value * scale
                    y -= h
                    parts.append(
                        f'<rect class="bar {kind}" data-agent="{escape(agent)}" data-hour="{hour}" '
                        f'data-count="{value}" x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" '
                        f'fill="{colour}"><title>{escape(agent)}, {hour_label(hour)}: {value} '
                        f"{kind}</title></rect>"
                    )
            parts.append(
                f'<text x="{x + bar / 2}" y="{top + plot + 12}" font-size="10" text-anchor="end" '
                f'transform="rotate(-45 {x + bar / 2} {top + plot + 12})">{escape(agent[:12])}</text>'
            )
        parts.append(
            f'<text x="{x0}" y="{height - 4}" font-size="11">{hour_label(hour)}</text>'
        )
    legend_y = height + 14
    parts.append(f'<rect x="{left}" y="{legend_y - 10}" width="12" height="12" fill="{ISSUED}"/>')
    parts.append(f'<text x="{left + 16}" y="{legend_y}" font-size="12">issued</text>')
    parts.append(f'<rect x="{left + 80}" y="{legend_y - 10}" width="12" height="12" fill="{REFUSED}"/>')
    parts.append(f'<text x="{left + 96}" y="{legend_y}" font-size="12">refused</text>')
    parts.append("</svg>")
    return "".join(parts)
