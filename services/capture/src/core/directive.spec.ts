import { describe, expect, it } from 'vitest';
import type { RecordingState, RecordingStateName } from '@talkrec/contracts';
import { captureDirective } from './directive.js';

const state = (name: RecordingStateName) => ({ state: name }) as RecordingState;

describe('captureDirective', () => {
  it('records while the recording is requested, starting or recording', () => {
    for (const s of ['requested', 'starting', 'recording'] as const) {
      expect(captureDirective(state(s))).toBe('record');
    }
  });

  it('stops on stopping, reports a missing entry, and is over past the capture stage', () => {
    expect(captureDirective(state('stopping'))).toBe('stop');
    expect(captureDirective(undefined)).toBe('missing');
    for (const s of ['captured', 'encoding', 'encoded', 'uploading', 'done', 'failed'] as const) {
      expect(captureDirective(state(s))).toBe('over');
    }
  });
});
