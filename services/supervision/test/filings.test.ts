import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fails, ok } from '@renda/testing/graphql';
import type { TestStack } from '@renda/testing/services';
import { handlerToken, makeTokens, makeUnits, startStack, type Executor, type Tokens, type Units } from './support.ts';

let stack: TestStack;
let sg: Executor;
let t: Tokens;
let u: Units;

beforeAll(async () => {
  ({ stack, sg } = await startStack());
  t = await makeTokens();
  u = await makeUnits(sg, t.admin);
});
afterAll(() => stack?.stop());

const D = 'id title documentNumber kind issuer { id name } publishedOn filedOn filingDueOn filedLate reviewStatus';
const FILE = `mutation($input: FileDocumentInput!) { fileDocument(input: $input) { ${D} } }`;
const REVIEW = `mutation($id: ID!, $status: ReviewStatus!, $opinion: String) { reviewDocument(id: $id, status: $status, opinion: $opinion) { ${D} reviewOpinion } }`;
const LIST = `query($code: ID!, $year: Int, $status: ReviewStatus) { filedDocuments(regionCode: $code, year: $year, reviewStatus: $status) { ${D} } }`;

let seq = 0;
async function file(publishedOn: string, filedOn: string, issuerId = u.government): Promise<any> {
  seq += 1;
  const input = {
    title: `浏阳市规范性文件${seq}`,
    documentNumber: `浏政发〔2026〕${seq}号`,
    kind: 'NORMATIVE_DOCUMENT',
    issuerId,
    publishedOn,
    filedOn,
  };
  return (await ok(sg, FILE, { input }, t.staff)).fileDocument;
}

describe('G-2 filing within 30 days of publication', () => {
  it('G-2: filed on day 30 after publication is on time', async () => {
    const doc = await file('2026-03-01', '2026-03-31');
    expect(doc).toMatchObject({ filingDueOn: '2026-03-31', filedLate: false, reviewStatus: 'PENDING' });
  });

  it('G-2: filed on day 31 after publication is late', async () => {
    const doc = await file('2026-03-01', '2026-04-01');
    expect(doc).toMatchObject({ filingDueOn: '2026-03-31', filedLate: true });
  });

  it('G-2: the 30 days run across a month end (published Jan 31, due Mar 2; Feb has 28 days in 2026)', async () => {
    expect(await file('2026-01-31', '2026-03-02')).toMatchObject({ filingDueOn: '2026-03-02', filedLate: false });
    expect(await file('2026-01-31', '2026-03-03')).toMatchObject({ filingDueOn: '2026-03-02', filedLate: true });
  });

  it('G-2: the 30 days run across a year end (published 2025-12-15, due 2026-01-14)', async () => {
    expect(await file('2025-12-15', '2026-01-14')).toMatchObject({ filingDueOn: '2026-01-14', filedLate: false });
    expect(await file('2025-12-15', '2026-01-15')).toMatchObject({ filingDueOn: '2026-01-14', filedLate: true });
  });

  it('G-2: filed on the day of publication is on time', async () => {
    expect(await file('2026-05-10', '2026-05-10')).toMatchObject({ filingDueOn: '2026-06-09', filedLate: false });
  });

  it('G-2: filing before publication is BAD_USER_INPUT and records nothing', async () => {
    const input = {
      title: '提前报备的文件',
      documentNumber: '浏政发〔2026〕900号',
      kind: 'REGULATION',
      issuerId: u.government,
      publishedOn: '2026-05-10',
      filedOn: '2026-05-09',
    };
    await fails(sg, 'BAD_USER_INPUT', FILE, { input }, t.staff, 'input.filedOn');
    await fails(
      sg,
      'BAD_USER_INPUT',
      FILE,
      { input: { ...input, publishedOn: '2026-07-01', filedOn: '2026-07-02' } },
      t.staff,
      'input.filedOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      FILE,
      { input: { ...input, filedOn: '2026-05-20', issuerId: 'x' } },
      t.staff,
      'input.issuerId',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      FILE,
      { input: { ...input, filedOn: '2026-05-20', documentNumber: ' ' } },
      t.staff,
      'input.documentNumber',
    );
    // A year before 100 would be read by Date.UTC as 19xx and give a wrong due date; absurd years are refused.
    await fails(
      sg,
      'BAD_USER_INPUT',
      FILE,
      { input: { ...input, publishedOn: '0050-01-01', filedOn: '2026-05-20' } },
      t.staff,
      'input.publishedOn',
    );
    await fails(
      sg,
      'BAD_USER_INPUT',
      FILE,
      { input: { ...input, publishedOn: '1900-01-01', filedOn: '2026-05-20' } },
      t.staff,
      'input.publishedOn',
    );
    const all = (await ok(sg, LIST, { code: '430181' })).filedDocuments;
    expect(all.find((d: any) => d.documentNumber === '浏政发〔2026〕900号')).toBeUndefined();
  });

  it('G-2: a document number is filed once per issuer (CONFLICT)', async () => {
    const doc = await file('2026-05-01', '2026-05-02');
    const input = {
      title: 'again',
      documentNumber: doc.documentNumber,
      kind: 'DECISION',
      issuerId: u.government,
      publishedOn: '2026-05-01',
      filedOn: '2026-05-03',
    };
    await fails(sg, 'CONFLICT', FILE, { input }, t.staff);
  });
});

