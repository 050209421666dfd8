/*
 * The celebration: gold bursting from the seal as it lands, a gentle gold rain over the wall, sparkles
 * around the seal. Drawn on one canvas over the stage, at most 2× the stage's pixels.
 */
import { exposed } from "../common/hooks.js";

// The stage's own size: 1920x1080, or 1080x1920 for a portrait layout (main.js sets it).
const stageSize = { w: 1920, h: 1080 };
const FX_MS = 3300;
const GOLDS = ["#f5c66b", "#ffe7a8", "#e0a43c", "#fff6dc", "#f2b64a", "#ffd98a"];

const canvas = document.getElementById("fx");
const fx = { ctx: null, k: 1, parts: [], raf: 0, start: 0, origin: null, timer: 0 };
let stageScale = 1;

/** For tests: whether gold is falling right now (the hooks' display.celebrating). */
function celebrating(on) {
  const shown = exposed("display");
  if (shown) shown.celebrating = on;
}

export function isCelebrating() {
  return !!fx.raf;
}

/** Whether motion is to be kept still (look.js: the organiser's calm wall, or reduced motion asked for). */
export function calm() {
  return document.body.classList.contains("calm");
}

export function sizeCanvas(scale, stageW, stageH) {
  stageScale = scale;
  stageSize.w = stageW;
  stageSize.h = stageH;
  const k = Math.min(2, Math.max(0.5, scale * (window.devicePixelRatio || 1)));
  const w = Math.round(stageW * k);
  const h = Math.round(stageH * k);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  fx.k = w / stageW;
}

function stagePoint(node, stage) {
  const r = node.getBoundingClientRect();
  const s = stage.getBoundingClientRect();
  return { x: (r.left + r.width / 2 - s.left) / stageScale, y: (r.top + r.height / 2 - s.top) / stageScale };
}

function piece(x, y, vx, vy, delay) {
  return {
    kind: Math.random() < 0.3 ? "ribbon" : "leaf",
    x, y, vx, vy, delay,
    w: 10 + Math.random() * 12,
    h: 5 + Math.random() * 7,
    rot: Math.random() * Math.PI * 2,
    vr: (Math.random() - 0.5) * 10,
    flip: Math.random() * Math.PI * 2,
    vflip: 4 + Math.random() * 8,
    color: GOLDS[(Math.random() * GOLDS.length) | 0],
    wob: Math.random() * Math.PI * 2,
  };
}

export function startCelebration(section, stage, delayMs = 0) {
  stopFx();
  const slot = section.querySelector(".seal-slot");
  // Motion kept still: the seal lands without gold flying (display.css keeps the stamp still too).
  if (calm()) return;
  const origin = slot ? stagePoint(slot, stage) : { x: stageSize.w / 2, y: stageSize.h / 2 };
  fx.ctx = canvas.getContext("2d");
  fx.origin = origin;
  fx.parts = [];
  // burst from the seal as it lands
  for (let i = 0; i < 150; i++) {
    const a = -Math.PI / 2 + (Math.random() - 0.5) * Math.PI * 1.5;
    const v = 520 + Math.random() * 980;
    fx.parts.push(piece(origin.x, origin.y, Math.cos(a) * v, Math.sin(a) * v, 0.42 + Math.random() * 0.12));
  }
  // a gentle gold rain over the whole wall
  for (let i = 0; i < 130; i++) {
    fx.parts.push(piece(Math.random() * stageSize.w, -30 - Math.random() * 200, (Math.random() - 0.5) * 120,
      120 + Math.random() * 160, 0.3 + Math.random() * 0.9));
  }
  // sparkles around the seal
  for (let i = 0; i < 36; i++) {
    const ang = Math.random() * Math.PI * 2;
    const rad = 180 + Math.random() * 160;
    fx.parts.push({ kind: "spark", x: origin.x + Math.cos(ang) * rad, y: origin.y + Math.sin(ang) * rad,
      delay: 0.5 + Math.random() * 1.6, size: 8 + Math.random() * 14 });
  }
  // The burst waits for the picture it belongs to (a section that comes in after the old one has gone).
  fx.start = performance.now() + delayMs;
  fx.raf = requestAnimationFrame(draw);
  fx.timer = setTimeout(stopFx, FX_MS + 400 + delayMs);
  celebrating(true);
}

