"""The event's own settings (title, date, look, how figures are written) and its pictures, validated.
Plain Python plus Pillow; each field's rule is in ``kiosk.setup.fields``. Pillow is imported at the first
uploaded picture, not with the app, to keep it out of the server's start-up time."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace

from ..core.model import Event
from .fields import ENGLISH_EVENT_KEYS, EVENT_KEYS, FieldError, FieldErrors, Problem, clean

MAX_IMAGE_MB = 5
MAX_IMAGE_BYTES = MAX_IMAGE_MB * 1024 * 1024
MAX_PIXELS = 40_000_000  # checked from the header, before decoding: a 2 KB PNG can claim 100k×100k
MEDIA_KINDS = {"logo": (1024, "PNG"), "background": (3840, "JPEG"), "certificate_background": (3200, "JPEG")}


def clean_event(payload: object, current: Event) -> Event:
    """Apply the fields given in ``payload`` to ``current``; raises ``FieldErrors`` listing every problem."""
    if not isinstance(payload, dict):
        raise FieldErrors([Problem("body", "invalid_request", {"variant": "not_object"})])
    changes = clean(payload, EVENT_KEYS, required=frozenset({"title"}), partial=True)
    # Blank text is "", not None, in the event; a blank colour is the theme's own (None).
    for key in ("subtitle", "venue", "host", "date", *ENGLISH_EVENT_KEYS):
        if key in changes and changes[key] is None:
            changes[key] = ""
    for key in (
        "timezone",
        "language",
        "theme",
        "money_unit",
        "money_decimals",
        "publish_in_advance",
        "show_goal",
        "calm",
    ):
        if key in changes and changes[key] is None:
            del changes[key]
    return replace(current, **changes)


def prepare_image(kind: str, data: bytes) -> tuple[str, bytes]:
    """Check an uploaded picture and re-encode it (which also drops its metadata and anything hidden in it).

    Returns (file name by content hash, bytes). Raises ``FieldError`` with a code.
    """
    from PIL import Image, UnidentifiedImageError

    if kind not in MEDIA_KINDS:
        raise FieldError("unknown_media")
    if len(data) > MAX_IMAGE_BYTES:
        raise FieldError("image_too_big", mb=MAX_IMAGE_MB)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG", "WEBP"):
                raise FieldError("image_format")
            if probe.width * probe.height > MAX_PIXELS:
                raise FieldError("image_pixels")
            probe.load()
            image = probe.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise FieldError("image_unreadable") from err
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


# The colours each theme draws with, shown as the defaults of the colour pickers (display.css has the same
# two pairs as its custom properties).
THEME_COLORS = {
    "red": {"primary_color": "#8b0000", "accent_color": "#f5c66b"},
    "blue": {"primary_color": "#0a2a6e", "accent_color": "#f5c66b"},
}
