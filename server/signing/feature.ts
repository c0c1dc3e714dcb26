import type { Feature } from '../app.js';
import type { Services } from '../services.js';
import { signingRoutes } from './http-routes.js';
import { createLegacyEndpoint } from './legacy-adapter.js';

/**
 * Single-key remote signing: the legacy `/ws` endpoint and the HTTP endpoints. Typed signers
 * and `signer.*` procedures reach the same `services.signing` through tRPC.
 */
export function createSigningFeature(services: Services): Feature {
  const { config, logger, metrics, signing } = services;
  return {
    routes: signingRoutes(services),
    endpoints: { '/ws': createLegacyEndpoint({ config, logger, metrics, signing }) },
    close: () => signing.close(),
  };
}
