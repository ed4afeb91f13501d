import { CallView, errorCode } from './call-view.js';
import { fetchConfig } from './config.js';
import { Reporter } from './report.js';

const reporter = new Reporter();
let view: CallView | undefined;

window.addEventListener('error', (event) =>
  reporter.send({ type: 'log', level: 'warn', message: String(event.message) }),
);
window.addEventListener('unhandledrejection', (event) =>
  reporter.send({ type: 'log', level: 'warn', message: `unhandled: ${String(event.reason)}` }),
);
// Leaving says bye, so the server frees our subscribers at once instead of after a timeout.
window.addEventListener('pagehide', () => void view?.stop());

async function start(): Promise<void> {
  const config = await fetchConfig();
  view = new CallView(config, reporter);
  await view.start();
}

start().catch((err: unknown) => {
  reporter.send({ type: 'error', code: errorCode(err), message: String(err) });
});
