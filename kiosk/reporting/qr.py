"""QR codes for card addresses, made with ``qrcode`` in memory and cached (one is ~15 ms to make).

``qrcode`` (and Pillow, for the PNG) is imported at the first code, not with the app, to keep it out of the
server's start-up time."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import qrcode


def _code(data: str) -> qrcode.QRCode:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_Q

    # Q (25%) rather than the minimum M: printed cards get creased and LED walls have seams between modules.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


@lru_cache(maxsize=512)
def svg(data: str) -> str:
    """A scalable QR code (one path on white, quiet zone included), sharp at any size: the 4K wall, print."""
    import qrcode.image.svg

    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    text = image.to_string(encoding="unicode")
    # Drop the fixed mm size so the SVG fills whatever box the page gives it; viewBox keeps it square.
    # The path's fixed id would repeat on a page of many cards (invalid HTML, and WeasyPrint complains).
    text = text.replace(' id="qr-path"', "")
    return text.replace('width="', 'data-w="', 1).replace('height="', 'data-h="', 1)


@lru_cache(maxsize=512)
def png(data: str, box_size: int = 12) -> bytes:
    """A PNG for download and print (about 500 px square at the default size)."""
    image = _code(data).make_image(fill_color="black", back_color="white").get_image()
    image = image.resize((image.width * box_size // 10, image.height * box_size // 10), 0)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
