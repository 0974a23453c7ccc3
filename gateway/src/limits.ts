import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type GraphQLNamedType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const defaultLimits: QueryLimits = { maxDepth: 15, maxAliases: 30, maxCost: 20_000 };

/** Lists without `first` are assumed to hold this many items when estimating cost. */
const assumedListSize = 10;

function limitError(message: string, node: OperationDefinitionNode): GraphQLError {
  return new GraphQLError(message, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}

interface Walk {
  depth: number;
  aliases: number;
  cost: number;
}

/** The value of a `first` argument, or the page size assumed when it is a variable or absent. */
function pageArgument(field: FieldNode): number | null {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (!first) return null;
  return first.value.kind === Kind.INT ? Math.max(Number(first.value.value), 1) : 50;
}

/**
 * Walks an operation once (following fragments, guarding against cycles) to measure its depth, its
 * aliases and its estimated cost: every field costs 1 per time it is resolved; a field with
 * `first: N` multiplies what is below it by N (50 when N is a variable), any other list field by 10.
 */
function measure(context: ValidationContext, operation: OperationDefinitionNode): Walk {
  const schema = context.getSchema();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const result: Walk = { depth: 0, aliases: 0, cost: 0 };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const visit = (set: SelectionSetNode, parent: GraphQLNamedType | null | undefined, depth: number, multiplier: number, seen: Set<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        if (selection.alias) result.aliases += 1;
        result.depth = Math.max(result.depth, depth);
        result.cost += multiplier;
        if (!selection.selectionSet) continue;
        const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        const type = definition ? getNullableType(definition.type) : undefined;
        const page = pageArgument(selection);
        const size = page ?? (type && isListType(type) && selection.name.value !== 'edges' ? assumedListSize : 1);
        visit(selection.selectionSet, definition ? getNamedType(definition.type) : undefined, depth + 1, Math.min(multiplier * size, 1e9), seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        visit(selection.selectionSet, type, depth, multiplier, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        visit(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), depth, multiplier, new Set([...seen, name]));
      }
    }
  };
  visit(operation.selectionSet, root, 1, 1, new Set());
  return result;
}

/** Depth, alias and cost limits, so one analyst's query cannot take the graph down for everyone. */
export function limitRules(limits: QueryLimits): ValidationRule[] {
  const rule: ValidationRule = (context): ASTVisitor => ({
    OperationDefinition(node) {
      const m = measure(context, node);
      if (m.depth > limits.maxDepth) context.reportError(limitError(`The query is ${m.depth} levels deep; the limit is ${limits.maxDepth}.`, node));
      if (m.aliases > limits.maxAliases) context.reportError(limitError(`The query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}.`, node));
      if (m.cost > limits.maxCost) {
        context.reportError(limitError(`The query's estimated cost is ${m.cost}; the limit is ${limits.maxCost}. Ask for smaller pages (first) or fewer nested lists.`, node));
      }
    },
  });
  return [rule];
}
