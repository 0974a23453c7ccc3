/** A region another subgraph owns, known here by its code (D-1). */
export interface RegionRef {
  code: string;
}

/** An entity another subgraph owns (Deputy, CommitteeMember), known here by its id. */
export interface IdRef {
  id: string;
}

/**
 * The prefix index that makes `region_code like '43%'` use an index (D-1); `include` lists columns it carries
 * besides its keys, for reads from the index alone.
 */
export function regionPrefixIndex(table: string, extra = '', include = '') {
  const name = `${table}_region_code_prefix`;
  return {
    name,
    expression: `create index "${name}" on "supervision"."${table}" ("region_code" varchar_pattern_ops${extra ? `, ${extra}` : ''})${include ? ` include (${include})` : ''}`,
  };
}
