import type { Log } from '../log.js';

/** Decides which local candidates are sent (e.g. only 127.0.0.1 when the MCU listens on loopback). */
export type CandidateFilter = (candidate: RTCIceCandidate) => boolean;

/** Keeps only candidates for the IPv4 loopback address. */
export const loopbackOnly: CandidateFilter = (candidate) => / 127\.0\.0\.1 /.test(candidate.candidate);

/**
 * Remote candidates that arrive before the remote description is applied (trickle can overtake the
 * offer or answer) wait here and are added once it is.
 */
export class RemoteCandidates {
  private queue: RTCIceCandidateInit[] = [];
  private ready = false;

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly log: Log,
  ) {}

  add(candidate: RTCIceCandidateInit): void {
    if (!this.ready) {
      this.queue.push(candidate);
      return;
    }
    this.pc.addIceCandidate(candidate).catch((err: unknown) => {
      this.log.debug('remote candidate refused', { error: String(err) });
    });
  }

  /** Call after setRemoteDescription resolved. */
  flush(): void {
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const c of queued) this.add(c);
  }
}
