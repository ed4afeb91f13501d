import type { RecordingState } from '@talkrec/contracts';

/**
 * What the recording's state asks of capture: keep recording, stop (finish the last segment and
 * report), the entry is gone (finish and report it missing), or the capture stage is over already.
 */
export type CaptureDirective = 'record' | 'stop' | 'missing' | 'over';

export function captureDirective(state: RecordingState | undefined): CaptureDirective {
  if (!state) return 'missing';
  switch (state.state) {
    case 'requested':
    case 'starting':
    case 'recording':
      return 'record';
    case 'stopping':
      return 'stop';
    case 'captured':
    case 'encoding':
    case 'encoded':
    case 'uploading':
    case 'done':
    case 'failed':
      return 'over';
  }
}
