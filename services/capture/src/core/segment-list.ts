/** One line of ffmpeg's CSV segment list: a segment the muxer has ended. */
export interface SegmentListEntry {
  file: string;
  index: number;
  /** Start and end on the grab's output timeline, in seconds. */
  startS: number;
  endS: number;
}

const FILE_INDEX = /^seg_(\d+)\.mkv$/;

export function segmentIndexOf(file: string): number | undefined {
  const m = FILE_INDEX.exec(file);
  return m ? Number(m[1]) : undefined;
}

/** Complete lines only: a line still being written (no newline yet) is left for the next read. */
export function parseSegmentList(text: string): SegmentListEntry[] {
  const entries: SegmentListEntry[] = [];
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  for (const line of complete.split('\n')) {
    const [file, start, end] = line.trim().split(',');
    if (!file || start === undefined || end === undefined) continue;
    const index = segmentIndexOf(file);
    const startS = Number(start);
    const endS = Number(end);
    if (index === undefined || !Number.isFinite(startS) || !Number.isFinite(endS)) continue;
    entries.push({ file, index, startS, endS });
  }
  return entries;
}
