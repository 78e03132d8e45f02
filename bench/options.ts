/** A benchmark's options: `--name value` on the command line, else the environment variable `env`. */

/**
 * A positive number, or `fallback` when neither is given; anything else stops the run with a message.
 *
 * @example
 * const minutes = option('minutes', 'PARLEY_SOAK_MINUTES', 10); // `--minutes 3` gives 3
 */
export function option(name: string, env: string, fallback: number): number {
  const text = textOption(name, env);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} (${env}) must be a positive number, not "${text}"`);
    process.exit(2);
  }
  return value;
}

/**
 * The text given for `--name` (or `env`), if any.
 *
 * @example
 * const engines = textOption('engines', 'PARLEY_BENCH_ENGINES') ?? 'sqlite';
 */
export function textOption(name: string, env: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : process.env[env];
}
