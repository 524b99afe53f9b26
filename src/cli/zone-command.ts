import type { Command } from 'commander';
import type { FileChecker } from '../zone/index.js';

/**
 * `meridian zone check PATH...`: every problem as `file:line: message` on stdout, a
 * summary on stderr, exit code 1 when there is any error (warnings alone pass).
 * `loadCheckers` lets other rooms add file kinds (the routing engine's *.yaml); it runs only
 * when the command does, so the rooms are not loaded for every other command.
 */
export function registerZoneCommand(program: Command, loadCheckers: () => Promise<readonly FileChecker[]>): void {
  const zone = program.command('zone').description('work with zone files');
  zone
    .command('check')
    .description('validate zone files (master files and routing records): a file, or every such file of a folder')
    .argument('<path...>', 'zone file or folder of zone files')
    .action(async (paths: string[]) => {
      const [{ checkPath, formatProblem }, checkers] = await Promise.all([import('../zone/index.js'), loadCheckers()]);
      let files = 0;
      let errors = 0;
      let warnings = 0;
      for (const path of paths) {
        const report = await checkPath(path, checkers);
        files += report.files.length;
        for (const problem of report.problems) {
          process.stdout.write(`${formatProblem(problem)}\n`);
          if (problem.severity === 'error') errors++;
          else warnings++;
        }
      }
      const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
      process.stderr.write(`${plural(files, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
      if (errors > 0) process.exitCode = 1;
    });
}
