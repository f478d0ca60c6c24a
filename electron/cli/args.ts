// A small, strict argument parser: unknown options are usage errors, not silently ignored.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedArgs {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
  /** Every value of each option, in order, for options that may repeat (`--rules a --rules b`). */
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

/** `--name value`, `--name=value` for options; `--flag` for flags; `--` ends options. */
export function parseArgs(argv: readonly string[], options: readonly string[], flags: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const set = new Set<string>();
  const lists = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (flags.includes(name)) {
        if (eq !== -1) throw new UsageError(`--${name} takes no value`);
        set.add(name);
      } else if (options.includes(name)) {
        const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
        if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
        values.set(name, value);
        lists.set(name, [...(lists.get(name) ?? []), value]);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else if (arg === '-h') {
      set.add('help');
    } else {
      positional.push(arg);
    }
  }
  return { positional, options: values, flags: set, lists };
}
