/** Injection tokens for what the uploader registers beyond the platform's `TOKENS`. */
export const UPLOADER = {
  /** The `kv.uploads` bucket (NATS KV). */
  UploadsKv: Symbol('UploadsKv'),
  /** The configured Nextcloud backends (`resolveBackends`). */
  Backends: Symbol('Backends'),
} as const;
