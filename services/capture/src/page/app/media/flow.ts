/**
 * Whether any remote track delivers media. A received track starts muted and fires `unmute` with its
 * first packets (and `mute` when they stop), so this needs no polling and no sleeps.
 */
export class FlowWatch {
  private readonly tracks = new Set<MediaStreamTrack>();
  private readonly update = () => this.onChange(this.flowing);

  constructor(private readonly onChange: (flowing: boolean) => void) {}

  get flowing(): boolean {
    return [...this.tracks].some((t) => t.readyState === 'live' && !t.muted);
  }

  add(track: MediaStreamTrack): void {
    if (this.tracks.has(track)) return;
    this.tracks.add(track);
    for (const event of ['mute', 'unmute', 'ended']) track.addEventListener(event, this.update);
    this.update();
  }

  remove(track: MediaStreamTrack): void {
    if (!this.tracks.delete(track)) return;
    for (const event of ['mute', 'unmute', 'ended']) track.removeEventListener(event, this.update);
    this.update();
  }
}
