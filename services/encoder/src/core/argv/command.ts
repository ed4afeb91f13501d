/**
 * An ffmpeg invocation as data. `toArgv` is exactly the argument list the ffmpeg adapter spawns
 * (fluent-ffmpeg's order: each input's options and `-i`, `-y`, `-filter_complex`, then each output's
 * options and target), so the builders are tested by comparing argument lists.
 */
export interface FfmpegInput {
  options: string[];
  source: string;
}

export interface FfmpegOutput {
  options: string[];
  target: string;
}

export interface FfmpegCommand {
  inputs: FfmpegInput[];
  filterComplex?: string;
  outputs: FfmpegOutput[];
}

export function toArgv(command: FfmpegCommand): string[] {
  return [
    ...command.inputs.flatMap((i) => [...i.options, '-i', i.source]),
    '-y',
    ...(command.filterComplex ? ['-filter_complex', command.filterComplex] : []),
    ...command.outputs.flatMap((o) => [...o.options, o.target]),
  ];
}

/**
 * Options every run starts with: quiet except for errors, progress as `key=value` lines on stderr
 * (what the adapter turns into heartbeats), never reading stdin.
 */
export const RUN_OPTIONS = [
  '-hide_banner',
  '-nostdin',
  '-nostats',
  '-loglevel',
  'error',
  '-progress',
  'pipe:2',
];

/** `-threads N` where a thread count is configured (0 = ffmpeg decides). */
export function threadOptions(threads: number): string[] {
  return threads > 0 ? ['-threads', String(threads)] : [];
}

/** Seconds with microsecond precision, the resolution ffmpeg parses time options with. */
export function seconds(value: number): string {
  return value.toFixed(6);
}
