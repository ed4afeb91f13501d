import { describe, expect, it } from 'vitest';
import { AAC, MP3, OPUS } from '../audio-codecs.js';
import type { VideoPartPlan } from '../part-plan.js';
import { RUN_OPTIONS, seconds, toArgv } from './command.js';
import { inspectCommand } from './inspect.js';
import { videoPartCommand } from './video-part.js';
import {
  aacOutput,
  audioOutput,
  audioPartCommand,
  flacOutput,
  mp3Output,
  opusOutput,
  wavOutput,
} from './audio-part.js';
import { audioMuxCommands, ffconcat, posterCommand, primingOffset, videoMuxCommand } from './final-mux.js';

const RUN = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:2'];
const PCM_IN = [...RUN, '-f', 's16le', '-ar', '48000', '-ac', '2', '-i', 'in.pcm', '-y', '-map', '0:a'];

describe('ffmpeg argument lists', () => {
  it('puts inputs, -y, the filter graph and outputs in fluent-ffmpeg order', () => {
    expect(RUN_OPTIONS).toEqual(RUN);
    expect(
      toArgv({
        inputs: [
          { options: ['-a'], source: 'x' },
          { options: [], source: 'y' },
        ],
        filterComplex: '[0:v]null[v]',
        outputs: [{ options: ['-map', '[v]'], target: 'out' }],
      }),
    ).toEqual(['-a', '-i', 'x', '-i', 'y', '-y', '-filter_complex', '[0:v]null[v]', '-map', '[v]', 'out']);
    expect(seconds(1 / 3)).toBe('0.333333');
  });

  it('inspects a segment: packet list of every stream, audio as 48 kHz s16le stereo', () => {
    expect(toArgv(inspectCommand('seg.mkv', 'seg.crc', 'seg.pcm'))).toEqual([
      ...RUN,
      '-i',
      'seg.mkv',
      '-y',
      '-map',
      '0',
      '-c',
      'copy',
      '-f',
      'framecrc',
      'seg.crc',
      '-map',
      '0:a:0',
      '-c:a',
      'pcm_s16le',
      '-ar',
      '48000',
      '-ac',
      '2',
      '-f',
      's16le',
      'seg.pcm',
    ]);
    expect(toArgv(inspectCommand('seg.mkv', 'seg.crc', undefined))).toEqual([
      ...RUN,
      '-i',
      'seg.mkv',
      '-y',
      '-map',
      '0',
      '-c',
      'copy',
      '-f',
      'framecrc',
      'seg.crc',
    ]);
  });

  const plan: VideoPartPlan = {
    startFrame: 300,
    endFrame: 600,
    trimFrames: 0,
    padFrames: 0,
    pad: 'clone',
    width: 1280,
    height: 720,
    fps: 30,
  };
  const x264 = { preset: 'veryfast' as const, crf: 25, threads: 0 };
  const audio = { pcm: 'in.pcm', kbps: 128, target: 'a.aac' };
  const pcmIn = ['-f', 's16le', '-ar', '48000', '-ac', '2', '-i', 'in.pcm'];
  const aacOut = ['-map', '1:a', '-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '128k', '-f', 'adts', 'a.aac'];
  const videoOut = (frames: number, threads: string[] = []) => [
    '-map',
    '[v]',
    '-frames:v',
    String(frames),
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '25',
    '-pix_fmt',
    'yuv420p',
    ...threads,
    '-f',
    'mp4',
    'part.mp4',
    ...aacOut,
  ];

  it('encodes a part of exactly its frame count at constant rate (H.264, veryfast, crf 25)', () => {
    expect(toArgv(videoPartCommand('seg.mkv', plan, x264, 'part.mp4', audio))).toEqual([
      ...RUN,
      '-i',
      'seg.mkv',
      ...pcmIn,
      '-y',
      '-filter_complex',
      '[0:v:0]fps=30,setpts=PTS-STARTPTS,scale=1280:720,setsar=1,format=yuv420p,tpad=stop=-1:stop_mode=clone[v]',
      ...videoOut(300),
    ]);
  });

  it('drops frames the previous part has, pads black for a takeover gap, and pins threads when asked', () => {
    expect(toArgv(videoPartCommand('seg.mkv', { ...plan, trimFrames: 2 }, x264, 'part.mp4', audio))).toEqual([
      ...RUN,
      '-i',
      'seg.mkv',
      ...pcmIn,
      '-y',
      '-filter_complex',
      '[0:v:0]fps=30,trim=start_frame=2,setpts=PTS-STARTPTS,scale=1280:720,setsar=1,format=yuv420p,tpad=stop=-1:stop_mode=clone[v]',
      ...videoOut(300),
    ]);
    expect(
      toArgv(
        videoPartCommand(
          'seg.mkv',
          { ...plan, startFrame: 270, padFrames: 30, pad: 'black' },
          { ...x264, threads: 1 },
          'part.mp4',
          audio,
        ),
      ),
    ).toEqual([
      ...RUN,
      '-filter_threads',
      '1',
      '-threads',
      '1',
      '-i',
      'seg.mkv',
      ...pcmIn,
      '-y',
      '-filter_complex',
      '[0:v:0]fps=30,setpts=PTS-STARTPTS,scale=1280:720,setsar=1,format=yuv420p,tpad=start=30:start_mode=add:color=black:stop=-1:stop_mode=clone[v]',
      ...videoOut(330, ['-threads', '1']),
    ]);
    expect(videoPartCommand('s', { ...plan, padFrames: 1 }, x264, 'p', audio).filterComplex).toContain(
      'tpad=start=1:start_mode=clone:stop=-1',
    );
  });

  it('encodes each audio codec from raw PCM in its part format', () => {
    expect(toArgv(audioPartCommand('aac', 'in.pcm', 128, 'a.aac'))).toEqual([
      ...PCM_IN,
      '-c:a',
      'aac',
      '-aac_coder',
      'fast',
      '-b:a',
      '128k',
      '-f',
      'adts',
      'a.aac',
    ]);
    expect(toArgv(audioPartCommand('mp3', 'in.pcm', 160, 'a.mp3'))).toEqual([
      ...PCM_IN,
      '-c:a',
      'libmp3lame',
      '-b:a',
      '160k',
      '-reservoir',
      '0',
      '-write_xing',
      '0',
      '-id3v2_version',
      '0',
      '-f',
      'mp3',
      'a.mp3',
    ]);
    expect(toArgv(audioPartCommand('opus', 'in.pcm', 64, 'a.ogg'))).toEqual([
      ...PCM_IN,
      '-c:a',
      'libopus',
      '-b:a',
      '64k',
      '-f',
      'ogg',
      'a.ogg',
    ]);
    expect(toArgv(audioPartCommand('flac', 'in.pcm', 0, 'a.flac'))).toEqual([
      ...PCM_IN,
      '-c:a',
      'flac',
      '-f',
      'flac',
      'a.flac',
    ]);
    expect(toArgv(audioPartCommand('wav', 'in.pcm', 0, 'a.wav'))).toEqual([
      ...PCM_IN,
      '-c:a',
      'pcm_s16le',
      '-f',
      'wav',
      'a.wav',
    ]);
  });

  it('builds each audio output for any input of a combined run', () => {
    expect(aacOutput(1, 96, 'x').options.slice(0, 2)).toEqual(['-map', '1:a']);
    expect(audioOutput('mp3', 2, 128, 'x')).toEqual(mp3Output(2, 128, 'x'));
    expect(audioOutput('opus', 0, 48, 'x')).toEqual(opusOutput(0, 48, 'x'));
    expect(audioOutput('flac', 0, 0, 'x')).toEqual(flacOutput(0, 'x'));
    expect(audioOutput('wav', 0, 0, 'x')).toEqual(wavOutput(0, 'x'));
  });

  it('moves the joined stream back by the codec delay, to the µs', () => {
    expect(primingOffset(AAC)).toBe('-0.021333');
    expect(primingOffset(MP3)).toBe('-0.023021');
    expect(primingOffset(OPUS)).toBe('-0.006500');
  });

  it('muxes H.264 parts and the joined AAC by stream copy, MP4 with faststart', () => {
    const sources = { videoList: 'v.ffconcat', audio: 'a.aac' };
    const head = [
      ...RUN,
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      'v.ffconcat',
      '-itsoffset',
      '-0.021333',
      '-f',
      'aac',
      '-i',
      'a.aac',
      '-y',
    ];
    const maps = ['-map', '0:v:0', '-map', '1:a:0', '-c', 'copy'];
    expect(toArgv(videoMuxCommand('mp4', sources, 'f.mp4'))).toEqual([
      ...head,
      ...maps,
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      'f.mp4',
    ]);
    expect(toArgv(videoMuxCommand('mkv', sources, 'f.mkv'))).toEqual([
      ...head,
      ...maps,
      '-f',
      'matroska',
      'f.mkv',
    ]);
  });

  describe('audio-only final files, per codec and container', () => {
    const mux = (codec: string, container: string) =>
      audioMuxCommands(
        { kind: 'audio', codec, container } as never,
        { audio: 'joined' },
        'final',
        'mid.mp4',
      ).map(toArgv);
    const copy = ['-y', '-map', '0:a:0', '-c', 'copy'];
    const concat = [...RUN, '-f', 'concat', '-safe', '0', '-i', 'joined', '-y', '-map', '0:a:0'];

    it('AAC: m4a/mp4 with an edit list and faststart, or Matroska', () => {
      const input = [...RUN, '-itsoffset', '-0.021333', '-f', 'aac', '-i', 'joined'];
      expect(mux('aac', 'm4a')).toEqual([
        [...input, ...copy, '-movflags', '+faststart', '-f', 'mp4', 'final'],
      ]);
      expect(mux('aac', 'mp4')).toEqual(mux('aac', 'm4a'));
      expect(mux('aac', 'mkv')).toEqual([[...input, ...copy, '-f', 'matroska', 'final']]);
    });

    it('MP3: through an MP4 edit list so the .mp3 gets its gapless header; or Matroska', () => {
      const input = [...RUN, '-itsoffset', '-0.023021', '-f', 'mp3', '-i', 'joined'];
      expect(mux('mp3', 'mp3')).toEqual([
        [...input, ...copy, '-f', 'mp4', 'mid.mp4'],
        [...RUN, '-i', 'mid.mp4', ...copy, '-f', 'mp3', 'final'],
      ]);
      expect(mux('mp3', 'mkv')).toEqual([[...input, ...copy, '-f', 'matroska', 'final']]);
    });

    it('Opus: the joined Ogg is the file; Matroska by stream copy', () => {
      expect(mux('opus', 'ogg')).toEqual([]);
      expect(mux('opus', 'mkv')).toEqual([
        [...RUN, '-f', 'ogg', '-i', 'joined', ...copy, '-f', 'matroska', 'final'],
      ]);
    });

    it('FLAC and WAV: the parts joined as PCM', () => {
      expect(mux('flac', 'flac')).toEqual([[...concat, '-c:a', 'flac', '-f', 'flac', 'final']]);
      expect(mux('flac', 'ogg')).toEqual([[...concat, '-c:a', 'flac', '-f', 'ogg', 'final']]);
      expect(mux('flac', 'mkv')).toEqual([[...concat, '-c:a', 'flac', '-f', 'matroska', 'final']]);
      expect(mux('wav', 'wav')).toEqual([
        [...concat, '-c:a', 'pcm_s16le', '-rf64', 'auto', '-f', 'wav', 'final'],
      ]);
      expect(mux('wav', 'mkv')).toEqual([[...concat, '-c:a', 'pcm_s16le', '-f', 'matroska', 'final']]);
    });
  });

  it('grabs one poster frame as JPEG', () => {
    expect(toArgv(posterCommand('f.mp4', 5, 'p.jpg'))).toEqual([
      ...RUN,
      '-ss',
      '5.000000',
      '-i',
      'f.mp4',
      '-y',
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-c:v',
      'mjpeg',
      '-q:v',
      '3',
      '-f',
      'mjpeg',
      'p.jpg',
    ]);
  });

  it('lists parts with exact durations, quoting paths', () => {
    expect(
      ffconcat([
        { path: "/w/it's.mp4", durationS: 10 },
        { path: '/w/b.mp4', durationS: 1 / 30 },
      ]),
    ).toBe(
      "ffconcat version 1.0\nfile '/w/it'\\''s.mp4'\nduration 10.000000\nfile '/w/b.mp4'\nduration 0.033333\n",
    );
  });
});
