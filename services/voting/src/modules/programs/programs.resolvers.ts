import type { Resolvers } from '../../generated/resolvers.ts';
import { refKey } from '../federation/representation-key.ts';
import { ballotsOf } from '../ballots/ballots.service.ts';
import { roundsOf } from '../evaluations/evaluations.service.ts';
import { candidatesOf, electedOf } from '../projects/projects.service.ts';
import { correctProgram, correctProposal, withdrawProposal } from './program-corrections.ts';
import {
  candidateOfProposal,
  closeSolicitation,
  createProgram,
  listPrograms,
  programLoader,
  programsConnection,
  proposalsOf,
  proposeProject,
  setCandidates,
} from './programs.service.ts';

export const programResolvers: Resolvers = {
  Query: {
    program: (_, { id }, ctx) => programLoader(ctx).load(id),
    programs: (_, { regionCode, year, level }, ctx) => listPrograms(ctx, regionCode, year, level),
    programsConnection: (_, { regionCode, year, level, first, after }, ctx) =>
      programsConnection(ctx, first, after, regionCode, year, level),
  },
  Mutation: {
    createProgram: (_, { input }, ctx) => createProgram(ctx, input),
    proposeProject: (_, { programId, input }, ctx) => proposeProject(ctx, programId, input),
    closeSolicitation: (_, { programId }, ctx) => closeSolicitation(ctx, programId),
    setCandidates: (_, { programId, candidates }, ctx) => setCandidates(ctx, programId, candidates),
    correctProgram: (_, { id, version, input, reason }, ctx) => correctProgram(ctx, id, version, input, reason),
    correctProposal: (_, { id, version, input, reason }, ctx) => correctProposal(ctx, id, version, input, reason),
    withdrawProposal: (_, { id, version, reason }, ctx) => withdrawProposal(ctx, id, version, reason),
  },
  LivelihoodProgram: {
    __resolveReference: (ref, ctx) => programLoader(ctx).load(refKey(ref, 'id', 'LivelihoodProgram')),
    region: (program) => ({ code: program.regionCode }),
    session: (program) => ({ id: program.sessionId }),
    proposals: (program, _, ctx) => proposalsOf(ctx, program.id),
    candidates: (program, _, ctx) => candidatesOf(ctx, program.id),
    ballots: (program, _, ctx) => ballotsOf(ctx, program.id),
    projects: (program, _, ctx) => electedOf(ctx, program.id),
    evaluations: (program, _, ctx) => roundsOf(ctx, program.id),
    openSeats: async (program, _, ctx) => program.seats - (await electedOf(ctx, program.id)).length,
  },
  ProjectProposal: {
    candidate: (proposal, _, ctx) => candidateOfProposal(ctx, proposal.id),
  },
};
