import type { Command } from 'commander';
import { MeridianError } from '../errors/index.js';

export function registerRouteCommand(program: Command): void {
  program
    .command('route')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new MeridianError('MERIDIAN_E_NOT_BUILT', "'meridian route' is not built yet", { hint: 'see the open issues' });
    });
}
