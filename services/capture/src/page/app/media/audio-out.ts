/**
 * Plays every remote audio track through its own `<audio>` element: that is what reaches the
 * recording's PulseAudio sink (and Chromium only decodes remote WebRTC audio that is played out).
 */
export class AudioOut {
  private readonly elements = new Map<string, HTMLAudioElement>();

  constructor(
    private readonly container: HTMLElement,
    /** Called when playback is refused: the recording would be silent (autoplay policy). */
    private readonly onBlocked: (key: string, error: unknown) => void,
  ) {}

  set(key: string, sessionId: string, track: MediaStreamTrack): void {
    let element = this.elements.get(key);
    if (!element) {
      element = document.createElement('audio');
      element.autoplay = true;
      element.dataset.sessionId = sessionId;
      element.dataset.key = key;
      this.container.append(element);
      this.elements.set(key, element);
    }
    element.srcObject = new MediaStream([track]);
    element.play().catch((err: unknown) => this.onBlocked(key, err));
  }

  remove(key: string): void {
    const element = this.elements.get(key);
    if (!element) return;
    element.srcObject = null;
    element.remove();
    this.elements.delete(key);
  }
}
