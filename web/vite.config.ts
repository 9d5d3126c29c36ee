// Multi-page build of the three surfaces (and the demo shop page) into dist/, laid out the way
// the server serves them. The widget loader is built apart (vite.loader.config.ts) so it keeps
// a stable name and no shared chunk.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
/** `npm run dev` forwards the API and sockets to a running server (default: the demo's port). */
const server = process.env.RAASEL_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        app: resolve(root, 'index.html'),
        console: resolve(root, 'console/index.html'),
        widget: resolve(root, 'widget/index.html'),
        demo: resolve(root, 'demo/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
  },
});
