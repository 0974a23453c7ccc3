/** Entities other subgraphs own, known here by key only. */
export interface RegionRef {
  code: string;
}

export interface DeputyRef {
  id: string;
}

export interface UnitRef {
  id: string;
}

export interface SessionRef {
  id: string;
}
