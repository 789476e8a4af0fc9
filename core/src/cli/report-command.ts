// `distill report <dir>…`: one self-contained HTML file for a run, a comparison of several runs, or a sweep.
import type { Command } from 'commander';
import { writeReport } from '../report/write-report.js';

export function register(command: Command): void {
  command
    .argument('<dirs...>', 'a run directory, several run directories to compare, or a sweep directory')
    .option('--out <file>', 'where to write it (default: report.html in the run or sweep directory; comparison-report.html here for several runs)')
    .action((dirs: string[], options: { out?: string }) => {
      const { file, page } = writeReport(dirs, options.out);
      for (const notice of page.notices) process.stderr.write(`note: ${notice.title}\n`);
      process.stdout.write(`report: ${file}\n`);
    });
}
