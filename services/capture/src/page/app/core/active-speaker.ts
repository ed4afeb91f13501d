export interface ActiveSpeakerOptions {
  /** A promoted speaker stays at least this long, whatever happens (no flicker). */
  minHoldMs: number;
  /** Someone else must have been speaking this long to take over. */
  takeOverMs: number;
}

export const defaultActiveSpeaker: ActiveSpeakerOptions = { minHoldMs: 3_000, takeOverMs: 800 };

export interface SpeakerState {
  id: string;
  speaking: boolean;
  /** Since when `speaking` holds. */
  since: number;
}

/**
 * Who is promoted in speaker view. The current speaker keeps the place while speaking and for at
 * least `minHoldMs`; then the one who has been speaking the longest (at least `takeOverMs`) takes
 * over. When nobody speaks, the last speaker stays. Before anyone spoke, the first participant shows.
 */
export class ActiveSpeaker {
  private current: string | undefined;
  private chosenAt = Number.NEGATIVE_INFINITY;
  /** True while the current one was picked by default, not because they spoke. */
  private provisional = true;

  constructor(private readonly options: ActiveSpeakerOptions = defaultActiveSpeaker) {}

  get id(): string | undefined {
    return this.current;
  }

  /** Re-evaluates with everyone's state, in display order; returns the promoted id. */
  update(people: SpeakerState[], now: number): string | undefined {
    if (!people.some((p) => p.id === this.current)) this.choose(people[0]?.id, now, true);
    if (people.find((p) => p.id === this.current)?.speaking) {
      this.provisional = false;
      return this.current;
    }
    const held = now - this.chosenAt >= this.options.minHoldMs;
    if (!held && !this.provisional) return this.current;
    const challenger = people
      .filter((p) => p.speaking && p.id !== this.current && now - p.since >= this.options.takeOverMs)
      .sort((a, b) => a.since - b.since)[0];
    if (challenger) this.choose(challenger.id, now, false);
    return this.current;
  }

  private choose(id: string | undefined, now: number, provisional: boolean): void {
    this.current = id;
    this.chosenAt = now;
    this.provisional = provisional;
  }
}
