import { defaultVerifier } from '../../protocol/ecdsa/verifier.js';
import type { Feature } from '../feature.js';
import type { ServerDeps } from '../services.js';
import { signingRoutes } from './http-routes.js';
import { createLegacyEndpoint } from './legacy-adapter.js';
import { SignerRegistry } from './registry.js';
import { LEGACY_PROOF_OFF_WARNING, SigningService } from './service.js';
import { TypedSigners } from './typed-signers.js';
import { createThreadVerifier, inlineVerifier } from './verify-thread.js';

export interface SigningFeature extends Feature {
  /** Requests, status, verification: what `POST /sign` and `signer.sign` call. */
  signing: SigningService;
  /** `signer.attach` / `signer.prove` / `signer.respond`. */
  signers: TypedSigners;
}

/**
 * Single-key remote signing (docs/signing.md): one signer registry, the process's default
 * verifier (libsecp256k1 when it loads, else noble; sign responses checked in a worker thread
 * when there is a core to spare), the service, its two signer adapters (legacy `/ws`, typed
 * tRPC `signer.*`) and the HTTP endpoints.
 */
export function createSigningFeature(deps: ServerDeps): SigningFeature {
  const { config, logger, metrics, sqlite, clock, auth, rateLimiter } = deps;
  const verifier = defaultVerifier();
  const responseVerifier = config.verifyThread
    ? createThreadVerifier(verifier, logger)
    : inlineVerifier(verifier);
  logger.debug({ ecdsa: responseVerifier.description }, 'signature verifier loaded');
  if (!config.legacyProof) logger.warn(LEGACY_PROOF_OFF_WARNING);
  const registry = new SignerRegistry(metrics);
  const signing = new SigningService({
    config,
    logger,
    metrics,
    sqlite,
    clock,
    registry,
    verifier,
    responseVerifier,
  });
  // A signer gets as long to prove possession of its key as to answer a sign request.
  const signers = new TypedSigners(signing, config.signTimeoutMs);
  return {
    signing,
    signers,
    routes: signingRoutes({ config, auth, signing, rateLimiter }),
    endpoints: { '/ws': createLegacyEndpoint({ config, logger, metrics, signing }) },
    close: async () => {
      signers.closeAll();
      await signing.close();
    },
  };
}
