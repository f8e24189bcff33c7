// Reading screenshots: decode a PNG and look at its pixels.
import pngjs from "pngjs";

export const PNG = {
  /** Decodes PNG bytes into an image with pixel accessors. */
  decode(buffer) {
    const png = pngjs.PNG.sync.read(buffer);
    return {
      width: png.width,
      height: png.height,
      /** [r, g, b, a] at integer coordinates. */
      pixel(x, y) {
        const i = (y * png.width + x) * 4;
        return [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
      },
      /** Whether some pixel within `radius` of (x, y) satisfies `pred(r, g, b)`. */
      pixelNear(x, y, radius, pred) {
        for (let dy = -radius; dy <= radius; dy++) {
          for (let dx = -radius; dx <= radius; dx++) {
            const px = Math.round(x) + dx;
            const py = Math.round(y) + dy;
            if (px < 0 || py < 0 || px >= png.width || py >= png.height) continue;
            const [r, g, b] = this.pixel(px, py);
            if (pred(r, g, b)) return true;
          }
        }
        return false;
      },
    };
  },
};
