/** Injection tokens of capture's own values (classes are their own tokens). */
export const CAPTURE_TOKENS = {
  /** The parsed CaptureConfig. */
  Config: Symbol('CaptureConfig'),
  /** The recordings KV bucket. */
  RecordingsKv: Symbol('RecordingsKv'),
  /** The leases KV bucket. */
  LeasesKv: Symbol('LeasesKv'),
} as const;
