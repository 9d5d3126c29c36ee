// The widget loader: one small classic script at dist/widget.js (stable name, no imports), which
// host pages include with <script src=".../widget.js" data-organization="..." async>.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2019',
    lib: {
      entry: resolve(root, 'src/widget-loader/loader.ts'),
      formats: ['iife'],
      name: 'RaaselWidget',
      fileName: () => 'widget.js',
    },
  },
});
