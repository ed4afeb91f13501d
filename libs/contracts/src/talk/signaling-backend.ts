/**
 * The HPB's backend API between Nextcloud and the signaling server (both directions): header names and
 * paths. Used by talkrec's test stand-in and by anything that must act as Nextcloud towards the HPB.
 */
export const signalingHeaders = {
  random: 'spreed-signaling-random',
  checksum: 'spreed-signaling-checksum',
  backend: 'spreed-signaling-backend',
  features: 'x-spreed-signaling-features',
} as const;

export const signalingPaths = {
  /** Nextcloud → signaling: `POST /api/v1/room/{roomToken}` */
  room: (token: string) => `/api/v1/room/${encodeURIComponent(token)}`,
  /** The websocket endpoint clients connect to. */
  websocket: '/spreed',
  welcome: '/api/v1/welcome',
  /** Signaling → Nextcloud (the `auth.url` clients pass in hello). */
  nextcloudBackendV1: '/ocs/v2.php/apps/spreed/api/v1/signaling/backend',
  nextcloudBackendV3: '/ocs/v2.php/apps/spreed/api/v3/signaling/backend',
  capabilities: '/ocs/v2.php/cloud/capabilities',
} as const;
