// Mounts the whole HTTP surface on the app's one listener, one module per route family.
import type { HttpDeps } from './deps.js';
import { mountApi } from './api/routes.js';
import { mountHealthz } from './healthz.js';
import { mountIntegrations } from './integrations.js';
import { mountMetrics } from './metrics/route.js';
import { mountStatus } from './status/routes.js';

export function mountHttp(deps: HttpDeps): void {
  mountHealthz(deps);
  mountMetrics(deps);
  mountStatus(deps);
  mountApi(deps);
  mountIntegrations(deps);
}
