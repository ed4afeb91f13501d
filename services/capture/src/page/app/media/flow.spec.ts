import { describe, expect, it } from 'vitest';
import { FlowWatch } from './flow.js';

/** A remote track as the page sees it: starts muted, unmutes with its first packets. */
class FakeTrack extends EventTarget {
  muted = true;
  readyState: 'live' | 'ended' = 'live';

  set(muted: boolean): void {
    this.muted = muted;
    this.dispatchEvent(new Event(muted ? 'mute' : 'unmute'));
  }

  end(): void {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

describe('FlowWatch', () => {
  it('flows while any remote track delivers packets, from the tracks’ own events', () => {
    const seen: boolean[] = [];
    const watch = new FlowWatch((f) => seen.push(f));
    const audio = new FakeTrack();
    const video = new FakeTrack();
    watch.add(audio as unknown as MediaStreamTrack);
    watch.add(video as unknown as MediaStreamTrack);
    audio.set(false);
    video.set(false);
    audio.end();
    expect(watch.flowing).toBe(true);
    video.set(true);
    expect(watch.flowing).toBe(false);
    watch.remove(video as unknown as MediaStreamTrack);
    video.set(false);
    expect(watch.flowing).toBe(false);
    expect(seen).toEqual([false, false, true, true, true, false, false]);
  });
});
