export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The largest rectangle of `aspect` (width / height) inside `area`, centred, in whole pixels. */
export function fitCentered(area: Rect, aspect: number): Rect {
  let width = area.width;
  let height = width / aspect;
  if (height > area.height) {
    height = area.height;
    width = height * aspect;
  }
  return snap({
    x: area.x + (area.width - width) / 2,
    y: area.y + (area.height - height) / 2,
    width,
    height,
  });
}

/**
 * `count` equal tiles of `aspect` in `area`, `gap` pixels apart: the column count that gives the
 * largest tiles wins; rows are centred, and so is a shorter last row.
 */
export function fitGrid(area: Rect, count: number, aspect: number, gap: number): Rect[] {
  if (count <= 0) return [];
  let best = { cols: 1, rows: count, width: 0, height: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const cellW = (area.width - gap * (cols - 1)) / cols;
    const cellH = (area.height - gap * (rows - 1)) / rows;
    const width = Math.min(cellW, cellH * aspect);
    if (width > best.width) best = { cols, rows, width, height: width / aspect };
  }
  const { cols, rows, width, height } = best;
  const totalH = rows * height + (rows - 1) * gap;
  const top = area.y + (area.height - totalH) / 2;
  const rects: Rect[] = [];
  for (let row = 0; row < rows; row++) {
    const inRow = Math.min(cols, count - row * cols);
    const rowW = inRow * width + (inRow - 1) * gap;
    const left = area.x + (area.width - rowW) / 2;
    for (let col = 0; col < inRow; col++) {
      rects.push(snap({ x: left + col * (width + gap), y: top + row * (height + gap), width, height }));
    }
  }
  return rects;
}

/** Whole pixels, so tile edges are crisp in the grabbed frames. */
export function snap(r: Rect): Rect {
  const x = Math.round(r.x);
  const y = Math.round(r.y);
  return { x, y, width: Math.round(r.x + r.width) - x, height: Math.round(r.y + r.height) - y };
}

export function inset(r: Rect, by: number): Rect {
  return {
    x: r.x + by,
    y: r.y + by,
    width: Math.max(0, r.width - 2 * by),
    height: Math.max(0, r.height - 2 * by),
  };
}