describe('G-2 review: 有备必审、有错必纠', () => {
  it('G-2: PENDING → CORRECTION_REQUESTED (with the problem) → CORRECTED', async () => {
    const doc = await file('2026-04-01', '2026-04-10');
    await fails(sg, 'BAD_USER_INPUT', REVIEW, { id: doc.id, status: 'CORRECTION_REQUESTED' }, t.staff, 'opinion');
    const requested = await ok(
      sg,
      REVIEW,
      { id: doc.id, status: 'CORRECTION_REQUESTED', opinion: '第五条超越权限' },
      t.staff,
    );
    expect(requested.reviewDocument).toMatchObject({
      reviewStatus: 'CORRECTION_REQUESTED',
      reviewOpinion: '第五条超越权限',
    });
    const corrected = await ok(sg, REVIEW, { id: doc.id, status: 'CORRECTED' }, t.staff);
    expect(corrected.reviewDocument).toMatchObject({ reviewStatus: 'CORRECTED', reviewOpinion: '第五条超越权限' });
  });

  it('G-2: PENDING → NO_ISSUE, and CORRECTION_REQUESTED → REVOKED', async () => {
    const a = await file('2026-04-01', '2026-04-10');
    expect((await ok(sg, REVIEW, { id: a.id, status: 'NO_ISSUE' }, t.staff)).reviewDocument.reviewStatus).toBe(
      'NO_ISSUE',
    );
    const b = await file('2026-04-01', '2026-04-10');
    await ok(sg, REVIEW, { id: b.id, status: 'CORRECTION_REQUESTED', opinion: '与上位法抵触' }, t.staff);
    expect((await ok(sg, REVIEW, { id: b.id, status: 'REVOKED' }, t.staff)).reviewDocument.reviewStatus).toBe(
      'REVOKED',
    );
  });

  it('G-2: every other review transition is CONFLICT and changes nothing', async () => {
    const statuses = ['PENDING', 'NO_ISSUE', 'CORRECTION_REQUESTED', 'CORRECTED', 'REVOKED'];
    const allowed: Record<string, string[]> = {
      PENDING: ['NO_ISSUE', 'CORRECTION_REQUESTED'],
      CORRECTION_REQUESTED: ['CORRECTED', 'REVOKED'],
    };
    const path: Record<string, string[]> = {
      PENDING: [],
      NO_ISSUE: ['NO_ISSUE'],
      CORRECTION_REQUESTED: ['CORRECTION_REQUESTED'],
      CORRECTED: ['CORRECTION_REQUESTED', 'CORRECTED'],
      REVOKED: ['CORRECTION_REQUESTED', 'REVOKED'],
    };
    let refused = 0;
    for (const from of statuses) {
      for (const to of statuses) {
        if (allowed[from]?.includes(to)) continue;
        const doc = await file('2026-04-01', '2026-04-10');
        for (const step of path[from]!) await ok(sg, REVIEW, { id: doc.id, status: step, opinion: '意见' }, t.staff);
        await fails(sg, 'CONFLICT', REVIEW, { id: doc.id, status: to, opinion: '意见' }, t.staff);
        const after = (await ok(sg, LIST, { code: '430181' })).filedDocuments.find((d: any) => d.id === doc.id);
        expect(after.reviewStatus).toBe(from);
        refused += 1;
      }
    }
    expect(refused).toBe(21);
  });
});

