import { describe, expect, it } from 'vitest';
import {
  foreignProofChallenge,
  isProofChallenge,
  proofChallenge,
  proofChallengeOrigin,
  proofOrigin,
} from '../../protocol/legacy.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('proof challenges bound to an origin', () => {
  it('read the origin of http(s) and ws(s) URLs the same way', () => {
    expect(proofOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(proofOrigin('ws://127.0.0.1:8080/ws')).toBe('http://127.0.0.1:8080');
    expect(proofOrigin('wss://Sign.Example.com:443/ws')).toBe('https://sign.example.com');
    expect(proofOrigin('https://sign.example.com/base/')).toBe('https://sign.example.com');
    expect(proofOrigin('http://[::1]:9000')).toBe('http://[::1]:9000');
    expect(() => proofOrigin('ftp://x')).toThrow(TypeError);
  });

  it('are sigsocket-proof:<origin>:<64 hex>, fresh each time', () => {
    const a = proofChallenge('https://sign.example.com/x');
    expect(text(a)).toMatch(/^sigsocket-proof:https:\/\/sign\.example\.com:[0-9a-f]{64}$/);
    expect(text(proofChallenge('https://sign.example.com'))).not.toBe(text(a));
    expect(isProofChallenge(a)).toBe(true);
    expect(proofChallengeOrigin(a)).toBe('https://sign.example.com');
    expect(proofChallengeOrigin(proofChallenge('http://[::1]:9000'))).toBe('http://[::1]:9000');
  });

  it('are signed only for the server the signer was given', () => {
    const challenge = proofChallenge('http://127.0.0.1:8080');
    expect(foreignProofChallenge(challenge, 'ws://127.0.0.1:8080/ws')).toBeUndefined();
    expect(foreignProofChallenge(challenge, 'http://127.0.0.1:8081')).toMatch(
      /is for http:\/\/127\.0\.0\.1:8080, not for http:\/\/127\.0\.0\.1:8081/,
    );
    expect(foreignProofChallenge(challenge, 'http://localhost:8080')).toBeDefined();
  });

  it('refuse malformed challenges: the old format, a short nonce, a non-canonical origin', () => {
    const malformed = [
      Buffer.concat([Buffer.from('sigsocket-proof:'), Buffer.alloc(32, 7)]),
      Buffer.from(`sigsocket-proof:http://127.0.0.1:8080:${'ab'.repeat(31)}`),
      Buffer.from(`sigsocket-proof:HTTP://127.0.0.1:8080:${'ab'.repeat(32)}`),
      Buffer.from(`sigsocket-proof:http://127.0.0.1:8080/:${'ab'.repeat(32)}`),
      Buffer.from(`sigsocket-proof::${'ab'.repeat(32)}`),
      Buffer.from('hello'),
    ];
    for (const bytes of malformed) {
      expect(proofChallengeOrigin(new Uint8Array(bytes)), bytes.toString()).toBeUndefined();
      expect(foreignProofChallenge(new Uint8Array(bytes), 'http://127.0.0.1:8080')).toBeDefined();
    }
  });
});
