// A small, strict argument parser: unknown options are usage errors, not silently ignored.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedArgs {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
  /** Repeatable options taking a fixed number of values (`--export ecs out.ndjson`), in order. */
  readonly lists: ReadonlyMap<string, readonly (readonly string[])[]>;
}

/** `--name value`, `--name=value` for options; `--flag` for flags; `--` ends options. */
export function parseArgs(
  argv: readonly string[],
  options: readonly string[],
  flags: readonly string[],
  /** Repeatable options and how many values each takes. */
  multi: Readonly<Record<string, number>> = {},
): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const set = new Set<string>();
  const lists = new Map<string, string[][]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const arity = Object.prototype.hasOwnProperty.call(multi, name) ? (multi[name] as number) : 0;
      if (arity > 0) {
        const taken: string[] = [];
        if (eq !== -1) taken.push(arg.slice(eq + 1));
        while (taken.length < arity) {
          const value = argv[++i];
          if (value === undefined || value.startsWith('--')) {
            throw new UsageError(`--${name} needs ${arity} value${arity === 1 ? '' : 's'}`);
          }
          taken.push(value);
        }
        const list = lists.get(name) ?? [];
        list.push(taken);
        lists.set(name, list);
      } else if (flags.includes(name)) {
        if (eq !== -1) throw new UsageError(`--${name} takes no value`);
        set.add(name);
      } else if (options.includes(name)) {
        const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
        if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
        values.set(name, value);
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
