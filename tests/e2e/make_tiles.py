"""Makes a large test image with known features and cuts it into tiles three ways: a Deep Zoom
pyramid laid out as libvips `dzsave` writes it (`big.dzi`, `big_files/<level>/<col>_<row>.jpeg`,
254-pixel tiles with 1 pixel of overlap), static IIIF Image API 3 level-0 tiles
(`iiif/big/info.json`, `iiif/big/<x>,<y>,<w>,<h>/<w>,<h>/0/default.jpg`, 512-pixel tiles) and a
tiled pyramidal BigTIFF (`big.tif`: deflate, 256-pixel tiles, each overview half the last, as
reduced-resolution images) written by tifffile, georeferenced (GeoTIFF tags: UTM zone 33N,
EPSG:32633, 0.5 m pixels, the top-left corner at 500000 E, 4000000 N).

Usage: make_tiles.py OUT_DIR BASE_URL WIDTH HEIGHT FEATURES_JSON
FEATURES_JSON: [[x0, y0, x1, y1, [r, g, b]], ...] blocks painted on the image (pixel edges).
"""
import json
import math
import os
import sys

from PIL import Image, ImageDraw


def picture(width, height, features):
    """A grey ramp with a grid every 100 pixels (something to see at every zoom) and the blocks."""
    ramp = Image.linear_gradient("L").resize((width, height), Image.BILINEAR)
    image = Image.merge("RGB", (ramp, ramp.transpose(Image.FLIP_LEFT_RIGHT), ramp.point(lambda v: 255 - v)))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 100):
        draw.line([(x, 0), (x, height)], fill=(40, 40, 40))
    for y in range(0, height, 100):
        draw.line([(0, y), (width, y)], fill=(40, 40, 40))
    for x0, y0, x1, y1, colour in features:
        draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=tuple(colour))
    return image


def deep_zoom(image, out, tile=254, overlap=1):
    width, height = image.size
    top = math.ceil(math.log2(max(width, height)))
    with open(os.path.join(out, "big.dzi"), "w") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="jpeg" '
            f'Overlap="{overlap}" TileSize="{tile}">\n  <Size Height="{height}" Width="{width}"/>\n</Image>\n'
        )
    level_image = image
    for level in range(top, -1, -1):
        shift = top - level
        size = (max(1, -(-width // 2**shift)), max(1, -(-height // 2**shift)))
        if level_image.size != size:
            level_image = level_image.resize(size, Image.LANCZOS)
        folder = os.path.join(out, "big_files", str(level))
        os.makedirs(folder)
        lw, lh = size
        for row in range(-(-lh // tile)):
            for col in range(-(-lw // tile)):
                x0, y0 = max(0, col * tile - overlap), max(0, row * tile - overlap)
                x1, y1 = min(lw, (col + 1) * tile + overlap), min(lh, (row + 1) * tile + overlap)
                level_image.crop((x0, y0, x1, y1)).save(os.path.join(folder, f"{col}_{row}.jpeg"), quality=92, subsampling=0)


def iiif_level0(image, out, base, tile=512):
    width, height = image.size
    root = os.path.join(out, "iiif", "big")
    os.makedirs(root)
    factors = [1]
    while -(-width // factors[-1]) > tile or -(-height // factors[-1]) > tile:
        factors.append(factors[-1] * 2)
    for s in factors:
        lw, lh = -(-width // s), -(-height // s)
        level_image = image.resize((lw, lh), Image.LANCZOS) if s > 1 else image
        if lw < tile and lh < tile:
            size = "max" if s == 1 else f"{lw},{lh}"
            folder = os.path.join(root, "full", size, "0")
            os.makedirs(folder, exist_ok=True)
            level_image.save(os.path.join(folder, "default.jpg"), quality=92, subsampling=0)
            continue
        for row in range(-(-lh // tile)):
            for col in range(-(-lw // tile)):
                x, y = col * tile * s, row * tile * s
                rw, rh = min(tile * s, width - x), min(tile * s, height - y)
                sw, sh = min(tile, lw - col * tile), min(tile, lh - row * tile)
                region = "full" if (x, y, rw, rh) == (0, 0, width, height) else f"{x},{y},{rw},{rh}"
                size = "max" if (sw, sh) == (width, height) else f"{sw},{sh}"
                folder = os.path.join(root, region, size, "0")
                os.makedirs(folder, exist_ok=True)
                box = (col * tile, row * tile, col * tile + sw, row * tile + sh)
                level_image.crop(box).save(os.path.join(folder, "default.jpg"), quality=92, subsampling=0)
    info = {
        "@context": "http://iiif.io/api/image/3/context.json",
        "id": f"{base}/iiif/big",
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
        "tiles": [{"width": tile, "height": tile, "scaleFactors": factors}],
    }
    with open(os.path.join(root, "info.json"), "w") as f:
        json.dump(info, f)


# The map placement of big.tif (GeoTIFF tags of its full-resolution image).
GEO_ORIGIN = (500000.0, 4000000.0)
GEO_PIXEL = 0.5
GEO_EPSG = 32633


def tiled_tiff(image, out, tile=256):
    import numpy
    import tifffile

    geotags = [
        (33550, "d", 3, (GEO_PIXEL, GEO_PIXEL, 0.0), True),  # ModelPixelScaleTag
        (33922, "d", 6, (0.0, 0.0, 0.0, GEO_ORIGIN[0], GEO_ORIGIN[1], 0.0), True),  # ModelTiepointTag
        # GeoKeyDirectoryTag: version 1.1.0, raster is area, projected CS EPSG:32633.
        (34735, "H", 12, (1, 1, 0, 2, 1025, 0, 1, 1, 3072, 0, 1, GEO_EPSG), True),
    ]
    with tifffile.TiffWriter(os.path.join(out, "big.tif"), bigtiff=True) as tif:
        level, first = image, True
        while True:
            tif.write(
                numpy.asarray(level), tile=(tile, tile), compression="zlib", photometric="rgb",
                subfiletype=0 if first else 1, metadata=None, extratags=geotags if first else [],
            )
            first = False
            if max(level.size) <= 2 * tile:
                break
            level = level.resize((-(-level.width // 2), -(-level.height // 2)), Image.LANCZOS)


def main():
    out, base, width, height, features = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
    image = picture(width, height, features)
    deep_zoom(image, out)
    iiif_level0(image, out, base)
    tiled_tiff(image, out)


if __name__ == "__main__":
    main()
