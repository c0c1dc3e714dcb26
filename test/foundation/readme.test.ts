import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envName, flagName, serveOptions, type ServeConfigKey } from '../../server/config.js';
import { repoRoot } from '../support/cli.js';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('documents every serve flag with its variable and default', () => {
    for (const key of Object.keys(serveOptions) as ServeConfigKey[]) {
      const spec = serveOptions[key];
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${flagName(key)} `));
      expect(row, `README row for ${flagName(key)}`).toBeDefined();
      expect(row).toContain(envName(key));
      if ('default' in spec) expect(row).toContain(`\`${spec.default}\``);
    }
  });

  it('shows the quick start commands', () => {
    for (const command of ['npm ci', 'npm run demo', 'npm start', 'npm test'])
      expect(readme).toContain(command);
  });
});

describe('README typed-client example', () => {
  it('shows the main function of examples/typed-client.ts exactly as compiled', () => {
    const example = fs.readFileSync(path.join(repoRoot, 'examples/typed-client.ts'), 'utf8');
    const main = example.slice(
      example.indexOf('export async function main'),
      example.indexOf('\n\nif (process.argv'),
    );
    expect(main.length).toBeGreaterThan(500);
    expect(readme).toContain(main);
  });
});
