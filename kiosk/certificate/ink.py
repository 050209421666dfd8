"""The pen: how a signature's points become ink, and what a client's batch of points may hold.

A point is ``[s, x, y, p, t]``: the stroke's number within the attempt, canonical x and y (the field is
``CANONICAL_WIDTH`` wide and ``CANONICAL_WIDTH / aspect`` high), pressure 0..1 (0.5 from a finger or a
mouse), and ms since the attempt began. The outline is perfect-freehand's, run with the same options and the
same ``simulatePressure`` rule as ``static/js/common/ink.js`` (the pad and the wall), so the ink on the
server's 签约图 is the ink the room saw; ``tests/test_certificate.py`` compares the two point by point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from perfect_freehand import get_stroke

# Canonical units: a 16-unit nib on a 1000-unit field is a fountain pen's line on a signature box.
PEN = {"size": 16, "thinning": 0.6, "smoothing": 0.5, "streamline": 0.5}
CANONICAL_WIDTH = 1000
# A pointer that is not a pen reports this pressure; a stroke made only of it gets simulated pressure.
NO_PRESSURE = 0.5
# Points in one batch a pad sends (the pad seals a batch every few ms, so a batch is rarely this full).
MAX_BATCH = 400
# Bounds that keep a stored point an ordinary integer: more strokes than any signature has, a whole day.
MAX_STROKE = 100_000
MAX_TIME_MS = 86_400_000

Point = Sequence[float]
Polygon = list[tuple[float, float]]


def for_pages() -> dict:
    """What a page that draws or sends ink must know of it (the pad, the wall), handed to it by the server
    so that no page keeps a copy: the field's width, a batch's size, the pen."""
    return {"canonical_width": CANONICAL_WIDTH, "max_batch": MAX_BATCH, "pen": dict(PEN)}


def strokes(points: Iterable[Point]) -> list[list[Point]]:
    """The strokes of an attempt: each its points in order, by stroke number in order of first appearance."""
    grouped: dict[int, list[Point]] = {}
    for point in points:
        grouped.setdefault(int(point[0]), []).append(point)
    return list(grouped.values())


def outline(stroke: Sequence[Point]) -> Polygon:
    """One stroke's outline polygon in canonical units (ink.js's ``outline`` with the same pen)."""
    return get_stroke(
        [(x, y, p) for _, x, y, p, *_ in stroke],
        size=PEN["size"],
        thinning=PEN["thinning"],
        smoothing=PEN["smoothing"],
        streamline=PEN["streamline"],
        last=True,
        simulate_pressure=all(point[3] == NO_PRESSURE for point in stroke),
    )


def path_data(polygon: Sequence[Sequence[float]], scale: float = 1, dx: float = 0, dy: float = 0) -> str:
    """An SVG path ``d`` for a closed polygon, each coordinate times ``scale`` and moved by (dx, dy); ""
    for fewer than two points (ink.js skips those too). Two decimals: a hundredth of a unit is invisible
    and keeps a signature's SVG small."""
    if len(polygon) < 2:
        return ""
    coords = [f"{dx + x * scale:.2f},{dy + y * scale:.2f}" for x, y in polygon]
    return "M" + " L".join(coords) + " Z"


def _number(value: object, low: float, high: float, what: str) -> float:
    # bool is an int to Python; a client sending true for a coordinate is sending garbage.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} is not a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{what} out of range")
    return float(value)


def _whole(value: object, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} is not a number")
    if not math.isfinite(value) or value != int(value):
        raise ValueError(f"{what} is not a whole number")
    if not 0 <= value <= high:
        raise ValueError(f"{what} out of range")
    return int(value)


def validate_points(raw: object) -> list[list[float | int]]:
    """A batch from a client, checked and cleaned: at most ``MAX_BATCH`` points, each ``[s, x, y, p, t]``
    with whole s, t >= 0 (s at most ``MAX_STROKE``, t a day in ms), x and y in [0, 1000], p in [0, 1]; x and y rounded to 0.1 and p to 0.01 (what
    the pad sends anyway). Raises ``ValueError`` with a short reason."""
    if not isinstance(raw, list):
        raise ValueError("points is not a list")
    if len(raw) > MAX_BATCH:
        raise ValueError(f"more than {MAX_BATCH} points")
    cleaned: list[list[float | int]] = []
    for index, point in enumerate(raw):
        if not isinstance(point, list | tuple) or len(point) != 5:
            raise ValueError(f"point {index} is not [s, x, y, p, t]")
        s, x, y, p, t = point
        cleaned.append(
            [
                _whole(s, MAX_STROKE, f"point {index}: s"),
                round(_number(x, 0, CANONICAL_WIDTH, f"point {index}: x"), 1),
                round(_number(y, 0, CANONICAL_WIDTH, f"point {index}: y"), 1),
                round(_number(p, 0, 1, f"point {index}: p"), 2),
                _whole(t, MAX_TIME_MS, f"point {index}: t"),
            ]
        )
    return cleaned
