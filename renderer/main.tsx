import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installDevFake } from './api/api-client.js';
import { App } from './components/app.js';
import { startApp } from './store/app-store.js';
import './styles/app.css';

async function boot(): Promise<void> {
  await installDevFake();
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  startApp();
}

void boot();
