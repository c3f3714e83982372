"""Invites to hand out on paper: a QR code per person and a printable A4 sheet per school."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from program.chart import CJK_FILES, ChartUnavailable

if TYPE_CHECKING:
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

DPI = 150
A4 = (1240, 1754)  # 210 × 297 mm at 150 dpi
COLUMNS, ROWS = 3, 4
MARGIN = 70
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


@dataclass(frozen=True)
class Card:
    name: str
    role: str  # already in the reader's language
    school: str
    link: str


def qr_png(link: str, *, scale: int = 8, fit: int | None = None) -> bytes:
    """The invite link as a QR code (error correction M: survives a crease or a smudge).

    `fit`: the largest whole-pixel module size whose image is at most `fit` pixels wide (sharp when printed).
    """
    import segno

    code = segno.make(link, error="m", micro=False)
    if fit is not None:
        scale = max(1, int(fit // code.symbol_size(scale=1, border=4)[0]))
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def file_name(*parts: str) -> str:
    """A file name from people's and schools' names, safe on Windows and Linux."""
    return _UNSAFE.sub("_", "-".join(p for p in parts if p)).strip(" .") or "_"


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> FreeTypeFont:
    from PIL import ImageFont

    for path in (CJK_FILES[1], CJK_FILES[0]) if bold else CJK_FILES:
        if Path(path).exists():
            for index in range(5):
                font = ImageFont.truetype(path, size, index=index)
                if (font.getname()[0] or "").endswith("SC"):  # simplified Chinese shapes
                    return font
    raise ChartUnavailable("no CJK font found; install Debian's fonts-noto-cjk")


def _fit(draw: ImageDraw, text: str, font: FreeTypeFont, width: int) -> str:
    """A name too long for its card, shortened visibly."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def school_sheet(school: str, cards: Sequence[Card], title: str, footer: str) -> bytes:
    """A PDF of A4 pages, 12 cards each: QR, name and role, to print, cut and hand out."""
    from PIL import Image, ImageDraw

    pages = []
    per_page = COLUMNS * ROWS
    cell_w = (A4[0] - 2 * MARGIN) // COLUMNS
    cell_h = (A4[1] - 2 * MARGIN - 80) // ROWS
    for start in range(0, max(len(cards), 1), per_page):
        page = Image.new("RGB", A4, "white")
        draw = ImageDraw.Draw(page)
        draw.text((MARGIN, MARGIN - 20), _fit(draw, f"{title} · {school}", _font(34, True), A4[0] - 2 * MARGIN),
                  font=_font(34, True), fill="black")
        draw.text((MARGIN, A4[1] - MARGIN + 10), footer, font=_font(20), fill="#555555")
        for slot, card in enumerate(cards[start:start + per_page]):
            x = MARGIN + (slot % COLUMNS) * cell_w
            y = MARGIN + 60 + (slot // COLUMNS) * cell_h
            draw.rectangle((x + 6, y + 6, x + cell_w - 6, y + cell_h - 6), outline="#BBBBBB", width=1)
            code = Image.open(io.BytesIO(qr_png(card.link, fit=min(cell_w - 60, cell_h - 120)))).convert("RGB")
            side = code.width
            page.paste(code, (x + (cell_w - side) // 2, y + 16))
            name = _fit(draw, card.name, _font(32, True), cell_w - 30)
            role = _fit(draw, card.role, _font(24), cell_w - 30)
            draw.text((x + cell_w // 2, y + side + 26), name, font=_font(32, True), fill="black", anchor="mt")
            draw.text((x + cell_w // 2, y + side + 68), role, font=_font(24), fill="#333333", anchor="mt")
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=DPI)
    return out.getvalue()
