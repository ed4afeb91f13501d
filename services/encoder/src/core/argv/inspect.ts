import { AUDIO_CHANNELS, AUDIO_RATE } from '../audio-codecs.js';
import { RUN_OPTIONS, type FfmpegCommand } from './command.js';

/**
 * Reads a captured segment without decoding its video: every packet's timing and size (framecrc), and
 * its audio as raw 48 kHz s16le stereo PCM, the input of every audio encode.
 */
export function inspectCommand(segment: string, packetList: string, pcm: string | undefined): FfmpegCommand {
  return {
    inputs: [{ options: [...RUN_OPTIONS], source: segment }],
    outputs: [
      { options: ['-map', '0', '-c', 'copy', '-f', 'framecrc'], target: packetList },
      ...(pcm
        ? [
            {
              options: [
                '-map',
                '0:a:0',
                '-c:a',
                'pcm_s16le',
                '-ar',
                String(AUDIO_RATE),
                '-ac',
                String(AUDIO_CHANNELS),
                '-f',
                's16le',
              ],
              target: pcm,
            },
          ]
        : []),
    ],
  };
}
