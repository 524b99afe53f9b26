import type { Command } from 'commander';
import { MeridianError } from '../errors/index.js';

export function registerDnsCommand(program: Command): void {
  program
    .command('dns')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new MeridianError('MERIDIAN_E_NOT_BUILT', "'meridian dns' is not built yet", { hint: 'see the open issues' });
    });
}
