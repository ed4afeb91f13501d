import { describe, expect, it } from 'vitest';
import { monitorOf, nullSinkArgs, pulseDaemonScript, sinkName } from './pulse.js';

describe('pulse', () => {
  it('names a sink after its session, and reads its monitor', () => {
    const sink = sinkName('s2-0a1b2c3d');
    expect(sink).toBe('talkrec_s2-0a1b2c3d');
    expect(monitorOf(sink)).toBe(`${sink}.monitor`);
  });

  it('loads a 48 kHz stereo null sink', () => {
    expect(nullSinkArgs('talkrec_s0_x')).toEqual([
      'load-module',
      'module-null-sink',
      'sink_name=talkrec_s0_x',
      'sink_properties=device.description=talkrec_s0_x',
      'rate=48000',
      'channels=2',
    ]);
  });

  it('starts the daemon with only an anonymous socket in its own folder', () => {
    expect(pulseDaemonScript('/w/pulse/native')).toBe(
      'load-module module-native-protocol-unix socket=/w/pulse/native auth-anonymous=1\n',
    );
  });
});
