import { describe, expect, it } from 'vitest';
import { Roster } from './roster.js';

const join = (sessionid: string, userid = '', displayname?: string) => ({
  sessionid,
  userid,
  ...(displayname ? { user: { displayname } } : {}),
});

describe('Roster', () => {
  it('lists sessions in the call in order of appearance, never itself and never internal clients', () => {
    const roster = new Roster();
    roster.setSelf('rec');
    roster.join([join('b', 'bob', 'Bob B.'), join('a', 'alice', 'Alice A.'), join('rec')]);
    expect(roster.visible()).toEqual([]);
    const changed = roster.update([
      { sessionId: 'a', inCall: 7, userId: 'alice', nextcloudSessionId: 'nc-a' },
      { sessionId: 'b', inCall: 1, userId: 'bob' },
      { sessionId: 'rec', inCall: 3, internal: true },
      { sessionId: 'sip', inCall: 3, internal: true },
    ]);
    expect(changed).toBe(true);
    expect(roster.visible().map((p) => [p.sessionId, p.displayName, p.inCall])).toEqual([
      ['b', 'Bob B.', 1],
      ['a', 'Alice A.', 7],
    ]);
    expect(roster.publishers().map((p) => p.sessionId)).toEqual(['a']);
    expect(roster.inCallSessions()).toEqual(['b', 'a', 'sip']);
  });

  it('takes people out of the list when they leave the call, the room, or the call ends for everyone', () => {
    const roster = new Roster();
    roster.join([join('a'), join('b'), join('c')]);
    roster.update([
      { sessionId: 'a', inCall: 3 },
      { sessionId: 'b', inCall: 3 },
      { sessionId: 'c', inCall: 3 },
    ]);
    expect(roster.update([{ sessionId: 'a', inCall: 0 }])).toBe(true);
    expect(roster.leave(['b'])).toBe(true);
    expect(roster.visible().map((p) => p.sessionId)).toEqual(['c']);
    expect(roster.everybodyLeftCall()).toBe(true);
    expect(roster.visible()).toEqual([]);
  });

  it('reports no change when nothing visible changed', () => {
    const roster = new Roster();
    roster.update([{ sessionId: 'a', inCall: 3 }]);
    expect(roster.update([{ sessionId: 'a', inCall: 3, lastPing: 5 }])).toBe(false);
    expect(roster.leave(['unknown'])).toBe(false);
  });

  it('follows renames and mute state', () => {
    const roster = new Roster();
    roster.update([{ sessionId: 'g', inCall: 7 }]);
    expect(roster.rename('g', 'Guest Gina')).toBe(true);
    expect(roster.setMuted('g', 'video', true)).toBe(true);
    expect(roster.get('g')).toMatchObject({ displayName: 'Guest Gina', videoMuted: true });
    expect(roster.rename('nobody', 'X')).toBe(false);
  });
});
