"""Draw the program's icon (resources/icons/branchdesk.ico and .png) with Pillow and the bundled font.

    .venv/bin/python installer/make_icon.py     # needs Pillow (not a dependency of the program)

A red rounded square with the character 支 (党支部) in gold: the same at 16 px in Explorer as at 256 px.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "resources" / "icons"
RED, GOLD = (190, 22, 34, 255), (255, 214, 90, 255)
SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> Image.Image:
    scale = 4  # draw large, then shrink: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=RED)
    font = ImageFont.truetype(str(FONT), int(big * 0.78))
    left, top, right, bottom = pen.textbbox((0, 0), "支", font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    pen.text((x, y), "支", font=font, fill=GOLD)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    largest = draw(256)
    largest.save(OUT / "branchdesk.png")
    largest.save(
        OUT / "branchdesk.ico", sizes=[(s, s) for s in SIZES], append_images=[draw(s) for s in SIZES]
    )
    print(OUT / "branchdesk.ico")


if __name__ == "__main__":
    main()
