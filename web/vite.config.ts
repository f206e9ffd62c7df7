/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative URLs everywhere: the server may be mounted under any path prefix.
  base: './',
  plugins: [react()],
  build: {
    outDir: process.env.UI_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  test: { environment: 'node', include: ['src/**/*.test.{ts,tsx}'] },
});
