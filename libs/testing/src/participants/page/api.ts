/** What the Node side of a synthetic participant hands to, and calls on, its browser page. */
export interface ParticipantPageConfig {
  signalingUrl: string;
  /** The stand-in's signaling backend URL (hello `auth.url`). */
  backendUrl: string;
  userId: string;
  ticket: string;
  roomId: string;
  nextcloudSessionId: string;
  displayName: string;
  /** Label and colour of the fake screen share. */
  screenLabel: string;
  hue: number;
}

export interface ParticipantPageApi {
  connect(config: ParticipantPageConfig): Promise<{ sessionId: string }>;
  publishCamera(): Promise<void>;
  /** Stops publishing the camera and publishes it again on a new PeerConnection (same session). */
  republishCamera(): Promise<void>;
  shareScreen(): Promise<void>;
  stopScreen(): void;
  /** Enables or silences the microphone track (the tone keeps looping underneath). */
  setTalking(talking: boolean): void;
  /** Bytes sent so far per published stream kind, from the publishers' stats. */
  sentBytes(): Promise<{ audio: number; video: number; screen: number }>;
  leave(): Promise<void>;
}

/** A line the page sends to Node (`window.participantReport`). */
export interface ParticipantPageReport {
  level: 'debug' | 'info' | 'warn';
  message: string;
  fields?: Record<string, unknown>;
}
