import {
  GraphQLError,
  Kind,
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

/**
 * Walks an operation once (following fragments, guarding against cycles) to measure its depth, its
 * aliases and its estimated cost: every field costs 1, and a field with `first: N` (or a list field)
 * multiplies the cost of what is below it.
 */
function measure(context: ValidationContext, operation: OperationDefinitionNode): Walk {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const result: Walk = { depth: 0, aliases: 0, cost: 0 };
  const visit = (set: SelectionSetNode, depth: number, multiplier: number, seen: Set<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = selection as FieldNode;
        if (field.name.value.startsWith('__')) continue;
        if (field.alias) result.aliases += 1;
        result.depth = Math.max(result.depth, depth);
        result.cost += multiplier;
        if (field.selectionSet) {
          const first = field.arguments?.find((a) => a.name.value === 'first');
          const size = first?.value.kind === Kind.INT ? Number(first.value.value) : field.name.value === 'edges' ? 1 : first ? 50 : assumedListSize;
          visit(field.selectionSet, depth + 1, Math.min(multiplier * Math.max(size, 1), 1e9), seen);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, depth, multiplier, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        visit(fragment.selectionSet, depth, multiplier, new Set([...seen, name]));
      }
    }
  };
  visit(operation.selectionSet, 1, 1, new Set());
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
