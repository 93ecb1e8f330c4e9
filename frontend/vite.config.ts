/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Django serves frontend/dist as static files under /static/app/ and renders
// the pages itself, reading dist/.vite/manifest.json to find the hashed files
// of two entries: "src/main.tsx" (the app at /app/) and "src/share/main.tsx"
// (the public web chat at /chat/<token>/) — see README.md.
export default defineConfig({
  base: '/static/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: true,
    rollupOptions: {
      input: { main: 'src/main.tsx', chat: 'src/share/main.tsx' },
      // The prompt editor's CodeMirror is its own file: cached apart from the app's code, which
      // changes far more often.
      output: {
        manualChunks(id: string) {
          return id.includes('/node_modules/@codemirror/') ? 'codemirror' : undefined;
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
  },
});
