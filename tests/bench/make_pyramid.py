"""Makes a Deep Zoom pyramid of a gigapixel image built from real photos, without ever holding
the whole image: the image is a grid of cells, each one of the sample photos (www/samples)
stretched over CELL pixels; every tile of every level is rendered from the cells it covers.
Laid out as libvips `dzsave` writes it (254-pixel JPEG tiles, 1 pixel of overlap).

Usage: make_pyramid.py OUT_DIR SIDE     (writes OUT_DIR/giga.dzi and OUT_DIR/giga_files/)
A finished pyramid (OUT_DIR/.done naming the same SIDE) is kept.
"""
import math
import os
import sys

from PIL import Image

TILE, OVERLAP, CELL = 254, 1, 3000
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "www", "samples")


def photos():
    names = sorted(n for n in os.listdir(SAMPLES) if n.endswith((".png", ".jpg")))
    return [Image.open(os.path.join(SAMPLES, n)).convert("RGB") for n in names]


def render(box, factor, sources, cache):
    """The level pixels `box` (x0, y0, x1, y1) of the level `factor` times smaller than full."""
    x0, y0, x1, y1 = box
    tile = Image.new("RGB", (x1 - x0, y1 - y0))
    cell = CELL / factor  # a cell's side in level pixels
    for row in range(int(y0 // cell), int(math.ceil(y1 / cell))):
        for col in range(int(x0 // cell), int(math.ceil(x1 / cell))):
            photo = sources[(row * 7 + col * 3) % len(sources)]
            side = max(1, round(cell))
            key = (id(photo), side)
            if key not in cache:
                cache[key] = photo.resize((side, side), Image.BILINEAR)
            scaled = cache[key]
            tile.paste(scaled, (round(col * cell - x0), round(row * cell - y0)))
    return tile


def main():
    out, side = sys.argv[1], int(sys.argv[2])
    done = os.path.join(out, ".done")
    if os.path.exists(done) and open(done).read() == str(side):
        return
    sources = photos()
    top = math.ceil(math.log2(side))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "giga.dzi"), "w") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" '
            f'Format="jpeg" Overlap="{OVERLAP}" TileSize="{TILE}"><Size Width="{side}" Height="{side}"/></Image>\n'
        )
    cache = {}
    for level in range(top, -1, -1):
        factor = 2 ** (top - level)
        size = max(1, -(-side // factor))
        folder = os.path.join(out, "giga_files", str(level))
        os.makedirs(folder, exist_ok=True)
        n = -(-size // TILE)
        for row in range(n):
            for col in range(n):
                x0, y0 = max(0, col * TILE - OVERLAP), max(0, row * TILE - OVERLAP)
                x1, y1 = min(size, (col + 1) * TILE + OVERLAP), min(size, (row + 1) * TILE + OVERLAP)
                render((x0, y0, x1, y1), factor, sources, cache).save(os.path.join(folder, f"{col}_{row}.jpeg"), quality=85)
    with open(done, "w") as f:
        f.write(str(side))


if __name__ == "__main__":
    main()
