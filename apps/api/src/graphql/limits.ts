import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type ASTVisitor, type ValidationContext } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';

export const MAX_DEPTH = 10;
export const MAX_COMPLEXITY = 5000;

/** Refuses queries nested deeper than `max` fields. */
export function depthLimit(max = MAX_DEPTH) {
  return (context: ValidationContext): ASTVisitor => {
    let depth = 0;
    return {
      Field: {
        enter(node) {
          depth += 1;
          if (depth > max) {
            context.reportError(new GraphQLError(`query is nested deeper than ${max} levels`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
          }
        },
        leave() {
          depth -= 1;
        },
      },
      [Kind.FRAGMENT_DEFINITION]: { enter() {} },
    };
  };
}

/**
 * Refuses queries whose estimated cost is over `max`: each field costs 1, and a list
 * multiplies its children by its `limit` argument (default 50), so a page of pages of
 * pages is priced before it runs.
 */
export function complexityLimit(max = MAX_COMPLEXITY): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const complexity = getComplexity({
            schema,
            operationName: request.operationName,
            query: document,
            variables: request.variables,
            estimators: [
              ({ args, childComplexity }) => {
                const limit = typeof args.limit === 'number' ? args.limit : childComplexity > 0 && 'limit' in args ? 50 : 1;
                return 1 + childComplexity * Math.max(1, limit);
              },
              simpleEstimator({ defaultComplexity: 1 }),
            ],
          });
          if (complexity > max) {
            throw new GraphQLError(`query is too expensive: complexity ${complexity}, at most ${max} allowed; ask for smaller pages`, {
              extensions: { code: 'BAD_USER_INPUT', status: 400 },
            });
          }
        },
      };
    },
  };
}
