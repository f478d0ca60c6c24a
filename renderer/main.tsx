import { installDevFake } from './api/api-client.js';
import { startApp } from './store/app-store.js';
import './styles/app.css';

async function boot(): Promise<void> {
  await installDevFake();
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  // The first screen's requests (sessions, the table's first page) leave before React and the
  // views are even parsed: this chunk is the store and the API client only, and the engine
  // works on the answers while the browser loads and evaluates the rest (issue 6: first screen
  // within 1 s on a million events).
  void startApp();
  const { mountApp } = await import('./mount-app.js');
  mountApp(root);
}

void boot();
