import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { generateDevCert } from '../../server/tls.js';
import { printJson, printLine } from '../output.js';

export function registerDevCert(program: Command): void {
  program
    .command('dev-cert')
    .description('write a self-signed development certificate (cert.pem, key.pem)')
    .option('--out-dir <dir>', 'where to write cert.pem and key.pem', './certs')
    .option(
      '--host <name>',
      'host name or IP the certificate is for (localhost, 127.0.0.1 and ::1 are always included)',
      'localhost',
    )
    .option('--json', 'print the file paths as JSON')
    .action(async (opts: { outDir: string; host: string; json?: boolean }) => {
      const { cert, key } = await generateDevCert(opts.host);
      fs.mkdirSync(opts.outDir, { recursive: true });
      const certFile = path.join(opts.outDir, 'cert.pem');
      const keyFile = path.join(opts.outDir, 'key.pem');
      fs.writeFileSync(certFile, cert, { mode: 0o644 });
      fs.writeFileSync(keyFile, key, { mode: 0o600 });
      fs.chmodSync(keyFile, 0o600);
      if (opts.json) return printJson({ cert: certFile, key: keyFile });
      printLine(
        `wrote ${certFile} and ${keyFile} (self-signed for ${opts.host}; development only)`,
      );
      printLine(`serve:   npx sigsocket serve --tls-cert ${certFile} --tls-key ${keyFile}`);
      printLine(`clients: --server https://${opts.host}:8080 --ca ${certFile}`);
    });
}
