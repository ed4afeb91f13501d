import { avatarColor, initials } from '../core/initials.js';
import type { Rect } from '../core/geometry.js';
import type { PlacedTile } from '../core/layout.js';

export interface TileContent {
  id: string;
  kind: 'person' | 'screen';
  sessionId: string;
  /** What the label says. */
  label: string;
  /** For the avatar's initials and colour. */
  name: string;
  video: MediaStreamTrack | undefined;
  /** Show the video (it delivers frames and is not switched off); otherwise the avatar. */
  showVideo: boolean;
  speaking: boolean;
}

/** One tile: the video, or an avatar with initials, and the name on it. */
export class TileView {
  readonly el = document.createElement('div');
  private readonly videoEl = document.createElement('video');
  private readonly avatarEl = document.createElement('div');
  private readonly labelEl = document.createElement('div');
  private track: MediaStreamTrack | undefined;

  constructor(content: TileContent) {
    this.el.className = `tile ${content.kind}`;
    this.el.dataset.tile = content.id;
    this.el.dataset.kind = content.kind;
    this.el.dataset.sessionId = content.sessionId;
    this.videoEl.muted = true;
    this.videoEl.autoplay = true;
    this.videoEl.playsInline = true;
    this.avatarEl.className = 'avatar';
    this.labelEl.className = 'name';
    this.el.append(this.videoEl, this.avatarEl, this.labelEl);
    this.update(content);
  }

  update(content: TileContent): void {
    if (content.video !== this.track) {
      this.track = content.video;
      this.videoEl.srcObject = content.video ? new MediaStream([content.video]) : null;
      if (content.video) this.videoEl.play().catch(() => undefined);
    }
    this.el.dataset.video = content.showVideo ? 'on' : 'off';
    this.el.dataset.speaking = String(content.speaking);
    if (this.labelEl.textContent !== content.label) this.labelEl.textContent = content.label;
    const letters = initials(content.name);
    if (this.avatarEl.textContent !== letters) this.avatarEl.textContent = letters;
    this.avatarEl.style.backgroundColor = avatarColor(content.sessionId);
  }

  place(tile: PlacedTile): void {
    const r: Rect = tile.rect;
    Object.assign(this.el.style, {
      left: `${r.x}px`,
      top: `${r.y}px`,
      width: `${r.width}px`,
      height: `${r.height}px`,
    });
    this.el.dataset.role = tile.role;
    // Text and avatar scale with the tile, within readable bounds.
    const label = Math.max(12, Math.min(24, Math.round(r.height * 0.07)));
    this.el.style.setProperty('--label-size', `${label}px`);
    this.el.style.setProperty('--avatar-size', `${Math.round(Math.min(r.width, r.height) * 0.42)}px`);
  }

  destroy(): void {
    this.videoEl.srcObject = null;
    this.el.remove();
  }
}
