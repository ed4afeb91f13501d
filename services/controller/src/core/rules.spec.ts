import { describe, expect, it } from 'vitest';
import type { RoomRule } from '@talkrec/contracts';
import { decideAutoRecord, parseAutoRecord, ruleKind, shouldRecordNow } from './rules.js';

const room = { backendId: 'nc', roomToken: 'abc' };
const rule = (over: Partial<RoomRule>): RoomRule => ({
  v: 1,
  backendId: 'nc',
  roomToken: 'abc',
  enabled: true,
  mode: 'audio',
  layout: 'grid',
  minParticipants: 2,
  announce: true,
  ...over,
});

describe('auto-record rules', () => {
  it('parses all, none and room lists', () => {
    expect(parseAutoRecord('all')).toEqual({ kind: 'all' });
    expect(parseAutoRecord(' none ')).toEqual({ kind: 'none' });
    expect(parseAutoRecord('abc, nc.def,,')).toEqual({ kind: 'rooms', rooms: new Set(['abc', 'nc.def']) });
  });

  it('records listed rooms (by token or backend.token) with the defaults', () => {
    expect(decideAutoRecord(parseAutoRecord('abc'), room, undefined)).toMatchObject({
      record: true,
      mode: 'video',
    });
    expect(decideAutoRecord(parseAutoRecord('nc.abc'), room, undefined).record).toBe(true);
    expect(decideAutoRecord(parseAutoRecord('xyz'), room, undefined).record).toBe(false);
    expect(decideAutoRecord(parseAutoRecord('none'), room, undefined).record).toBe(false);
    expect(decideAutoRecord(parseAutoRecord('all'), room, undefined).record).toBe(true);
  });

  it('lets a room rule override the policy both ways', () => {
    expect(decideAutoRecord(parseAutoRecord('none'), room, rule({}))).toMatchObject({
      record: true,
      mode: 'audio',
      layout: 'grid',
      minParticipants: 2,
      rule: 'room rule nc.abc',
    });
    expect(decideAutoRecord(parseAutoRecord('all'), room, rule({ enabled: false })).record).toBe(false);
  });

  it('waits for the minimum number of participants', () => {
    const d = decideAutoRecord(parseAutoRecord('none'), room, rule({}));
    expect(shouldRecordNow(d, 1)).toBe(false);
    expect(shouldRecordNow(d, 2)).toBe(true);
  });
});

describe('rule kinds', () => {
  it('names the kind of rule behind each decision, for the notices', () => {
    expect(ruleKind(decideAutoRecord(parseAutoRecord('none'), room, rule({})).rule)).toBe('room');
    expect(ruleKind(decideAutoRecord(parseAutoRecord('all'), room, undefined).rule)).toBe('all');
    expect(ruleKind(decideAutoRecord(parseAutoRecord('abc'), room, undefined).rule)).toBe('list');
    expect(ruleKind('something else')).toBe('other');
  });
});
