import type { Log } from '../log.js';
import type { CandidateFilter } from './ice.js';

export type PeerFactory = (config: RTCConfiguration) => RTCPeerConnection;

export const browserPeerFactory: PeerFactory = (config) => new RTCPeerConnection(config);

/** What every PeerConnection of the lib is made with. */
export interface PeerOptions {
  iceServers: RTCIceServer[];
  /** Unit tests pass fakes; browsers use RTCPeerConnection. */
  peerFactory?: PeerFactory;
  /** Local candidates that may be sent; all when absent. */
  candidateFilter?: CandidateFilter;
  log: Log;
}
