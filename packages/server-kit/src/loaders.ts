import DataLoader from 'dataloader';

/**
 * Per-request DataLoaders, created on first use and keyed by name, so every list field and every
 * `__resolveReference` of one request shares one batch per kind of lookup.
 */
export class Loaders {
  private readonly byName = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(
    name: string,
    batch: (keys: readonly K[]) => Promise<(V | Error)[]>,
    cacheKey?: (key: K) => unknown,
  ): DataLoader<K, V> {
    let loader = this.byName.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, unknown>(batch, {
        maxBatchSize: 1000,
        ...(cacheKey ? { cacheKeyFn: cacheKey } : {}),
      });
      this.byName.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  /** Forgets cached values after a write, so a mutation's answer shows what it wrote. */
  clearAll(): void {
    for (const loader of this.byName.values()) loader.clearAll();
  }
}

/** Groups rows by a key, in the order of `keys`, for batch functions that return lists. */
export function groupBy<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const map = new Map<K, R[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/** Picks one row per key, in the order of `keys`; null where none. */
export function pickBy<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): (R | null)[] {
  const map = new Map<K, R>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

/**
 * The per-request loader of one entity by its primary key: malformed ids resolve to null without
 * reaching SQL, and the rows of one tick load in one `where id in (...)`.
 */
export function entityLoader<T extends object>(
  ctx: { loaders: Loaders; em: { find(entity: unknown, where: unknown): Promise<unknown[]> } },
  entity: { meta: { className: string } } | { name: string },
  key: keyof T & string = 'id' as keyof T & string,
  validKey: (k: string) => boolean = () => true,
): DataLoader<string, T | null> {
  const name = 'meta' in entity ? entity.meta.className : entity.name;
  return ctx.loaders.get<string, T | null>(`${name}.${key}`, async (keys) => {
    const valid = keys.filter(validKey);
    const rows = valid.length ? ((await ctx.em.find(entity, { [key]: { $in: valid } })) as T[]) : [];
    return pickBy(keys, rows, (r) => r[key] as unknown as string);
  });
}

/**
 * The per-request loader of the rows that belong to a parent (`where fk in (...)`), grouped by parent
 * in the order asked: the shape of most list fields.
 */
export function childrenLoader<T extends object>(
  ctx: { loaders: Loaders; em: { find(entity: unknown, where: unknown, options?: unknown): Promise<unknown[]> } },
  entity: { meta: { className: string } },
  foreignKey: keyof T & string,
  orderBy: Partial<Record<keyof T & string, 'asc' | 'desc'>>,
): DataLoader<string, T[]> {
  return ctx.loaders.get<string, T[]>(`${entity.meta.className}.by.${foreignKey}`, async (ids) => {
    const rows = (await ctx.em.find(entity, { [foreignKey]: { $in: [...ids] } }, { orderBy })) as T[];
    return groupBy(ids, rows, (r) => r[foreignKey] as unknown as string);
  });
}
