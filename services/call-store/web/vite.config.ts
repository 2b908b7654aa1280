// Builds the QA review page into dist/store-web (served by the call-store under /qa/). Everything
// (uPlot included) is bundled: no CDN at run time. Run: npm run build:store-web.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/qa/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../dist/store-web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
});
