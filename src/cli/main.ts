#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { describeError } from '../errors/index.js';
import { registerDnsCommand } from './dns-command.js';
import { registerZoneCommand } from './zone-command.js';
import { registerRouteCommand } from './route-command.js';
import { registerCacheCommand } from './cache-command.js';
import { registerPurgeCommand } from './purge-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerSimulateCommand } from './simulate-command.js';
import { registerWarmCommand } from './warm-command.js';

const program = new Command()
  .name('meridian')
  .description('A content delivery network you run yourself: routing DNS and tiered HTTP cache nodes.')
  .showHelpAfterError()
  .exitOverride();

registerDnsCommand(program);
registerZoneCommand(program, async () => {
  const [{ zoneFileChecker }, { routingFileChecker }] = await Promise.all([import('../zone/index.js'), import('../routing/index.js')]);
  return [zoneFileChecker, routingFileChecker];
});
registerRouteCommand(program);
registerCacheCommand(program);
registerPurgeCommand(program);
registerDemoCommand(program);
registerSimulateCommand(program);
registerWarmCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`meridian: ${describeError(err)}\n`);
  process.exit(1);
}
