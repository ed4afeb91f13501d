import { spawn } from 'node:child_process';

export interface Frame {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, row by row. */
  rgb: Buffer;
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Decodes a PNG screenshot with ffmpeg (no image library in the workspace). */
export function decodePng(png: Uint8Array, width: number, height: number): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const ff = spawn('ffmpeg', [
      '-v',
      'error',
      '-i',
      'pipe:0',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ]);
    const chunks: Buffer[] = [];
    let err = '';
    ff.stdout.on('data', (c: Buffer) => chunks.push(c));
    ff.stderr.on('data', (c: Buffer) => (err += c.toString()));
    ff.on('error', reject);
    ff.on('close', (code) => {
      const rgb = Buffer.concat(chunks);
      if (code !== 0 || rgb.length !== width * height * 3) {
        reject(new Error(`png decode failed (${code}, ${rgb.length} bytes): ${err}`));
      } else resolve({ width, height, rgb });
    });
    ff.stdin.end(png);
  });
}

/** Whole pixels covered by a region (DOM boxes can be fractional), clipped to the frame. */
function clip(frame: Frame, r: Region): Region {
  const x = Math.max(0, Math.floor(r.x));
  const y = Math.max(0, Math.floor(r.y));
  const right = Math.min(frame.width, Math.ceil(r.x + r.width));
  const bottom = Math.min(frame.height, Math.ceil(r.y + r.height));
  return { x, y, width: Math.max(0, right - x), height: Math.max(0, bottom - y) };
}

function* pixels(frame: Frame, region: Region): Generator<[number, number, number]> {
  const r = clip(frame, region);
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const i = (y * frame.width + x) * 3;
      yield [frame.rgb[i]!, frame.rgb[i + 1]!, frame.rgb[i + 2]!];
    }
  }
}

const luma = ([r, g, b]: [number, number, number]) => 0.299 * r + 0.587 * g + 0.114 * b;

/** Mean luminance (0..255) of a region. */
export function meanLuma(frame: Frame, r: Region): number {
  let sum = 0;
  let n = 0;
  for (const p of pixels(frame, r)) {
    sum += luma(p);
    n++;
  }
  return n ? sum / n : 0;
}

/** Share of pixels brighter than `threshold` (text on a dark label, for instance). */
export function brightShare(frame: Frame, r: Region, threshold = 200): number {
  let bright = 0;
  let n = 0;
  for (const p of pixels(frame, r)) {
    if (luma(p) > threshold) bright++;
    n++;
  }
  return n ? bright / n : 0;
}

/** Mean absolute difference per channel (0..255) between the same region of two frames. */
export function meanDifference(a: Frame, b: Frame, r: Region): number {
  const pa = pixels(a, r);
  const pb = pixels(b, r);
  let sum = 0;
  let n = 0;
  for (let x = pa.next(), y = pb.next(); !x.done && !y.done; x = pa.next(), y = pb.next()) {
    sum +=
      Math.abs(x.value[0] - y.value[0]) +
      Math.abs(x.value[1] - y.value[1]) +
      Math.abs(x.value[2] - y.value[2]);
    n += 3;
  }
  return n ? sum / n : 0;
}

/** Largest per-channel deviation from a colour over a region (0 = the region is that flat colour). */
export function maxDeviation(frame: Frame, r: Region, rgb: [number, number, number]): number {
  let max = 0;
  for (const p of pixels(frame, r)) {
    max = Math.max(max, Math.abs(p[0] - rgb[0]), Math.abs(p[1] - rgb[1]), Math.abs(p[2] - rgb[2]));
  }
  return max;
}

/** The region shrunk by `by` pixels on every side (to stay clear of rounded corners). */
export function shrink(r: Region, by: number): Region {
  return { x: r.x + by, y: r.y + by, width: r.width - 2 * by, height: r.height - 2 * by };
}
