import { AuditEntry } from '@renda/server-kit/corrections';
import { CommitteeVoteSchema, KeyHearingSchema } from './modules/key-items/key-items.entity.ts';
import { ContributionSchema, DeputyContactSchema, ProgressReportSchema } from './modules/handling/handling.entity.ts';
import {
  EvaluationSchema,
  HandlingUnitSchema,
  ProcessStepSchema,
  ReplySchema,
  SerialCounterSchema,
  SheetSchema,
  SuggestionKeySchema,
  SuggestionSchema,
  SuggestionSignerSchema,
} from './modules/suggestions/suggestion.entity.ts';

export const entities = [
  SuggestionKeySchema,
  SuggestionSchema,
  SuggestionSignerSchema,
  HandlingUnitSchema,
  ProcessStepSchema,
  ReplySchema,
  EvaluationSchema,
  SheetSchema,
  SerialCounterSchema,
  ProgressReportSchema,
  ContributionSchema,
  DeputyContactSchema,
  KeyHearingSchema,
  CommitteeVoteSchema,
  AuditEntry,
];
