"""Makes the images the tiled-image benchmark opens from disk, from the sample photos (the cells
of make_pyramid.py), without holding a gigapixel image in memory:

- `photo.jpg`: a 12,288 × 8,192 (100.7 MP) JPEG, quality 85;
- `giga.tif`: a 32,768 × 32,768 (1.07 GP) tiled pyramidal BigTIFF as tifffile writes it
  (deflate, 256-pixel tiles, each overview half the last as a reduced-resolution image),
  written tile by tile.

Usage: make_local.py OUT_DIR     (files already made are kept)
"""
import math
import os
import sys

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_pyramid import photos, render  # noqa: E402

TILE = 256
GIGA = 32768


def photo(out, sources):
    path = os.path.join(out, "photo.jpg")
    if not os.path.exists(path):
        render((0, 0, 12288, 8192), 1, sources, {}).save(path + ".part", format="JPEG", quality=85)
        os.replace(path + ".part", path)


def tiles(size, factor, sources, cache):
    """The tiles of a level `size` pixels square, row by row, as numpy arrays of TILE²."""
    import numpy

    n = -(-size // TILE)
    for row in range(n):
        for col in range(n):
            x0, y0 = col * TILE, row * TILE
            box = (x0, y0, min(size, x0 + TILE), min(size, y0 + TILE))
            tile = numpy.zeros((TILE, TILE, 3), numpy.uint8)
            part = numpy.asarray(render(box, factor, sources, cache))
            tile[: part.shape[0], : part.shape[1]] = part
            yield tile


def giga(out, sources):
    import numpy
    import tifffile

    path = os.path.join(out, "giga.tif")
    if os.path.exists(path):
        return
    cache = {}
    with tifffile.TiffWriter(path + ".part", bigtiff=True) as tif:
        factor = 1
        while True:
            size = -(-GIGA // factor)
            tif.write(
                tiles(size, factor, sources, cache), shape=(size, size, 3), dtype=numpy.uint8,
                tile=(TILE, TILE), compression="zlib", compressionargs={"level": 1}, photometric="rgb",
                subfiletype=0 if factor == 1 else 1, metadata=None,
            )
            if size <= 2 * TILE:
                break
            factor *= 2
    os.replace(path + ".part", path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    sources = photos()
    photo(out, sources)
    giga(out, sources)


if __name__ == "__main__":
    main()
