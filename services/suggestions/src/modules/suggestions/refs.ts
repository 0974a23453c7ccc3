/** An entity another subgraph owns, known here by its id only. */
export interface IdRef {
  id: string;
}

/** A region (owned by the deputies subgraph), known here by its code only. */
export interface RegionRef {
  code: string;
}
