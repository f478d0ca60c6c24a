import { installDevFake } from './api/api-client.js';
import { startApp } from './store/app-store.js';
import './styles/app.css';

/**
 * How long the views, once loaded, wait for the first screen's answers before mounting (ms):
 * mounting with the answers in gives one render and one layout of the first screen instead of
 * an empty frame and then a second pass; a slow engine (a cold case still correlating) shows
 * the empty views after this.
 */
const MOUNT_WAIT_MS = 300;

async function boot(): Promise<void> {
  await installDevFake();
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  // The first screen's requests (sessions, the table's first page) leave before React and the
  // views are even parsed: this chunk is the store and the API client only, and the engine
  // works on the answers while the browser loads and evaluates the rest (issue 6: first screen
  // within 1 s on a million events).
  // The chunk is asked for first: the browser opens six connections to a host, and behind the
  // API's answers (hundreds of ms on a large case) the code that renders them would wait.
  const app = import('./mount-app.js');
  // Whatever happens to the first screen's requests, the views mount (they show the errors).
  const firstScreen = startApp().catch(() => undefined);
  const { mountApp } = await app;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([firstScreen, new Promise<void>((resolve) => (timer = setTimeout(resolve, MOUNT_WAIT_MS)))]);
  clearTimeout(timer);
  mountApp(root);
}

void boot();
