"""The event's own settings (title, date, look) and its pictures, validated. Plain Python plus Pillow."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import replace
from datetime import date

from PIL import Image, UnidentifiedImageError

from .domain import Event

LIMITS = {"title": 120, "subtitle": 200, "venue": 120, "host": 160}
LANGUAGES = ("zh", "en")
THEMES = ("red", "blue")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # checked from the header, before decoding: a 2 KB PNG can claim 100k×100k
MEDIA_KINDS = {"logo": (1024, "PNG"), "background": (3840, "JPEG")}


class EventInvalid(ValueError):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{k}: {r}" for k, r in errors))
        self.errors = errors


def clean_event(payload: object, current: Event) -> Event:
    """Apply the fields given in ``payload`` to ``current``; raises ``EventInvalid`` listing every problem."""
    if not isinstance(payload, dict):
        raise EventInvalid([("body", "必须是 JSON 对象")])
    changes: dict = {}
    errors: list[tuple[str, str]] = []
    for key, limit in LIMITS.items():
        if key not in payload:
            continue
        value = payload[key]
        if not isinstance(value, str) or len(value.strip()) > limit or any(ord(c) < 32 for c in value):
            errors.append((key, f"必须是不超过 {limit} 个字的单行文字"))
        elif key == "title" and not value.strip():
            errors.append((key, "必填"))
        else:
            changes[key] = value.strip()
    if "date" in payload:
        value = payload["date"]
        try:
            changes["date"] = date.fromisoformat(value).isoformat() if value else ""
        except (TypeError, ValueError):
            errors.append(("date", "日期格式为 YYYY-MM-DD"))
    if "language" in payload:
        if payload["language"] in LANGUAGES:
            changes["language"] = payload["language"]
        else:
            errors.append(("language", "语言只能是 zh 或 en"))
    if "theme" in payload:
        if payload["theme"] in THEMES:
            changes["theme"] = payload["theme"]
        else:
            errors.append(("theme", f"主题只能是 {' / '.join(THEMES)}"))
    for key in ("primary_color", "accent_color"):
        if key in payload:
            value = payload[key]
            if value in (None, ""):
                changes[key] = None
            elif isinstance(value, str) and COLOR_RE.match(value):
                changes[key] = value.lower()
            else:
                errors.append((key, "颜色格式为 #rrggbb"))
    unknown = set(payload) - set(LIMITS) - {"date", "language", "theme", "primary_color", "accent_color"}
    errors.extend((k, "未知字段") for k in sorted(unknown))
    if errors:
        raise EventInvalid(errors)
    return replace(current, **changes)


def prepare_image(kind: str, data: bytes) -> tuple[str, bytes]:
    """Check an uploaded picture and re-encode it (which also drops its metadata and anything hidden in it).

    Returns (file name by content hash, bytes). Raises ``EventInvalid`` with a plain reason.
    """
    if kind not in MEDIA_KINDS:
        raise EventInvalid([("kind", "只能上传 logo 或 background")])
    if len(data) > MAX_IMAGE_BYTES:
        raise EventInvalid([(kind, "图片不能超过 5 MB")])
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG", "WEBP"):
                raise EventInvalid([(kind, "只接受 PNG、JPEG 或 WebP 图片")])
            if probe.width * probe.height > MAX_PIXELS:
                raise EventInvalid([(kind, "图片像素过大")])
            probe.load()
            image = probe.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise EventInvalid([(kind, "无法识别的图片文件")]) from err
    longest, fmt = MEDIA_KINDS[kind]
    image.thumbnail((longest, longest))
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True, progressive=True)
    body = out.getvalue()
    name = f"{kind}-{hashlib.sha256(body).hexdigest()[:16]}.{'png' if fmt == 'PNG' else 'jpg'}"
    return name, body
