import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { hydrate } from './hydrate.ts';
import { i18n } from './i18n/index.ts';
import { createAppRouter } from './router/index.ts';
import { followPageTitle } from './router/page-title.ts';
import { reloadOnStaleChunks } from './stale-release.ts';
import './styles/main.css';

async function start(): Promise<void> {
  reloadOnStaleChunks(window, sessionStorage);
  const app = createApp(App).use(createPinia()).use(i18n);
  // The first page depends on who is signed in: hydrate, then route.
  await hydrate();
  app.use(createAppRouter());
  app.mount('#app');
  followPageTitle(() => i18n.global.t('app.name'));
}

void start();
