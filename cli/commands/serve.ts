import type { Command } from 'commander';
import { envName, resolveConfig, serveOptions, type ServeConfigKey } from '../../server/config.js';
import { startServer } from '../../server/app.js';
import { printLine } from '../output.js';

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run the server: tRPC + WebSockets + HTTP on one port, SQLite in --data-dir');
  for (const key of Object.keys(serveOptions) as ServeConfigKey[]) {
    const spec = serveOptions[key];
    const dflt = 'default' in spec ? ` (default: ${spec.default})` : '';
    cmd.option(spec.flag, `${spec.doc}${dflt} [env ${envName(key)}]`);
  }
  cmd.action(async (flags: Partial<Record<ServeConfigKey, string>>) => {
    const config = resolveConfig(flags);
    const server = await startServer(config);
    printLine(`sigsocket listening on ${server.url}`);
    printLine(`  typed API     ${server.url}/trpc  (subscriptions: ${server.wsUrl}/trpc)`);
    printLine(`  legacy signers ${server.wsUrl}/ws`);
    printLine(`  data          ${config.dataDir}/sigsocket.db`);
    printLine(
      `  get a token:  npx sigsocket token --data-dir ${config.dataDir} --sub alice --role coordinator`,
    );
    const stop = (signal: string) => {
      printLine(`\n${signal}: shutting down`);
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
