import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The Switchboard window. Built into renderer/dist and served by the gateway at /ui/
// (and loaded by the desktop app). `npm run dev:ui` proxies /api to a running gateway
// ($SWITCHBOARD_URL, default http://127.0.0.1:8080).
const gateway = process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: gateway, changeOrigin: true, ws: false },
      '/stats': { target: gateway, changeOrigin: true },
    },
  },
});