describe('G-2 access: 备案审查 is public, the review opinion is not', () => {
  it('the public lists filed documents with title, number, kind, issuer, dates and review status', async () => {
    const doc = await file('2026-02-01', '2026-02-05');
    await ok(sg, REVIEW, { id: doc.id, status: 'CORRECTION_REQUESTED', opinion: '内部审查意见' }, t.staff);
    const pub = (await ok(sg, LIST, { code: '430181', year: 2026, status: 'CORRECTION_REQUESTED' })).filedDocuments;
    expect(pub.find((d: any) => d.id === doc.id)).toMatchObject({
      documentNumber: doc.documentNumber,
      issuer: { name: '浏阳市人民政府' },
      reviewStatus: 'CORRECTION_REQUESTED',
    });
    expect(pub.every((d: any) => d.reviewStatus === 'CORRECTION_REQUESTED')).toBe(true);
    const withOpinion = await sg.execute(`query { filedDocuments(regionCode: "430181") { id reviewOpinion } }`);
    expect(withOpinion.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const other = await sg.execute(
      `query { filedDocuments(regionCode: "430181") { id reviewOpinion } }`,
      {},
      t.staffOther,
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const analyst = await ok(sg, `query { filedDocuments(regionCode: "430181") { id reviewOpinion } }`, {}, t.analyst);
    expect(analyst.filedDocuments.find((d: any) => d.id === doc.id).reviewOpinion).toBe('内部审查意见');
    const ent = await ok(
      sg,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on FiledDocument { title reviewStatus } } }`,
      { r: [{ __typename: 'FiledDocument', id: doc.id }] },
    );
    expect(ent._entities[0]).toEqual({ title: doc.title, reviewStatus: 'CORRECTION_REQUESTED' });
    const y2025 = (await ok(sg, LIST, { code: '430181', year: 2025 })).filedDocuments;
    expect(y2025).toEqual([]);
  });

  it('filing and reviewing are for staff of the issuer region', async () => {
    const input = {
      title: 't',
      documentNumber: '岳政发〔2026〕1号',
      kind: 'REGULATION',
      issuerId: u.government,
      publishedOn: '2026-05-01',
      filedOn: '2026-05-02',
    };
    await fails(sg, 'UNAUTHENTICATED', FILE, { input });
    await fails(sg, 'FORBIDDEN', FILE, { input }, t.staffOther);
    await fails(sg, 'FORBIDDEN', FILE, { input }, t.analyst);
    await fails(sg, 'FORBIDDEN', FILE, { input }, await handlerToken(u.government));
    const doc = await file('2026-05-01', '2026-05-02');
    await fails(sg, 'FORBIDDEN', REVIEW, { id: doc.id, status: 'NO_ISSUE' }, t.analyst);
    await fails(sg, 'NOT_FOUND', REVIEW, { id: '0190a0b0-0000-7000-8000-00000000ffff', status: 'NO_ISSUE' }, t.staff);
    await fails(sg, 'BAD_USER_INPUT', REVIEW, { id: 'x', status: 'NO_ISSUE' }, t.staff, 'id');
  });
});

describe('G-1 major matters reported before they are decided', () => {
  const M = 'id title year status reportedOn decidedOn reportedBeforeDecision unit { id }';
  const LISTM = `mutation($input: MajorMatterInput!) { registerMajorMatter(input: $input) { ${M} } }`;
  const OLD_LISTM = `mutation($input: MajorMatterInput!) { listMajorMatter(input: $input) { ${M} } }`;
  const REPORT = `mutation($id: ID!, $on: Date!) { reportMajorMatter(id: $id, on: $on) { ${M} } }`;
  const DECIDE = `mutation($id: ID!, $on: Date!) { decideMajorMatter(id: $id, on: $on) { ${M} } }`;
  const listed = async (title: string) =>
    (await ok(sg, LISTM, { input: { title, unitId: u.government, year: 2026 } }, t.staff)).registerMajorMatter;

  it('G-1: the deprecated listMajorMatter still registers a matter, like registerMajorMatter', async () => {
    const input = { title: '旧名登记的重大事项', unitId: u.government, year: 2026 };
    const m = (await ok(sg, OLD_LISTM, { input }, t.staff)).listMajorMatter;
    expect(m).toMatchObject({ title: input.title, status: 'PLANNED', unit: { id: u.government } });
    const listed = await ok(sg, 'query { majorMatters(regionCode: "430181", year: 2026) { id } }', {}, t.staff);
    expect(listed.majorMatters.map((x: { id: string }) => x.id)).toContain(m.id);
    await fails(sg, 'FORBIDDEN', OLD_LISTM, { input: { ...input, title: '代表不能登记' } }, t.deputy);
  });

  it('G-1: PLANNED → REPORTED → DECIDED: reportedBeforeDecision is true', async () => {
    const m = await listed('城区污水处理厂扩建');
    expect(m).toMatchObject({ status: 'PLANNED', reportedBeforeDecision: null });
    expect((await ok(sg, REPORT, { id: m.id, on: '2026-05-01' }, t.staff)).reportMajorMatter).toMatchObject({
      status: 'REPORTED',
      reportedOn: '2026-05-01',
      reportedBeforeDecision: null,
    });
    await fails(sg, 'BAD_USER_INPUT', DECIDE, { id: m.id, on: '2026-04-30' }, t.staff, 'on');
    expect((await ok(sg, DECIDE, { id: m.id, on: '2026-05-20' }, t.staff)).decideMajorMatter).toMatchObject({
      status: 'DECIDED',
      decidedOn: '2026-05-20',
      reportedBeforeDecision: true,
    });
  });

  it('G-1: PLANNED → DECIDED is allowed but recorded: reportedBeforeDecision is false', async () => {
    const m = await listed('公交线路调整');
    expect((await ok(sg, DECIDE, { id: m.id, on: '2026-05-20' }, t.staff)).decideMajorMatter).toMatchObject({
      status: 'DECIDED',
      reportedOn: null,
      reportedBeforeDecision: false,
    });
  });

  it('G-1: reporting twice, reporting after the decision and deciding twice are CONFLICT', async () => {
    const a = await listed('a');
    await ok(sg, REPORT, { id: a.id, on: '2026-05-01' }, t.staff);
    await fails(sg, 'CONFLICT', REPORT, { id: a.id, on: '2026-05-02' }, t.staff);
    await ok(sg, DECIDE, { id: a.id, on: '2026-05-03' }, t.staff);
    await fails(sg, 'CONFLICT', DECIDE, { id: a.id, on: '2026-05-04' }, t.staff);
    await fails(sg, 'CONFLICT', REPORT, { id: a.id, on: '2026-05-04' }, t.staff);
    const b = await listed('b');
    await ok(sg, DECIDE, { id: b.id, on: '2026-05-03' }, t.staff);
    await fails(sg, 'CONFLICT', REPORT, { id: b.id, on: '2026-05-04' }, t.staff);
    const list = (
      await ok(
        sg,
        'query { majorMatters(regionCode: "430181", year: 2026) { title reportedOn status } }',
        {},
        t.analyst,
      )
    ).majorMatters;
    expect(list.find((m: any) => m.title === 'b')).toEqual({ title: 'b', reportedOn: null, status: 'DECIDED' });
  });

  it('G-1: major matters are not public; staff of the region write them', async () => {
    await fails(sg, 'UNAUTHENTICATED', 'query { majorMatters(regionCode: "430181", year: 2026) { id } }', {});
    await fails(sg, 'FORBIDDEN', 'query { majorMatters(regionCode: "430181", year: 2026) { id } }', {}, t.analystOther);
    await fails(sg, 'FORBIDDEN', LISTM, { input: { title: 'x', unitId: u.government, year: 2026 } }, t.staffOther);
    await fails(
      sg,
      'BAD_USER_INPUT',
      LISTM,
      { input: { title: 'x', unitId: u.government, year: 12 } },
      t.staff,
      'input.year',
    );
    await fails(sg, 'BAD_USER_INPUT', REPORT, { id: (await listed('c')).id, on: '2026-12-01' }, t.staff, 'on');
  });
});
