import { backendsConfigShape, baseConfigShape, env, loadConfig, opsListenKey } from '@talkrec/platform';

export const controllerConfigShape = {
  ...baseConfigShape,
  ...backendsConfigShape,
  ...opsListenKey('127.0.0.1:9101'),
  /** The HPB's NATS (read only); defaults to NATS_URL. */
  HPB_NATS_URL: env.optionalUrl(['nats', 'tls']),
  /** Talk's recording-server API (what Talk's admin settings point at). */
  TALK_API_LISTEN: env.listen('127.0.0.1:8000'),
  /** Admin API; `off` disables it. Bound to loopback unless an admin says otherwise. */
  ADMIN_API_LISTEN: env.string('127.0.0.1:8001'),
  ADMIN_API_TOKEN: env.optionalSecret(),
  /** Which rooms are recorded automatically: `all`, `none`, or a comma-separated list of room tokens. */
  AUTO_RECORD: env.string('none'),
  /** A call that empties and refills within this many seconds stays one recording. */
  CALL_GRACE_S: env.int({ default: 15, min: 0, max: 3600 }),
  /** Where finished recordings go when no other target applies: `local` or a WebDAV account id. */
  DEFAULT_UPLOAD_TARGET: env.string('local'),
};

export type ControllerConfig = ReturnType<typeof loadControllerConfig>;
export const loadControllerConfig = (source?: Record<string, string | undefined>) =>
  loadConfig(controllerConfigShape, source);
