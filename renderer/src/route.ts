import { useEffect, useState } from 'react';

// Pages live in the fragment (#/costs): the gateway serves one index.html at /ui/,
// and the fragment never reaches a server.

export const PAGES = ['overview', 'providers', 'routing', 'health', 'costs', 'requests'] as const;
export type Page = (typeof PAGES)[number];

export const PAGE_TITLES: Record<Page, string> = {
  overview: 'Overview',
  providers: 'Providers',
  routing: 'Routing',
  health: 'Health',
  costs: 'Costs',
  requests: 'Requests',
};

export function pageFromHash(hash: string): Page {
  const name = hash.replace(/^#\/?/, '').split(/[/?&]/)[0];
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'overview';
}

export const hrefFor = (p: Page) => `#/${p}`;

export function navigate(p: Page): void {
  window.location.hash = `/${p}`;
}

export function usePage(): Page {
  const [page, setPage] = useState<Page>(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const on = () => setPage(pageFromHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return page;
}
