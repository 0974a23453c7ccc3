import { describe, expect, it } from 'vitest';
import { demoId } from '@renda/db/ids';
import { tokens } from '@renda/testing/tokens';

export type Data = (query: string, token?: string, variables?: Record<string, unknown>) => Promise<Record<string, any>>;

/**
 * The whole graph as clients see it, on the demo data: queries that join entities across the four
 * subgraphs. Run through this gateway (federation.test.ts) and through Hive Gateway (hive-gateway.test.ts).
 */
export function federationSuite(title: string, data: Data): void {
  describe(title, () => {
    it('a region carries the figures of every subgraph for its subtree', async () => {
      const analyst = await tokens.analyst('43');
      const d = await data(
        `{ region(code: "430181") { name level children { code name }
          deputyStats(year: 2026) { activeDeputies stations }
          supervisionStats(year: 2026) { documentsFiled filedLate motions }
          suggestionStats(year: 2026) { total replied satisfactionRate }
          votingStats(year: 2026) { programs regionsWithProgram projectsElected budgetTotal }
          units { name kind } programs { title stage } } }`,
        analyst,
      );
      expect(d.region.name).toBe('浏阳市');
      expect(d.region.children).toEqual([{ code: '430181104', name: '永安镇' }]);
      expect(d.region.deputyStats.activeDeputies).toBe(119);
      expect(d.region.supervisionStats.documentsFiled).toBeGreaterThan(0);
      expect(d.region.suggestionStats.total).toBeGreaterThan(0);
      expect(d.region.votingStats.programs).toBeGreaterThan(0);
      expect(d.region.units.length).toBeGreaterThan(5);
    });

    it('a deputy sees their own record across subgraphs', async () => {
      const id = demoId('deputy:430181:1');
      const token = await tokens.deputy('430181', id);
      const d = await data(
        `{ me { id name congress { name } inspections { lawName } suggestions { title stage } suggestionCount(year: 2026)
              supervisedProjects { title } ballotsCast(year: 2026) duty(year: 2026) { voterContacts meetsMinimums } } }`,
        token,
      );
      expect(d.me.id).toBe(id);
      expect(d.me.congress.name).toBe('浏阳市第十八届人民代表大会');
      expect(Array.isArray(d.me.suggestions)).toBe(true);
    });

    it("a unit shows what it handles in suggestions and voting, and the Yong'an vote is public once closed", async () => {
      const staff = await tokens.staff('43');
      const d = await data(
        `query($unit: ID!) { unit(id: $unit) { name region { name } officials { name }
          handledSuggestions { title } suggestionStats(year: 2026) { total } livelihoodProjects { title } } }`,
        staff,
        { unit: demoId('unit:430181:transport') },
      );
      expect(d.unit.name).toBe('浏阳市交通运输局');
      expect(d.unit.region.name).toBe('浏阳市');
      const publicView = await data(
        `{ programs(regionCode: "430181104") { title stage session { number congress { name } } projects { title rank satisfaction { rate } } } }`,
      );
      const closed = publicView.programs.filter((p: { stage: string }) => p.stage === 'CLOSED');
      expect(closed.length).toBeGreaterThan(0);
      expect(closed[0].session.congress.name).toBe('永安镇第十八届人民代表大会');
    });

    it('a session lists the suggestions and programs of every subgraph', async () => {
      const staff = await tokens.staff('43');
      const d = await data(
        `query($id: ID!) { congress(id: $id) { sessions { number suggestions { title } livelihoodPrograms { title } } } }`,
        staff,
        {
          id: demoId('congress:430181104'),
        },
      );
      expect(d.congress.sessions).toHaveLength(4);
    });
  });
}
