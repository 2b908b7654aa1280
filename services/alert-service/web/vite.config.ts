// Vite build of the alert-service pages (login, wallboard, agent view) into the ignored
// dist/alert-web folder that the service serves; no CDN at run time. `npm run build:web`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: process.env.ALERT_WEB_OUT_DIR ?? join(here, '../../../dist/alert-web'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        index: join(here, 'index.html'),
        wallboard: join(here, 'wallboard.html'),
        agent: join(here, 'agent.html'),
      },
    },
  },
});
