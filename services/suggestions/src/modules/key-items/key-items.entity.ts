import { EntitySchema } from '@mikro-orm/postgresql';
import { actorProperties, type ActorColumns } from '../handling/actor.ts';

/** 主任会议听取: the council of chairpersons hears the handling of one key item (S-9). */
export interface KeyHearingRow extends ActorColumns {
  id: string;
  suggestionId: string;
  heldOn: string;
  summary: string;
  decisions: string | null;
  at: Date;
}

export const KeyHearingSchema = new EntitySchema<KeyHearingRow>({
  name: 'KeyHearingRow',
  tableName: 'key_hearings',
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid', index: true },
    heldOn: { type: 'date', index: true },
    summary: { type: 'text' },
    decisions: { type: 'text', nullable: true },
    at: { type: 'datetime' },
    ...actorProperties,
  },
});

/** 常委会满意度测评: the standing committee's tally of satisfaction with one key item's handling (S-9). */
export interface CommitteeVoteRow extends ActorColumns {
  id: string;
  suggestionId: string;
  round: number;
  votedOn: string;
  membersPresent: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  at: Date;
}

export const CommitteeVoteSchema = new EntitySchema<CommitteeVoteRow>({
  name: 'CommitteeVoteRow',
  tableName: 'committee_votes',
  checks: [
    {
      name: 'committee_votes_tally_check',
      expression:
        '"members_present" > 0 and "satisfied" >= 0 and "basically_satisfied" >= 0 and "dissatisfied" >= 0 and ' +
        '"satisfied" + "basically_satisfied" + "dissatisfied" <= "members_present"',
    },
  ],
  uniques: [{ name: 'committee_votes_suggestion_round_unique', properties: ['suggestionId', 'round'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    suggestionId: { type: 'uuid' },
    round: { type: 'integer' },
    votedOn: { type: 'date', index: true },
    membersPresent: { type: 'integer' },
    satisfied: { type: 'integer' },
    basicallySatisfied: { type: 'integer' },
    dissatisfied: { type: 'integer' },
    at: { type: 'datetime' },
    ...actorProperties,
  },
});
