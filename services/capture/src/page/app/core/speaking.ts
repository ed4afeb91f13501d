export interface SpeakingOptions {
  /** Audio level (0..1, linear, as WebRTC reports it) at or above which a participant may be speaking. */
  onLevel: number;
  /** Below this level the participant may have stopped (lower than `onLevel`: hysteresis). */
  offLevel: number;
  /** Speech must last this long before it counts (coughs and clicks do not). */
  attackMs: number;
  /** Silence must last this long before speaking ends (pauses between words do not). */
  releaseMs: number;
}

export const defaultSpeaking: SpeakingOptions = {
  onLevel: 0.02,
  offLevel: 0.01,
  attackMs: 200,
  releaseMs: 1_200,
};

export interface SpeakingChange {
  speaking: boolean;
  /** When it really happened: the first loud sample for a start, the first quiet one for a stop. */
  at: number;
}

/** Speaking or not, from sampled audio levels of one participant, with hysteresis in level and time. */
export class SpeakingDetector {
  speaking = false;
  /** Since when the current state holds (the `at` of the last change). */
  since = 0;
  private pendingSince: number | undefined;

  constructor(private readonly options: SpeakingOptions = defaultSpeaking) {}

  sample(level: number, now: number): SpeakingChange | undefined {
    const crossing = this.speaking ? level < this.options.offLevel : level >= this.options.onLevel;
    if (!crossing) {
      this.pendingSince = undefined;
      return undefined;
    }
    this.pendingSince ??= now;
    const wait = this.speaking ? this.options.releaseMs : this.options.attackMs;
    if (now - this.pendingSince < wait) return undefined;
    this.speaking = !this.speaking;
    this.since = this.pendingSince;
    this.pendingSince = undefined;
    return { speaking: this.speaking, at: this.since };
  }
}
