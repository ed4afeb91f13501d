/** A byte range of a local file, sent as one request body. */
export interface FileSlice {
  path: string;
  offset: number;
  bytes: number;
}

/** The server side of a chunked upload (Nextcloud chunking v2), as the upload engine needs it. */
export interface ChunkEndpoint {
  /** MKCOL of the upload folder. */
  create(uploadId: string, signal: AbortSignal): Promise<void>;
  /** The chunks the server holds; 'missing' when the folder is gone, 'unsupported' without PROPFIND. */
  list(
    uploadId: string,
    signal: AbortSignal,
  ): Promise<ReadonlyMap<number, number> | 'missing' | 'unsupported'>;
  put(uploadId: string, chunk: number, slice: FileSlice, signal: AbortSignal): Promise<void>;
  remove(uploadId: string, chunk: number, signal: AbortSignal): Promise<void>;
  /** MOVE of `.file` to the destination; the new file's id when the server names it. */
  assemble(uploadId: string, signal: AbortSignal): Promise<{ fileId: string | undefined }>;
}
