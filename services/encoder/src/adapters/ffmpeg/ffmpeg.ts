import ffmpeg from 'fluent-ffmpeg';
import { inject, injectable } from 'tsyringe';
import { TOKENS, TalkrecError, errorMessage } from '@talkrec/platform';
import type { EncoderConfig } from '../../config.js';
import type { FfmpegCommand } from '../../core/argv/command.js';
import type { MediaProbe } from '../../core/verify.js';

/** ffmpeg or ffprobe failed; `line` is what ffmpeg said about it (its last error lines). */
export class FfmpegError extends TalkrecError {
  constructor(
    code: 'ffmpeg_failed' | 'ffmpeg_aborted' | 'ffmpeg_timeout' | 'ffprobe_failed',
    readonly line: string,
  ) {
    super(code, line);
  }
}

export interface RunOptions {
  signal?: AbortSignal | undefined;
  /** Called with ffmpeg's output position (seconds) as it progresses. */
  onProgress?: ((outTimeS: number) => void) | undefined;
}

export interface RunResult {
  /** Error-level lines ffmpeg printed although it succeeded (e.g. a truncated input). */
  errorLines: string[];
}

const PROGRESS_LINE = /^(\w+)=(.*)$/;

function lastLines(lines: readonly string[], fallback: string): string {
  const meaningful = lines.filter((l) => l.length > 0);
  return meaningful.length ? meaningful.slice(-2).join(' | ') : fallback;
}

/** The one place that runs ffmpeg and ffprobe (through fluent-ffmpeg) and maps their output to our types. */
@injectable()
export class Ffmpeg {
  private readonly timeoutS: number;

  constructor(@inject(TOKENS.Config) private readonly config: EncoderConfig) {
    this.timeoutS = config.FFMPEG_TIMEOUT_S;
  }

  run(command: FfmpegCommand, options: RunOptions = {}): Promise<RunResult> {
    const { signal, onProgress } = options;
    if (signal?.aborted) {
      return Promise.reject(new FfmpegError('ffmpeg_aborted', 'ffmpeg not started: stopping'));
    }
    const cmd = ffmpeg({ timeout: this.timeoutS }).setFfmpegPath(this.config.FFMPEG_PATH);
    for (const input of command.inputs) {
      cmd.input(input.source);
      // Spread, never an array: fluent-ffmpeg splits array items that contain one space.
      if (input.options.length) cmd.inputOptions(...input.options);
    }
    if (command.filterComplex) cmd.complexFilter(command.filterComplex);
    for (const output of command.outputs) {
      cmd.output(output.target);
      if (output.options.length) cmd.outputOptions(...output.options);
    }
    return new Promise<RunResult>((resolve, reject) => {
      const errorLines: string[] = [];
      const kill = () => cmd.kill('SIGKILL');
      signal?.addEventListener('abort', kill, { once: true });
      const settle = () => signal?.removeEventListener('abort', kill);
      cmd.on('start', () => {
        if (signal?.aborted) kill();
      });
      cmd.on('stderr', (line: string) => {
        const kv = PROGRESS_LINE.exec(line);
        if (!kv) {
          if (line.trim()) errorLines.push(line.trim());
        } else if (kv[1] === 'out_time_us' && onProgress) {
          const us = Number(kv[2]);
          if (Number.isFinite(us)) onProgress(us / 1e6);
        }
      });
      cmd.on('end', () => {
        settle();
        resolve({ errorLines });
      });
      cmd.on('error', (err: Error) => {
        settle();
        if (signal?.aborted) reject(new FfmpegError('ffmpeg_aborted', 'ffmpeg killed: stopping'));
        else if (/timeout/.test(err.message)) {
          reject(new FfmpegError('ffmpeg_timeout', `ffmpeg ran longer than ${this.timeoutS} s`));
        } else reject(new FfmpegError('ffmpeg_failed', lastLines(errorLines, err.message)));
      });
      cmd.run();
    });
  }

  /** ffprobe's view of a file; `countPackets` also counts video packets (demuxing, no decoding). */
  probe(file: string, countPackets = false): Promise<MediaProbe> {
    return new Promise((resolve, reject) => {
      const command = ffmpeg(file).setFfprobePath(this.config.FFPROBE_PATH);
      command.ffprobe(countPackets ? ['-count_packets'] : [], (err: unknown, data: ffmpeg.FfprobeData) => {
        if (err) {
          const text = errorMessage(err);
          reject(new FfmpegError('ffprobe_failed', lastLines(text.split('\n'), text)));
          return;
        }
        resolve(toProbe(data));
      });
    });
  }
}

function ratio(value: string | undefined): number {
  const [num, den] = (value ?? '0/1').split('/').map(Number);
  return num && den ? num / den : 0;
}

function toProbe(data: ffmpeg.FfprobeData): MediaProbe {
  const v = data.streams.find((s) => s.codec_type === 'video');
  const a = data.streams.find((s) => s.codec_type === 'audio');
  const packets = Number(v?.nb_read_packets);
  return {
    formatName: String(data.format.format_name ?? ''),
    durationS: Number(data.format.duration),
    ...(v
      ? {
          video: {
            codec: v.codec_name ?? '',
            width: v.width ?? 0,
            height: v.height ?? 0,
            fps: ratio(v.r_frame_rate),
            ...(Number.isFinite(packets) ? { packets } : {}),
          },
        }
      : {}),
    ...(a
      ? {
          audio: {
            codec: a.codec_name ?? '',
            sampleRate: Number(a.sample_rate),
            channels: Number(a.channels),
          },
        }
      : {}),
  };
}
