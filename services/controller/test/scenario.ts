/**
 * The decisions for the captured hpb-0.4.1 scenario (one call that empties and refills within the grace
 * period, a dropped "end call for everyone", then the room is deleted): asserted for the live run against
 * the real signaling server and for the replay of every fixture file, so both must agree.
 */
export const SCENARIO_DECISIONS = (room: string) => [
  `requested ${room}`,
  `stopping ${room}: call ended (room-deleted)`,
];

/** Grace used by both runs; longer than the scenario's 0.8 s gap between the two calls. */
export const SCENARIO_GRACE_S = '3';
