import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Four projects: the gateway's tests (node, forks), the window's unit tests
// (React components and stores in happy-dom), the desktop app's logic (node, no
// Electron), and the end-to-end tests (node: a real gateway and headless Chromium
// through playwright-core; the Electron app where its binary exists).
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'proxy', include: ['proxy/**/*.test.ts'], pool: 'forks', environment: 'node' } },
      { extends: true, plugins: [react()], test: { name: 'renderer', include: ['renderer/src/**/*.test.{ts,tsx}', 'renderer/scripts/**/*.test.ts'], environment: 'happy-dom', setupFiles: ['renderer/src/test/setup.ts'] } },
      { extends: true, test: { name: 'desktop', include: ['electron/**/*.test.ts'], exclude: ['electron/e2e/**'], pool: 'forks', environment: 'node' } },
      { extends: true, test: { name: 'ui-e2e', include: ['renderer/e2e/**/*.test.ts', 'electron/e2e/**/*.test.ts'], pool: 'forks', environment: 'node', testTimeout: 120_000, hookTimeout: 180_000 } },
    ],
  },
});
