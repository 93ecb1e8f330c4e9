/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Django serves frontend/dist as static files under /static/app/ and renders
// the page at /app/ itself, reading dist/.vite/manifest.json to find the
// hashed file of the entry "src/main.tsx" (see README.md).
export default defineConfig({
  base: '/static/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: true,
    rollupOptions: {
      input: 'src/main.tsx',
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
