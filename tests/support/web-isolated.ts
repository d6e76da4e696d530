/**
 * The web tests that mock modules (`vi.mock`): each runs in its own worker thread (the
 * `web-isolated` project), since the other web tests share their worker's modules and would
 * meet the mocks. tests/lint/web-mocks-isolated.test.ts keeps this list whole.
 */
export const webIsolated = [
  'web/src/api-client/request-keepalive.test.ts',
  'web/src/api-client/request-offline.test.ts',
  'web/src/auth/keycloak-offline.test.ts',
  'web/src/features/subscriptions/deferred-decisions-store.test.ts',
  'web/src/features/driver/DriverRoutePage.test.ts',
];
