import {
  EvaluationSchema,
  HandlingUnitSchema,
  ProcessStepSchema,
  ReplySchema,
  SerialCounterSchema,
  SheetSchema,
  SuggestionSchema,
  SuggestionSignerSchema,
} from './modules/suggestions/suggestion.entity.ts';

export const entities = [SuggestionSchema, SuggestionSignerSchema, HandlingUnitSchema, ProcessStepSchema, ReplySchema, EvaluationSchema, SheetSchema, SerialCounterSchema];
