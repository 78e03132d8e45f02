// Runs `parley analyze --json` in process: the command object itself, its output captured through
// commander's output configuration (process.stdout is left alone, so tests may run side by side).
import { analyzeCommand } from '../../src/cli/analyze.ts';

export async function analyzeJson(
  args: readonly string[],
): Promise<Record<string, unknown> & { pareto: { utilities: number[]; count: string }[] }> {
  const chunks: string[] = [];
  await analyzeCommand()
    .exitOverride()
    .configureOutput({ writeOut: (chunk) => chunks.push(chunk) })
    .parseAsync(['--genius', ...args, '--json'], { from: 'user' });
  return JSON.parse(chunks.join(''));
}
