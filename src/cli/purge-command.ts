import type { Command } from 'commander';
import { MeridianError } from '../errors/index.js';

export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new MeridianError('MERIDIAN_E_NOT_BUILT', "'meridian purge' is not built yet", { hint: 'see the open issues' });
    });
}
