import { describe, expect, it } from 'vitest';
import { fitGrid } from './geometry.js';
import { computeLayout, gapFor, type PlacedTile } from './layout.js';

const W = 1280;
const H = 720;

function overlaps(a: PlacedTile, b: PlacedTile): boolean {
  const r = a.rect;
  const s = b.rect;
  return r.x < s.x + s.width && s.x < r.x + r.width && r.y < s.y + s.height && s.y < r.y + r.height;
}

function expectSane(tiles: PlacedTile[]): void {
  for (const t of tiles) {
    expect(t.rect.x).toBeGreaterThanOrEqual(0);
    expect(t.rect.y).toBeGreaterThanOrEqual(0);
    expect(t.rect.x + t.rect.width).toBeLessThanOrEqual(W);
    expect(t.rect.y + t.rect.height).toBeLessThanOrEqual(H);
    expect(Number.isInteger(t.rect.x) && Number.isInteger(t.rect.width)).toBe(true);
  }
  tiles.forEach((a, i) =>
    tiles.slice(i + 1).forEach((b) => expect(overlaps(a, b), `${a.id}/${b.id}`).toBe(false)),
  );
}

describe('computeLayout', () => {
  it('shows nothing without participants (the waiting frame)', () => {
    expect(computeLayout({ width: W, height: H, mode: 'grid', people: [], screens: [] })).toEqual([]);
  });

  it('gives a single participant the whole frame in both modes', () => {
    for (const mode of ['grid', 'speaker'] as const) {
      const [only] = computeLayout({ width: W, height: H, mode, people: ['a'], screens: [] });
      const gap = gapFor(W, H);
      // 16:9 within the frame less the gap all around: full height, centred.
      expect(only).toEqual({
        id: 'a',
        role: 'main',
        rect: { x: 16, y: gap, width: 1248, height: H - 2 * gap },
      });
    }
  });

  it('puts a grid in equal 16:9 tiles, the most columns that keep them largest, rows centred', () => {
    for (let n = 2; n <= 9; n++) {
      const people = Array.from({ length: n }, (_, i) => `p${i}`);
      const tiles = computeLayout({ width: W, height: H, mode: 'grid', people, screens: [] });
      expect(tiles.map((t) => t.id)).toEqual(people);
      expect(new Set(tiles.map((t) => t.rect.width)).size).toBeLessThanOrEqual(2);
      expect(tiles.every((t) => t.role === 'grid')).toBe(true);
      expectSane(tiles);
    }
    const four = computeLayout({
      width: W,
      height: H,
      mode: 'grid',
      people: ['a', 'b', 'c', 'd'],
      screens: [],
    });
    expect(new Set(four.map((t) => t.rect.y)).size).toBe(2);
    const three = computeLayout({ width: W, height: H, mode: 'grid', people: ['a', 'b', 'c'], screens: [] });
    const lastRow = three.filter((t) => t.rect.y === three[2]!.rect.y);
    const centre = lastRow.reduce((s, t) => s + t.rect.x + t.rect.width / 2, 0) / lastRow.length;
    expect(Math.abs(centre - W / 2)).toBeLessThanOrEqual(1);
  });

  it('promotes the speaker in speaker view and keeps the others in a row below, in their order', () => {
    const tiles = computeLayout({
      width: W,
      height: H,
      mode: 'speaker',
      people: ['a', 'b', 'c'],
      screens: [],
      speaker: 'b',
    });
    expect(tiles.map((t) => [t.id, t.role])).toEqual([
      ['b', 'main'],
      ['a', 'strip'],
      ['c', 'strip'],
    ]);
    const [main, a, c] = tiles as [PlacedTile, PlacedTile, PlacedTile];
    expect(main.rect.width / main.rect.height).toBeCloseTo(16 / 9, 1);
    expect(a.rect.y).toBeGreaterThan(main.rect.y + main.rect.height);
    expect(a.rect.x).toBeLessThan(c.rect.x);
    expectSane(tiles);
  });

  it('falls back to the first participant when the speaker is unknown', () => {
    const tiles = computeLayout({
      width: W,
      height: H,
      mode: 'speaker',
      people: ['a', 'b'],
      screens: [],
      speaker: 'gone',
    });
    expect(tiles[0]).toMatchObject({ id: 'a', role: 'main' });
  });

  it('puts screens first and biggest, with participants in a column beside, in both modes', () => {
    for (const mode of ['grid', 'speaker'] as const) {
      const tiles = computeLayout({
        width: W,
        height: H,
        mode,
        people: ['a', 'b'],
        screens: ['s:a'],
        speaker: 'b',
      });
      const [screen, ...people] = tiles as [PlacedTile, ...PlacedTile[]];
      expect(screen).toMatchObject({ id: 's:a', role: 'main' });
      for (const p of people) {
        expect(p.role).toBe('strip');
        expect(p.rect.x).toBeGreaterThan(screen.rect.x + screen.rect.width);
        expect(p.rect.width * p.rect.height * 4).toBeLessThan(screen.rect.width * screen.rect.height);
      }
      expect(people.map((p) => p.id)).toEqual(mode === 'speaker' ? ['b', 'a'] : ['a', 'b']);
      expectSane(tiles);
    }
  });

  it('shrinks the column to fit many participants beside a screen', () => {
    const people = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const tiles = computeLayout({ width: W, height: H, mode: 'grid', people, screens: ['s1', 's2'] });
    expect(tiles.slice(0, 2).every((t) => t.role === 'main')).toBe(true);
    expectSane(tiles);
  });

  it('fits any size, e.g. 1920x1080 and a portrait 720x1280', () => {
    for (const [width, height] of [
      [1920, 1080],
      [720, 1280],
    ] as const) {
      const tiles = computeLayout({ width, height, mode: 'grid', people: ['a', 'b', 'c'], screens: [] });
      for (const t of tiles) expect(t.rect.x + t.rect.width).toBeLessThanOrEqual(width);
      for (const t of tiles) expect(t.rect.y + t.rect.height).toBeLessThanOrEqual(height);
    }
  });
});

describe('fitGrid', () => {
  it('returns nothing for no tiles and one centred tile for one', () => {
    const area = { x: 0, y: 0, width: 160, height: 190 };
    expect(fitGrid(area, 0, 16 / 9, 4)).toEqual([]);
    expect(fitGrid(area, 1, 16 / 9, 4)).toEqual([{ x: 0, y: 50, width: 160, height: 90 }]);
  });
});
