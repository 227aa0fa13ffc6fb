/** A list of named things (unlearning methods, on LightGCN or on the transformer) looked up by name. */
export interface Registry<T extends { name: string }> {
  /** In declaration order. */
  all: readonly T[];
  names: string[];
  /** Throws `unknown <what> "name" (known: …)`. */
  byName(name: string): T;
}

export function makeRegistry<T extends { name: string }>(what: string, list: readonly T[]): Registry<T> {
  const byName = new Map(list.map((x) => [x.name, x]));
  if (byName.size !== list.length) throw new Error(`${what}: duplicate names`);
  const names = list.map((x) => x.name);
  return {
    all: list,
    names,
    byName(name) {
      const x = byName.get(name);
      if (!x) throw new Error(`unknown ${what} "${name}" (known: ${names.join(', ')})`);
      return x;
    },
  };
}
