import { ApiError } from './client';

// Errors in plain words: what went wrong, and what to do next.

export interface Explained {
  what: string;
  next: string;
}

export function explain(err: unknown): Explained {
  if (err instanceof ApiError) {
    if (err.type === 'network_error') {
      return { what: 'Switchboard cannot be reached.', next: 'Check that it is still running (switchboard serve, or the desktop app), then reload this page.' };
    }
    if (err.type === 'timeout') return { what: `${err.message}.`, next: 'It may be busy; try again in a moment.' };
    if (err.status === 401) {
      return {
        what: 'Switchboard refused the admin token.',
        next: 'Open the window from the login link Switchboard printed when it started (it ends in #token=…); the token changes if its state directory was reset.',
      };
    }
    if (err.missing) return { what: 'This Switchboard does not have that feature yet.', next: 'Update Switchboard, or change it in the config file and restart.' };
    if (err.status === 503) return { what: sentence(err.message), next: 'Change the config as it says, then restart Switchboard.' };
    if (err.status === 400) return { what: sentence(err.message), next: 'Correct the field it names and try again.' };
    if (err.status === 409) return { what: sentence(err.message), next: 'Pick another name or port.' };
    if (err.status >= 500) return { what: sentence(err.message), next: 'Try again; if it keeps failing, the gateway log says more.' };
    return { what: sentence(err.message), next: 'Try again.' };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { what: sentence(msg || 'Something went wrong.'), next: 'Reload the page and try again.' };
}

function sentence(s: string): string {
  const t = s.trim();
  if (!t) return 'Something went wrong.';
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
