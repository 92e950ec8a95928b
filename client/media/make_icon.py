"""Draws client/media/icon.png (256x256): a Python-blue rounded square with a yellow check mark.

Run once; the PNG is committed. Pure standard library, so anyone can regenerate it.
"""

import math
import struct
import zlib
from pathlib import Path

SIZE = 256
BLUE = (55, 118, 171)
YELLOW = (255, 212, 59)


def inside_rounded(x: float, y: float, margin: float = 8, radius: float = 48) -> bool:
    lo, hi = margin + radius, SIZE - margin - radius
    cx, cy = min(max(x, lo), hi), min(max(y, lo), hi)
    in_square = margin <= x <= SIZE - margin and margin <= y <= SIZE - margin
    return in_square and (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def near_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float], width: float) -> bool:
    (ax, ay), (bx, by) = a, b
    t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
    return math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= width / 2


def pixel(x: int, y: int) -> tuple[int, int, int, int]:
    # 4x4 supersampling for smooth edges.
    hits_box = hits_check = 0
    for i in range(4):
        for j in range(4):
            sx, sy = x + (i + 0.5) / 4, y + (j + 0.5) / 4
            if inside_rounded(sx, sy):
                hits_box += 1
                left = near_segment(sx, sy, (70, 132), (112, 176), 30)
                if left or near_segment(sx, sy, (112, 176), (190, 86), 30):
                    hits_check += 1
    if not hits_box:
        return (0, 0, 0, 0)
    share = hits_check / hits_box
    color = tuple(round(BLUE[k] * (1 - share) + YELLOW[k] * share) for k in range(3))
    return (*color, round(255 * hits_box / 16))


def main() -> None:
    rows = b"".join(b"\0" + b"".join(bytes(pixel(x, y)) for x in range(SIZE)) for y in range(SIZE))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    Path(__file__).with_name("icon.png").write_bytes(png)


if __name__ == "__main__":
    main()
