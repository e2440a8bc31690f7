import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api';
import { App } from './App';
import { getLive } from './events/live';
import './theme.css';

// Startup: read the admin token once (fragment or desktop preload), then open the
// one event stream that keeps every page live.

const client = api();
if (client.token) getLive().start((after) => client.eventsUrl(after));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
