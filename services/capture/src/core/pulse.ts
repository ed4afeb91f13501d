/** Sample format of every recording sink; the grab reads the same from the monitor. */
export const SINK_RATE = 48_000;
export const SINK_CHANNELS = 2;

/** The daemon's socket file name inside its runtime folder. */
export const PULSE_SOCKET = 'native';

/** One sink per session (`s<slot>-<random>`), as `pactl list sinks` shows it. */
export const sinkName = (sessionId: string) => `talkrec_${sessionId}`;
export const monitorOf = (sink: string) => `${sink}.monitor`;

/**
 * Start script of the instance's PulseAudio daemon: only the socket (anonymous, in a private folder);
 * recordings add their own null sinks. No default sink: a browser without `PULSE_SINK` plays nowhere.
 */
export function pulseDaemonScript(socketPath: string): string {
  return `load-module module-native-protocol-unix socket=${socketPath} auth-anonymous=1\n`;
}

/** Arguments of `pactl` loading one recording's null sink. */
export function nullSinkArgs(sink: string): string[] {
  return [
    'load-module',
    'module-null-sink',
    `sink_name=${sink}`,
    `sink_properties=device.description=${sink}`,
    `rate=${SINK_RATE}`,
    `channels=${SINK_CHANNELS}`,
  ];
}
