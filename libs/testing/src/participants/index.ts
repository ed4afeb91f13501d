export { SyntheticParticipant, type SyntheticParticipantOptions } from './synthetic-participant.js';
export { makeFakeMedia, type FakeMedia, type FakeMediaOptions } from './fake-media.js';
export { LoopbackServer, type LoopbackResponse, type LoopbackRoute } from './loopback-server.js';
export {
  CHROMIUM_PATH,
  launchTestChromium,
  loopbackWebRtcArgs,
  testChromiumArgs,
  type TestChromiumOptions,
} from './chromium.js';
