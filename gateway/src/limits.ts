import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Lexical tokens in one document (graphql-js's parser stops counting there). */
  maxTokens: number;
}

export const defaultLimits: QueryLimits = { maxDepth: 15, maxAliases: 30, maxCost: 20_000, maxTokens: 2_000 };

/** Lists without `first` are assumed to hold this many items when estimating cost. */
const assumedListSize = 10;
/**
 * Lists inside introspection (`types`, `fields`, `args`, …) are assumed to hold this many: GraphiQL's
 * full introspection query then costs about 13,000, so one fits under the default limit and two do not.
 */
const introspectionListSize = 6;
/** The page size the subgraphs use when `first` is absent or null. */
const defaultPageSize = 50;
/** Costs are capped here, far above any limit, so huge multipliers stay finite. */
const costCap = 1e15;

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

/**
 * Depth and alias limits: graphql-armor's rules (each fragment measured once), introspection included.
 * They report through the validation context, so Apollo answers 400 GRAPHQL_VALIDATION_FAILED.
 */
export function limitRules(limits: Pick<QueryLimits, 'maxDepth' | 'maxAliases'>): ValidationRule[] {
  const report = (context: ValidationContext, error: GraphQLError | null) => {
    if (error) context.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
  };
  const wrap =
    (make: (context: ValidationContext) => ValidationRule): ValidationRule =>
    (context) =>
      make(context)(context);
  return [
    wrap((context) =>
      maxDepthRule({
        n: limits.maxDepth,
        ignoreIntrospection: false,
        flattenFragments: true,
        propagateOnRejection: false,
        onReject: [(_, e) => report(context, e)],
      }),
    ),
    wrap((context) =>
      maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: false, onReject: [(_, e) => report(context, e)] }),
    ),
  ];
}

function fieldDefinition(
  parent: GraphQLNamedType | null | undefined,
  schema: GraphQLSchema,
  node: FieldNode,
): GraphQLField<unknown, unknown> | undefined {
  const name = node.name.value;
  if (name === '__schema' && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === '__type' && parent === schema.getQueryType()) return TypeMetaFieldDef;
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

/** The page size a `first` argument asks for, with the operation's variables; null when there is no `first`. */
function pageSize(
  field: FieldNode,
  variables: Record<string, unknown>,
  defaults: Map<string, ValueNode>,
): number | null {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (!first) return null;
  let value: unknown = null;
  if (first.value.kind === Kind.INT) value = Number(first.value.value);
  else if (first.value.kind === Kind.VARIABLE) {
    const name = first.value.name.value;
    const fallback = defaults.get(name);
    value = name in variables ? variables[name] : fallback?.kind === Kind.INT ? Number(fallback.value) : null;
  }
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(Math.floor(value), 1) : defaultPageSize;
}

/**
 * The estimated cost of an operation with its variables: every field costs 1 per time it resolves; a
 * field with `first: N` multiplies what is below it by N (a variable's value, 50 when absent), any
 * other list by 10 (6 inside introspection types); introspection fields count like any other
 * (`__typename` is free). Each fragment
 * is priced once, without a multiplier, and scaled wherever it is spread, so the work is linear in
 * the document's size however often fragments spread each other.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const defaults = new Map<string, ValueNode>();
  for (const v of operation.variableDefinitions ?? []) {
    if (v.defaultValue) defaults.set(v.variable.name.value, v.defaultValue);
  }
  const priced = new Map<string, number>();
  const pricing = new Set<string>();

  const fragmentCost = (name: string): number => {
    const known = priced.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // Unknown fragments and cycles are refused by validation; price them at nothing here.
    if (!fragment || pricing.has(name)) return 0;
    pricing.add(name);
    const cost = setCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
    pricing.delete(name);
    priced.set(name, cost);
    return cost;
  };

  const setCost = (set: SelectionSetNode, parent: GraphQLNamedType | null | undefined): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') continue;
        cost += 1;
        if (!selection.selectionSet) continue;
        const definition = fieldDefinition(parent, schema, selection);
        const type = definition ? getNullableType(definition.type) : undefined;
        const page = pageSize(selection, variables, defaults);
        const listSize = parent?.name.startsWith('__') ? introspectionListSize : assumedListSize;
        const size = page ?? (type && isListType(type) && selection.name.value !== 'edges' ? listSize : 1);
        cost += size * setCost(selection.selectionSet, definition ? getNamedType(definition.type) : undefined);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += setCost(selection.selectionSet, type);
      } else {
        cost += fragmentCost(selection.name.value);
      }
      if (cost > costCap) return costCap;
    }
    return cost;
  };

  const roots = {
    query: schema.getQueryType(),
    mutation: schema.getMutationType(),
    subscription: schema.getSubscriptionType(),
  };
  return setCost(operation.selectionSet, roots[operation.operation]);
}

/**
 * Prices each operation with its variables once it is resolved (validation rules cannot see
 * variables), so a page size passed as a variable costs what a literal costs.
 */
export function costLimitPlugin<C extends BaseContext>(maxCost: number): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = estimateCost(schema, document, operation, request.variables ?? {});
          if (cost > maxCost) {
            const shown = cost >= costCap ? `over ${costCap}` : String(cost);
            throw limitError(
              `The query's estimated cost is ${shown}; the limit is ${maxCost}. ` +
                'Ask for smaller pages (first) or fewer nested lists.',
            );
          }
        },
      };
    },
  };
}
