import type { Command } from 'commander';
import { MeridianError } from '../errors/index.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new MeridianError('MERIDIAN_E_NOT_BUILT', "'meridian demo' is not built yet", { hint: 'see the open issues' });
    });
}
