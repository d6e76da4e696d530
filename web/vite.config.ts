import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { precompress } from './precompress.ts';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const api = 'http://127.0.0.1:8080';

// `vite web` (dev) and `vite build web` (web/dist, served by the API at /).
export default defineConfig({
  root: webDir,
  plugins: [vue(), precompress()],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    // 8089 is a redirect address the Keycloak realm accepts for the web client.
    port: 8089,
    strictPort: true,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/docs': { target: api, changeOrigin: false },
    },
    // The app imports the shared rules from ../domain.
    fs: { allow: [repoRoot] },
  },
});
