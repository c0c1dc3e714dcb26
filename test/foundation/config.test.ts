import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envName, resolveConfig } from '../../server/config.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/server.js';

/** --jwt-jwks and its companions: each missing one named; http only on loopback, if allowed. */
function jwksCases(): Array<[Record<string, string>, string]> {
  const all = {
    jwtJwks: 'https://idp.example/jwks.json',
    jwtIssuer: 'https://idp.example',
    jwtAudience: 'sigsocket',
    jwtAlgorithms: 'RS256,ES256',
  };
  const without = (key: keyof typeof all) => {
    const { [key]: _dropped, ...rest } = all;
    return rest;
  };
  return [
    [without('jwtIssuer'), '--jwt-jwks needs --jwt-issuer'],
    [without('jwtAudience'), '--jwt-jwks needs --jwt-audience'],
    [without('jwtAlgorithms'), '--jwt-jwks needs --jwt-algorithms'],
    [{ jwtAudience: 'sigsocket' }, '--jwt-audience applies to --jwt-jwks tokens'],
    [{ ...all, jwtAlgorithms: 'RS256,HS256' }, 'not an asymmetric JWS algorithm: "HS256"'],
    [{ ...all, jwtAlgorithms: 'none' }, 'not an asymmetric JWS algorithm: "none"'],
    [{ ...all, jwtJwks: 'http://idp.example/jwks.json' }, 'fetched over https only'],
    [
      { ...all, jwtJwks: 'http://idp.example/jwks.json', jwtJwksInsecure: 'on' },
      'fetched over https only',
    ],
    [{ ...all, jwtJwks: 'http://127.0.0.1:9/jwks.json' }, 'needs --jwt-jwks-insecure on'],
  ];
}

describe('configuration', () => {
  it('has defaults for every setting a fresh start needs', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      legacyProof: true,
      signAuth: true,
    });
  });

  it('reads SIGSOCKET_* variables, and flags win over them', () => {
    expect(envName('tlsCert')).toBe('SIGSOCKET_TLS_CERT');
    expect(
      resolveConfig({}, { SIGSOCKET_PORT: '9000', SIGSOCKET_LEGACY_PROOF: 'off' }),
    ).toMatchObject({ port: 9000, legacyProof: false });
    expect(resolveConfig({ port: '9100' }, { SIGSOCKET_PORT: '9000' }).port).toBe(9100);
  });

  it.each([
    [{ port: 'abc' }, '--port (SIGSOCKET_PORT)'],
    [{ port: '70000' }, '--port'],
    [{ legacyProof: 'maybe' }, '--legacy-proof'],
    [{ jwtSecret: 'short' }, '--jwt-secret'],
    [{ logLevel: 'loud' }, '--log-level'],
    [{ publicUrl: 'ftp://sigsocket.example' }, '--public-url'],
    [{ tlsCert: 'cert.pem' }, '--tls-cert and --tls-key go together'],
    ...jwksCases(),
  ])('names the flag of a bad value %j', (given, flag) => {
    expect(() => resolveConfig(given, {})).toThrow(ConfigError);
    expect(() => resolveConfig(given, {})).toThrow(flag);
  });

  it('takes a complete --jwt-jwks, and loopback http with --jwt-jwks-insecure on', () => {
    const base = { jwtIssuer: 'i', jwtAudience: 'a', jwtAlgorithms: 'ES256, EdDSA' };
    expect(resolveConfig({ ...base, jwtJwks: 'jwks.json' }, {}).jwtAlgorithms).toEqual([
      'ES256',
      'EdDSA',
    ]);
    for (const host of ['127.0.0.1', '[::1]', 'localhost']) {
      const jwtJwks = `http://${host}:8081/jwks.json`;
      expect(resolveConfig({ ...base, jwtJwks, jwtJwksInsecure: 'on' }, {}).jwtJwks).toBe(jwtJwks);
    }
  });

  it('names the variable when the bad value came from the environment', () => {
    expect(() => resolveConfig({}, { SIGSOCKET_MAX_FRAME_BYTES: '-1' })).toThrow(
      'SIGSOCKET_MAX_FRAME_BYTES',
    );
  });

  it('stops `sigsocket serve` with a message naming the flag and a non-zero exit', async () => {
    const result = await runCli(['serve', '--port', 'eighty'], {
      env: { SIGSOCKET_DATA_DIR: '/nonexistent-never-created' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('invalid value for --port');
  });

  it("refuses one of a command's own options as the value of another, creating nothing", async () => {
    const cwd = tempDir('sigsocket-cwd-');
    const cases: Array<[string[], string]> = [
      [['serve', '--port', '0', '--data-dir', '--legacy-proof=off'], '--legacy-proof=off'],
      [['demo', '--data-dir', '--json'], '--json'],
      [['token', '--sub', 'alice', '--role', 'coordinator', '--data-dir', '--ttl=1h'], '--ttl=1h'],
    ];
    for (const [args, follower] of cases) {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(`--data-dir needs a value, but was followed by ${follower}`);
    }
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});
