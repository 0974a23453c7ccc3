import type { Resolvers } from '../../generated/resolvers.ts';
import { refKey } from './representation-key.ts';
import { ballotsCastBy } from '../ballots/ballots.service.ts';
import { programsOfSession, programsOfSubtree, programsOfSubtreeConnection } from '../programs/programs.service.ts';
import { projectsOfUnit, supervisedProjectsOf } from '../projects/projects.service.ts';
import { votingFigures, votingStats } from './stats.service.ts';

/** Fields this subgraph adds to entities other subgraphs own. */
export const federationResolvers: Resolvers = {
  Region: {
    __resolveReference: (ref) => ({ code: refKey(ref, 'code', 'Region') }),
    votingStats: (region, { year }, ctx) => votingStats(ctx, region.code, year),
    votingFigures: (region, args, ctx) => votingFigures(ctx, region.code, args),
    programs: (region, { year }, ctx) => programsOfSubtree(ctx, region.code, year),
    programsConnection: (region, { year, first, after }, ctx) =>
      programsOfSubtreeConnection(ctx, region.code, year, first, after),
  },
  Deputy: {
    __resolveReference: (ref) => ({ id: refKey(ref, 'id', 'Deputy') }),
    supervisedProjects: (deputy, _, ctx) => supervisedProjectsOf(ctx, deputy.id),
    ballotsCast: (deputy, { year }, ctx) => ballotsCastBy(ctx, deputy.id, year),
  },
  GovernmentUnit: {
    __resolveReference: (ref) => ({ id: refKey(ref, 'id', 'GovernmentUnit') }),
    livelihoodProjects: (unit, { year }, ctx) => projectsOfUnit(ctx, unit.id, year),
  },
  CongressSession: {
    __resolveReference: (ref) => ({ id: refKey(ref, 'id', 'CongressSession') }),
    livelihoodPrograms: (session, _, ctx) => programsOfSession(ctx, session.id),
  },
};
