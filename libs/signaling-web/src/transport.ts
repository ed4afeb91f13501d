/** What the connection needs from a websocket; the browser's WebSocket by default, a fake in unit tests. */
export interface Transport {
  send(text: string): void;
  close(): void;
}

export interface TransportHandlers {
  open(): void;
  message(text: string): void;
  /** Called once, whether the socket failed to open or closed later. */
  close(code: number, reason: string): void;
}

export type TransportFactory = (url: string, handlers: TransportHandlers) => Transport;

export const webSocketTransport: TransportFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.onopen = () => handlers.open();
  ws.onmessage = (event) => {
    if (typeof event.data === 'string') handlers.message(event.data);
  };
  // An error is always followed by a close event, which carries what we need.
  ws.onerror = () => {};
  ws.onclose = (event) => handlers.close(event.code, event.reason);
  return { send: (text) => ws.send(text), close: () => ws.close() };
};