function draw(now) {
  const ctx = fx.ctx;
  if (!ctx) return;
  const t = (now - fx.start) / 1000;
  if (t < 0) {
    fx.raf = requestAnimationFrame(draw);
    return;
  }
  const k = fx.k;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(k, 0, 0, k, 0, 0);
  const fade = t > FX_MS / 1000 - 0.8 ? Math.max(0, (FX_MS / 1000 - t) / 0.8) : 1;

  // the glow and ring as the seal lands
  const o = fx.origin;
  const g = t - 0.42;
  if (g > 0 && g < 1.2) {
    const r = 160 + g * 520;
    const alpha = (1 - g / 1.2) * 0.55;
    const grad = ctx.createRadialGradient(o.x, o.y, 0, o.x, o.y, r);
    grad.addColorStop(0, "rgba(255,236,180," + alpha + ")");
    grad.addColorStop(0.5, "rgba(255,206,110," + alpha * 0.45 + ")");
    grad.addColorStop(1, "rgba(255,206,110,0)");
    ctx.fillStyle = grad;
    ctx.beginPath();
    ctx.arc(o.x, o.y, r, 0, Math.PI * 2);
    ctx.fill();
  }

  for (const p of fx.parts) {
    const lt = t - p.delay;
    if (lt <= 0) continue;
    if (p.kind === "spark") {
      if (lt > 0.9) continue;
      const s = Math.sin((lt / 0.9) * Math.PI) * p.size;
      ctx.globalAlpha = fade * 0.95;
      ctx.fillStyle = "#fff4cf";
      ctx.beginPath();
      ctx.moveTo(p.x, p.y - s * 2);
      ctx.lineTo(p.x + s * 0.35, p.y - s * 0.35);
      ctx.lineTo(p.x + s * 2, p.y);
      ctx.lineTo(p.x + s * 0.35, p.y + s * 0.35);
      ctx.lineTo(p.x, p.y + s * 2);
      ctx.lineTo(p.x - s * 0.35, p.y + s * 0.35);
      ctx.lineTo(p.x - s * 2, p.y);
      ctx.lineTo(p.x - s * 0.35, p.y - s * 0.35);
      ctx.closePath();
      ctx.fill();
      continue;
    }
    // simple physics, integrated in closed form from the piece's own start
    const drag = Math.exp(-1.6 * lt);
    const x = p.x + (p.vx / 1.6) * (1 - drag) + Math.sin(p.wob + lt * 3) * 18 * Math.min(1, lt);
    const y = p.y + (p.vy / 1.6) * (1 - drag) + 260 * lt * lt * 0.5 + 60 * lt;
    if (y > stageSize.h + 40) continue;
    ctx.globalAlpha = fade;
    ctx.save();
    ctx.translate(x, y);
    ctx.rotate(p.rot + p.vr * lt);
    ctx.scale(1, Math.cos(p.flip + p.vflip * lt));
    ctx.fillStyle = p.color;
    if (p.kind === "ribbon") ctx.fillRect(-p.w, -p.h * 0.35, p.w * 2, p.h * 0.7);
    else ctx.fillRect(-p.w / 2, -p.h / 2, p.w, p.h);
    ctx.restore();
  }
  ctx.globalAlpha = 1;
  if (t < FX_MS / 1000) fx.raf = requestAnimationFrame(draw);
  else stopFx();
}

export function stopFx() {
  cancelAnimationFrame(fx.raf);
  clearTimeout(fx.timer);
  fx.raf = 0;
  if (fx.ctx) {
    fx.ctx.setTransform(1, 0, 0, 1, 0, 0);
    fx.ctx.clearRect(0, 0, canvas.width, canvas.height);
  }
  fx.ctx = null;
  fx.parts = [];
  celebrating(false);
}
