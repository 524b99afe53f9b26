import type { Command } from 'commander';
import { MeridianError } from '../errors/index.js';

export function registerZoneCommand(program: Command): void {
  program
    .command('zone')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new MeridianError('MERIDIAN_E_NOT_BUILT', "'meridian zone' is not built yet", { hint: 'see the open issues' });
    });
}
