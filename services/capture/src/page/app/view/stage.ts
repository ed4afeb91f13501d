import type { PlacedTile } from '../core/layout.js';
import { TileView, type TileContent } from './tile.js';

/**
 * The recorded frame: exactly `width x height` CSS pixels, tiles placed by the layout, and a calm
 * "waiting for participants" frame while nobody is in the call.
 */
export class Stage {
  readonly root = document.createElement('main');
  private readonly waiting = document.createElement('div');
  private readonly subtitle = document.createElement('div');
  private readonly tiles = new Map<string, TileView>();

  constructor(parent: HTMLElement, width: number, height: number) {
    this.root.id = 'stage';
    Object.assign(this.root.style, { width: `${width}px`, height: `${height}px` });
    this.root.style.setProperty('--waiting-size', `${Math.round(Math.min(width, height) * 0.045)}px`);
    this.waiting.id = 'waiting';
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = 'Waiting for participants';
    this.subtitle.className = 'subtitle';
    this.waiting.append(title, this.subtitle);
    this.root.append(this.waiting);
    parent.append(this.root);
  }

  setRoomName(name: string): void {
    this.subtitle.textContent = name;
  }

  render(contents: TileContent[], layout: PlacedTile[]): void {
    const placed = new Map(layout.map((t) => [t.id, t]));
    for (const [id, view] of this.tiles) {
      if (!placed.has(id)) {
        view.destroy();
        this.tiles.delete(id);
      }
    }
    for (const content of contents) {
      const tile = placed.get(content.id);
      if (!tile) continue;
      let view = this.tiles.get(content.id);
      if (view) view.update(content);
      else {
        view = new TileView(content);
        this.tiles.set(content.id, view);
        this.root.append(view.el);
      }
      view.place(tile);
    }
    this.waiting.hidden = this.tiles.size > 0;
  }
}
