import type { ServiceDefinition } from '@renda/server-kit/service';
import { deputiesService } from '@renda/deputies/server';
import { supervisionService } from '@renda/supervision/server';
import { suggestionsService } from '@renda/suggestions/server';
import { votingService } from '@renda/voting/server';

/** The four subgraphs in start order: owners of referenced entities first (deputies, then supervision's units). */
export const allServices: ServiceDefinition[] = [deputiesService, supervisionService, suggestionsService, votingService];
