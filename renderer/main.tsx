import { installDevFake } from './api/api-client.js';
import { afterNextPaint } from './lib/after-paint.js';
import { loadRest, startApp } from './store/app-store.js';
import './styles/app.css';

/**
 * How long the views, once loaded, wait for the first screen's answers before mounting (ms):
 * mounting with the answers in gives one render and one layout of the first screen instead of
 * an empty frame and then a second pass; a slow engine (a cold case still correlating) shows
 * the empty views after this.
 */
const MOUNT_WAIT_MS = 300;

/** Start-up milestones on the page's performance timeline (for the views benchmark and DevTools). */
function mark(name: string): void {
  performance.mark('chainline:' + name);
}

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
  mark('requests-sent');
  void firstScreen.then(() => mark('answers-in'));
  const { mountApp } = await app;
  mark('code-ready');
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([firstScreen, new Promise<void>((resolve) => (timer = setTimeout(resolve, MOUNT_WAIT_MS)))]);
  clearTimeout(timer);
  mark('mount');
  mountApp(root);
  // The rest once the first screen's answers are in and drawn: the render of the first screen
  // is a task queued by mountApp (or by the answers' arrival), and the frame after it paints.
  void firstScreen.then(afterNextPaint).then(loadRest);
}

void boot();
