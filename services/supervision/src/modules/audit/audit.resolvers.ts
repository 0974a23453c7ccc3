import { auditLogPage } from '@renda/server-kit/corrections';
import type { Resolvers } from '../../generated/resolvers.ts';

/** 更正记录: the service's audit log (corrections and withdrawals), read by staff of the subtree. */
export const auditResolvers: Resolvers = {
  Query: {
    supervisionAuditLog: (_, args, ctx) => auditLogPage(ctx.em, ctx.viewer, args),
  },
};
