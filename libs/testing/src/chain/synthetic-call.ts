import { SyntheticParticipant } from '../participants/synthetic-participant.js';
import type { HpbStack } from '../hpb-stack.js';

export interface CallMember {
  userId: string;
  displayName: string;
  /** The sine the participant's microphone plays, so a recording shows whose voice it carries. */
  toneHz: number;
  hue: number;
}

/** The two people of every synthetic call: different tones and colours, checked in the recordings. */
export const DEFAULT_MEMBERS: readonly CallMember[] = [
  { userId: 'alice', displayName: 'Alice A.', toneHz: 440, hue: 0 },
  { userId: 'bob', displayName: 'Bob B.', toneHz: 1000, hue: 180 },
];

/**
 * A call in a room of the stand-in: Chromium participants who join the room, enter the call (Nextcloud
 * tells the HPB, which publishes the call start on NATS) and publish camera and microphone via Janus.
 */
export class SyntheticCall {
  private constructor(
    readonly room: string,
    readonly members: readonly CallMember[],
    readonly participants: SyntheticParticipant[],
  ) {}

  /** Creates the room (with the members) if needed, then starts every member's browser. */
  static async join(
    stack: HpbStack,
    room: string,
    members: readonly CallMember[] = DEFAULT_MEMBERS,
  ): Promise<SyntheticCall> {
    const dir = stack.nextcloud.directory;
    for (const m of members) if (!dir.users.has(m.userId)) dir.addUser(m.userId, m.displayName);
    if (!dir.rooms.has(room)) {
      dir.addRoom(
        room,
        members.map((m) => m.userId),
      );
    }
    const call = new SyntheticCall(room, members, []);
    try {
      for (const m of members) {
        call.participants.push(
          await SyntheticParticipant.start({
            stack,
            room,
            userId: m.userId,
            displayName: m.displayName,
            toneHz: m.toneHz,
            hue: m.hue,
          }),
        );
      }
    } catch (err) {
      await call.stop();
      throw err;
    }
    return call;
  }

  /** Everyone enters the call, one after the other (the first one starts it). */
  async enter(): Promise<void> {
    for (const p of this.participants) await p.enterCall();
  }

  /** Everyone leaves the call, as Talk reports it: the call ends when the last one is gone. */
  async leave(): Promise<void> {
    for (const p of this.participants) await p.leave();
  }

  async stop(): Promise<void> {
    for (const p of this.participants) await p.stop();
  }
}
