import { fitCentered, fitGrid, inset, type Rect } from './geometry.js';

export type LayoutMode = 'speaker' | 'grid';

export interface LayoutInput {
  width: number;
  height: number;
  mode: LayoutMode;
  /** One tile per participant in the call, in a stable order (order of appearance). */
  people: string[];
  /** Screen shares, in a stable order; they always come first and biggest. */
  screens: string[];
  /** The promoted participant in speaker view (defaults to the first one). */
  speaker?: string;
}

export interface PlacedTile {
  id: string;
  rect: Rect;
  /** `main`: the big area (speaker or screens); `strip`: the row or column beside it; `grid`: equal tiles. */
  role: 'main' | 'strip' | 'grid';
}

/** Camera tiles are 16:9; so are screen areas (the video inside keeps its own aspect). */
export const TILE_ASPECT = 16 / 9;

/** Space between tiles and around the frame: about 1.2 % of the shorter side. */
export function gapFor(width: number, height: number): number {
  return Math.max(4, Math.round(Math.min(width, height) * 0.012));
}

/**
 * Where each tile goes in a frame of `width x height`, the most prominent first. Tiles never
 * overlap, so no one is hidden behind a bubble (a common complaint about recordings).
 * - grid: every participant in equal tiles;
 * - speaker: the speaker big, the others in a row below;
 * - with screen shares (both modes): the screens big on the left, participants in a column on the
 *   right (speaker view puts the speaker at its top).
 */
export function computeLayout(input: LayoutInput): PlacedTile[] {
  const { width, height } = input;
  const gap = gapFor(width, height);
  const frame = inset({ x: 0, y: 0, width, height }, gap);
  const people = orderPeople(input);
  if (input.screens.length > 0) return withScreens(frame, gap, input.screens, people);
  if (people.length === 0) return [];
  if (input.mode === 'grid' || people.length === 1) {
    const role = people.length === 1 ? 'main' : 'grid';
    return fitGrid(frame, people.length, TILE_ASPECT, gap).map((rect, i) => ({ id: people[i]!, rect, role }));
  }
  return speakerView(frame, gap, people);
}

function orderPeople(input: LayoutInput): string[] {
  const speaker = input.mode === 'speaker' && input.speaker && input.people.includes(input.speaker);
  if (!speaker) return input.people;
  return [input.speaker!, ...input.people.filter((p) => p !== input.speaker)];
}

function speakerView(frame: Rect, gap: number, people: string[]): PlacedTile[] {
  const [speaker, ...others] = people as [string, ...string[]];
  const stripH = Math.round(frame.height * 0.2);
  const main: Rect = { ...frame, height: frame.height - stripH - gap };
  const strip: Rect = { x: frame.x, y: frame.y + main.height + gap, width: frame.width, height: stripH };
  return [
    { id: speaker, rect: fitCentered(main, TILE_ASPECT), role: 'main' },
    ...fitGrid(strip, others.length, TILE_ASPECT, gap).map((rect, i) => ({
      id: others[i]!,
      rect,
      role: 'strip' as const,
    })),
  ];
}

function withScreens(frame: Rect, gap: number, screens: string[], people: string[]): PlacedTile[] {
  const columnW = people.length > 0 ? Math.round(frame.width * 0.22) : 0;
  const main: Rect = { ...frame, width: frame.width - (columnW > 0 ? columnW + gap : 0) };
  const column: Rect = { x: frame.x + main.width + gap, y: frame.y, width: columnW, height: frame.height };
  const screenTiles = fitGrid(main, screens.length, TILE_ASPECT, gap).map((rect, i) => ({
    id: screens[i]!,
    rect,
    role: 'main' as const,
  }));
  const personTiles = columnW > 0 ? stackColumn(column, people, gap) : [];
  return [...screenTiles, ...personTiles];
}

/** Participants stacked top-down in a column, vertically centred, shrunk to fit when many. */
function stackColumn(column: Rect, people: string[], gap: number): PlacedTile[] {
  const n = people.length;
  const height = Math.min(column.width / TILE_ASPECT, (column.height - gap * (n - 1)) / n);
  const width = height * TILE_ASPECT;
  const total = n * height + (n - 1) * gap;
  const top = column.y + (column.height - total) / 2;
  return people.map((id, i) => ({
    id,
    rect: fitCentered(
      { x: column.x, y: top + i * (height + gap), width: column.width, height },
      width / height,
    ),
    role: 'strip' as const,
  }));
}
