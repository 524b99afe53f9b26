import type { Command } from 'commander';
import { MeridianError } from '../errors/index.js';

export function registerCacheCommand(program: Command): void {
  program
    .command('cache')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new MeridianError('MERIDIAN_E_NOT_BUILT', "'meridian cache' is not built yet", { hint: 'see the open issues' });
    });
}
