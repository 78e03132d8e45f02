// Runs `parley analyze --json` in process (the command object itself, stdout captured).
import { analyzeCommand } from '../../src/cli/analyze.ts';

export async function analyzeJson(
  args: readonly string[],
): Promise<Record<string, unknown> & { pareto: { utilities: number[]; count: string }[] }> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await analyzeCommand()
      .exitOverride()
      .parseAsync(['--genius', ...args, '--json'], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(chunks.join(''));
}
