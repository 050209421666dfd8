/*
 * The pen: how a signature's points become ink, the same on the pad, the wall and the server. The server
 * (kiosk/certificate/ink.py) runs perfect-freehand's Python port with the same options and the same rule,
 * and tests/test_certificate.py compares its outlines with this file's, point by point. A point is
 * [s, x, y, p, t] in canonical units (the field is 1000 wide); the pen's options come from the views.
 */
import { getStroke } from "/static/vendor/perfect-freehand/index.js";

/** The strokes of an attempt: each its points in order, by stroke number in order of first appearance. */
export function groupStrokes(points) {
  const strokes = new Map();
  for (const point of points) {
    const s = point[0];
    if (!strokes.has(s)) strokes.set(s, []);
    strokes.get(s).push(point);
  }
  return [...strokes.values()];
}

/**
 * One stroke's outline polygon [[x, y], ...] in canonical units. A finger or a mouse sends p = 0.5
 * everywhere: its width then follows the speed, as a pen's would follow its pressure.
 */
export function outline(stroke, pen) {
  return getStroke(
    stroke.map(([, x, y, p]) => [x, y, p]),
    { ...pen, last: true, simulatePressure: stroke.every((pt) => pt[3] === 0.5) },
  );
}

/** Fills every stroke of ``points`` on a 2D context: canonical units times ``scale``, moved by (dx, dy). */
export function drawInk(ctx, points, pen, { scale = 1, color = "#1b1b1b", dx = 0, dy = 0 } = {}) {
  ctx.save();
  ctx.fillStyle = color;
  for (const stroke of groupStrokes(points)) {
    const polygon = outline(stroke, pen);
    if (polygon.length < 2) continue;
    const path = new Path2D();
    polygon.forEach(([x, y], i) => {
      if (i === 0) path.moveTo(dx + x * scale, dy + y * scale);
      else path.lineTo(dx + x * scale, dy + y * scale);
    });
    path.closePath();
    ctx.fill(path, "nonzero");
  }
  ctx.restore();
}
