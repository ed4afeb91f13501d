/** Nextcloud's chunking v2 limits (S3 multipart rules): middle chunks ≥ 5 MiB, numbers 1..10000. */
export const MIN_CHUNK_BYTES = 5 * 1024 * 1024;
export const MAX_CHUNKS = 10_000;

/** How far a chunked upload got: the size of each chunk the server confirmed, in order (chunk 1 first). */
export interface ChunkProgress {
  chunkBytes: number;
  confirmed: number[];
}

export interface NextChunk {
  /** Chunk name, 1-based. */
  number: number;
  /** Where the chunk starts in the file. */
  offset: number;
  bytes: number;
}

/** The configured chunk size, raised so the file fits in 10000 chunks and never below 5 MiB. */
export function initialChunkBytes(totalBytes: number, configured: number): number {
  return Math.max(configured, MIN_CHUNK_BYTES, Math.ceil(totalBytes / MAX_CHUNKS));
}

export const confirmedBytes = (p: ChunkProgress) => p.confirmed.reduce((sum, b) => sum + b, 0);

/**
 * The chunk to send next: it starts where the confirmed ones end, so chunks of different sizes (after
 * a 413 made them smaller) still assemble to the file. Undefined when everything is confirmed.
 */
export function nextChunk(p: ChunkProgress, totalBytes: number): NextChunk | undefined {
  const offset = confirmedBytes(p);
  if (offset >= totalBytes) return undefined;
  return { number: p.confirmed.length + 1, offset, bytes: Math.min(p.chunkBytes, totalBytes - offset) };
}

/**
 * Half the chunk size after a 413, but not under 5 MiB and not so small that the rest of the file
 * needs more than the 10000 chunk numbers left. Undefined when it cannot get smaller.
 */
export function smallerChunkBytes(p: ChunkProgress, totalBytes: number): number | undefined {
  const remaining = totalBytes - confirmedBytes(p);
  const numbersLeft = MAX_CHUNKS - p.confirmed.length;
  const floor = Math.max(MIN_CHUNK_BYTES, Math.ceil(remaining / Math.max(1, numbersLeft)));
  const half = Math.max(floor, Math.floor(p.chunkBytes / 2));
  return half < p.chunkBytes ? half : undefined;
}
