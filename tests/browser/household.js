// household.js - lcmon serve driven in a real browser (Debian's chromium through
// puppeteer-core): a respondent on a 390 x 844 phone fills the household questionnaire,
// meets a constraint message, closes the tab, comes back with the link (a one-time token's
// link: from a fresh browser, as from another device), gives three roster members and
// submits, and the link then opens nothing but a thank-you page (reload, back and forward
// on the way); an interviewer, in a browser without JavaScript, opens their assignment list,
// completes one household and records a refusal for another. Then the stored rows (read back with `lcmon export`)
// must equal what was typed. Run by tests/cli/browser.sh:
//   node household.js LCMON DB RESPONDENT_LINK SCREENS_DIR INTERVIEWER_LINK|-
'use strict';
const puppeteer = require('puppeteer-core');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [lcmon, db, link, screens, ivLink] = process.argv.slice(2);
const base = new URL(link).origin;
const chromium = process.env.LCM_CHROMIUM || '/usr/bin/chromium';

function fail(msg) {
  throw new Error(msg);
}
function check(cond, msg) {
  if (!cond) fail(msg);
}

// What the respondent types, page by page (field -> value; several values for a
// select_multiple). Members by position.
const respondent = {
  location: {
    city: '1100', county: '110101', township: '110101001', community: '110101001003',
    community_type: 'rc', consent: '1', // household number and interviewer: not asked
  },
  respondent: { sex: '2', age: '41', edu: '6', work: '1', disability: '0' },
  hh_size: { hh_size: '3' },
  members: [
    { m_rel: '1', m_sex: '2', m_age: '41', m_edu: '6', m_work: '1', m_disability: '0', m_learned: '1' },
    { m_rel: '2', m_sex: '1', m_age: '43', m_edu: '5', m_work: '1', m_disability: '0', m_learned: '0' },
    { m_rel: '3', m_sex: '1', m_age: '9', m_edu: '2', m_disability: '0', m_learned: '1' },
  ],
  awareness: { aware: ['cc', 'rd'] },
  services_use: { use_cc: '1', freq_cc: '2', sat_cc: '4', use_rd: '0', sat_overall: '4' },
  learning: { barriers: ['time', 'cost'], learn_hours: '30', suggestion: '希望多开周末课程 <b>&' },
};

function valuesFor(plan, pageId) {
  if (!pageId) return {};
  const m = /^members:(\d+)$/.exec(pageId);
  if (m) return plan.members[Number(m[1]) - 1] || {};
  return plan[pageId] || {};
}

async function pageId(page) {
  return page.$eval('input[name="_page"]', (e) => e.value).catch(() => null);
}

// Wait for the navigation a click or change starts; returns the response.
async function navigate(page, action) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return resp;
}

// The place selects: each choice reloads the page with the next level filled (lcmon.js).
async function places(page, vals) {
  for (const f of ['city', 'county', 'township', 'community']) {
    if (!(f in vals)) continue;
    const sel = `select#q-${f}`;
    const state = await page
      .$eval(sel, (e) => ({ v: e.value, d: e.disabled, c: e.hasAttribute('data-cascade') }))
      .catch(() => null);
    if (!state || state.d || state.v === vals[f]) continue;
    // the option is shown by name, its value is the code
    const label = await page.$eval(`${sel} option[value="${vals[f]}"]`, (o) => o.textContent);
    check(!/^\d+$/.test(label.trim()), `place ${f} shows its code, not a name: ${label}`);
    if (!state.c) await page.select(sel, vals[f]);
    else await navigate(page, () => page.select(sel, vals[f]));
  }
}

async function fill(page, vals) {
  const names = await page.$$eval('[name^="q:"]', (els) => [
    ...new Set(els.filter((e) => !e.disabled).map((e) => e.name.slice(2))),
  ]);
  for (const f of names) {
    if (!(f in vals) || ['city', 'county', 'township', 'community'].includes(f)) continue;
    const v = vals[f];
    const first = `[name="q:${f}"]`;
    const kind = await page.$eval(first, (e) => (e.tagName === 'SELECT' ? 'select' : e.type));
    if (kind === 'select') {
      await page.select(first, v);
    } else if (kind === 'radio') {
      await page.click(`input[name="q:${f}"][value="${v}"]`);
    } else if (kind === 'checkbox') {
      for (const one of Array.isArray(v) ? v : [v]) {
        const box = `input[name="q:${f}"][value="${one}"]`;
        if (!(await page.$eval(box, (e) => e.checked))) await page.click(box);
      }
    } else {
      await page.$eval(first, (e) => { e.value = ''; });
      await page.type(first, String(v));
    }
  }
}

async function next(page) {
  return navigate(page, () => page.click('button[name="_nav"][value="next"]'));
}

async function shot(page, name) {
  if (!screens || screens === '-') return;
  fs.mkdirSync(screens, { recursive: true });
  await page.screenshot({ path: path.join(screens, name), fullPage: true });
}

// Walk the questionnaire from the current page to the review page. hooks[pageId] runs
// before the page is filled (for the constraint and the closed tab); shots: keep screenshots.
async function walk(browserCtx, page, plan, hooks, shots) {
  const seen = new Set();
  for (let guard = 0; guard < 80; guard++) {
    // the review page (its address only with script: without, the address stays /s)
    if (await page.$('button[name="_nav"][value="submit"]')) return page;
    const id = await pageId(page);
    check(id !== null, `no page id at ${page.url()}`);
    if (hooks[id] && !seen.has(id)) {
      seen.add(id);
      const p = await hooks[id](page);
      if (p) {
        page = p;
        continue;
      }
    }
    const vals = valuesFor(plan, id);
    await places(page, vals);
    await fill(page, vals);
    if (shots && id === 'location' && !seen.has('shot-location')) {
      seen.add('shot-location');
      await shot(page, 'location.png');
    }
    if (shots && id === 'members:2' && !seen.has('shot-member')) {
      seen.add('shot-member');
      await shot(page, 'member.png');
    }
    const resp = await next(page);
    const status = resp ? resp.status() : 0;
    if (status === 422) {
      const errs = await page.$$eval('p.err', (ps) => ps.map((p) => `${p.id}: ${p.textContent}`));
      fail(`page ${id} refused: ${errs.join('; ')}`);
    }
  }
  fail('the questionnaire did not reach the review page');
}

async function newPhone(browserCtx) {
  const page = await browserCtx.newPage();
  await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  return page;
}

async function respondentRun(browser, browserCtx) {
  let page = await newPhone(browserCtx);
  await page.goto(link, { waitUntil: 'load' });
  const hooks = {
    // an age outside 16..100 is refused with the form's message beside the question
    respondent: async (p) => {
      const vals = { ...respondent.respondent, age: '12' };
      await fill(p, vals);
      const resp = await next(p);
      check(resp.status() === 422, `age 12 was not refused (status ${resp.status()})`);
      const msg = await p.$eval('#e-age', (e) => e.textContent);
      check(msg.includes('受访者应在16至100岁之间'), `constraint message: ${msg}`);
      const described = await p.$eval('#q-age', (e) => e.getAttribute('aria-describedby') || '');
      check(described.includes('e-age'), 'the message is not tied to the input');
      await shot(p, 'constraint.png');
      return null; // now fill it right
    },
    // the tab is closed after the respondent page; the link brings the draft back
    hh_size: async (p) => {
      await p.close();
      // a one-time token's link resumes on another device too (a fresh browser, no cookie)
      const device = link.includes('/t/') ? await browser.createBrowserContext() : browserCtx;
      const q = await newPhone(device);
      await q.goto(link, { waitUntil: 'load' });
      const id = await pageId(q);
      check(id === 'hh_size', `resuming with the link shows page ${id}, not hh_size`);
      return q;
    },
  };
  page = await walk(browserCtx, page, respondent, hooks, true);
  // each page came as the answer to a POST; lcmon.js put its own address in place, so a
  // reload asks for the page (no "resubmit the form?") and back shows the page before
  check(new URL(page.url()).pathname === '/s/review', `review page at ${page.url()}`);
  await page.reload({ waitUntil: 'load' });
  check((await page.$('button[name="_nav"][value="submit"]')) !== null, 'reload left the review page');
  await page.goBack({ waitUntil: 'load' });
  const before = await pageId(page);
  check(before !== null && new URL(page.url()).search === `?p=${before}`,
    `back from the review page: page ${before} at ${page.url()}`);
  await page.goForward({ waitUntil: 'load' });
  check(new URL(page.url()).pathname === '/s/review', `forward again: ${page.url()}`);
  // review page: the answers as typed, escaped
  const review = await page.content();
  check(review.includes('希望多开周末课程 &lt;b&gt;&amp;'), 'review page does not show the suggestion escaped');
  await shot(page, 'review.png');
  const resp = await navigate(page, () => page.click('button[name="_nav"][value="submit"]'));
  check(resp.ok(), `submit: ${resp.status()}`);
  check((await page.$('#done')) !== null, 'no thank-you page after submit');
  if (link.includes('/t/')) { // answered once: the link opens no questionnaire again
    await page.goto(link, { waitUntil: 'load' });
    check((await page.$('input[name="_page"]')) === null, 'a used token opens a questionnaire');
    check((await page.content()).includes('您已提交过问卷'), 'a used token does not say so');
  }
  await page.close();
}

// The interviewer: sign in with the link, open the first household, complete it; record a
// refusal for the second.
const interview = {
  location: { community_type: 'rc', household_no: 'A-0001', consent: '1' },
  respondent: { sex: '1', age: '67', edu: '4', work: '2', disability: '0' },
  hh_size: { hh_size: '1' },
  members: [{ m_rel: '1', m_sex: '1', m_age: '67', m_edu: '4', m_work: '2', m_disability: '0', m_learned: '1' }],
  awareness: { aware: ['eu'] },
  services_use: { use_eu: '1', freq_eu: '1', sat_eu: '5', sat_overall: '5' },
  learning: { learn_hours: '120' },
};

// The interviewer's tablet runs without JavaScript: every page must work without it.
async function interviewerRun(browserCtx) {
  const page = await browserCtx.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setViewport({ width: 820, height: 1180, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  await page.goto(ivLink, { waitUntil: 'load' });
  if (!page.url().endsWith('/i/a')) await page.goto(`${base}/i/a`, { waitUntil: 'load' });
  const list = await page.content();
  check(list.includes('A-0001') && list.includes('A-0002'), 'assignment list lacks the households');
  await shot(page, 'assignments.png');
  // each household is a <section id="a-ID"> with its household number and its forms
  const section = async (hh) => {
    for (const sec of await page.$$('section[id^="a-"]')) {
      if ((await sec.evaluate((e) => e.textContent)).includes(hh)) return sec;
    }
    return fail(`no section for ${hh} on the assignment list`);
  };
  // a refusal for the second household, with a note
  let sec = await section('A-0002');
  const id2 = (await sec.evaluate((e) => e.id)).slice(2);
  await page.select(`#o-${id2}`, '2.11');
  await page.type(`#n-${id2}`, '门口拒绝');
  await navigate(page, () => sec.$eval('button[name="_nav"][value="outcome"]', (b) => b.click()));
  sec = await section('A-0002');
  check((await sec.evaluate((e) => e.textContent)).includes('拒访'), 'A-0002 does not show the refusal');
  // open the first household and interview it
  sec = await section('A-0001');
  await navigate(page, () => sec.$eval('button[name="_nav"][value="open"]', (b) => b.click()));
  const done = await walk(browserCtx, page, interview, {}, false);
  const resp = await navigate(done, () => done.click('button[name="_nav"][value="submit"]'));
  check(resp.ok(), `interviewer submit: ${resp.status()}`);
  await done.close();
}

function exported() {
  const out = path.join(path.dirname(db), 'browser-export.json');
  try { fs.unlinkSync(out); } catch (e) { /* none yet */ }
  execFileSync(lcmon, ['export', db, '--form', 'household', '--format', 'json', '--out', out,
    '--include-pii'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));
  const t = (name) => j.tables.find((x) => x.name === name || x.table.endsWith(name)).rows;
  return { main: t('household') || j.tables[0].rows, members: j.tables[1].rows };
}

function same(row, want, what) {
  for (const [k, v] of Object.entries(want)) {
    const got = row[k];
    const w = Array.isArray(v) ? v.join(' ') : v;
    check(String(got) === String(w), `${what}: ${k} stored ${JSON.stringify(got)}, typed ${JSON.stringify(w)}`);
  }
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=zh-CN'],
  });
  try {
    const ctx = await browser.createBrowserContext();
    await respondentRun(browser, ctx);
    if (ivLink && ivLink !== '-') await interviewerRun(await browser.createBrowserContext());
  } finally {
    await browser.close();
  }
  // the stored rows equal what was typed
  const { main, members } = exported();
  const web = main.find((r) => r.suggestion === respondent.learning.suggestion);
  check(web, 'the respondent\'s household is not stored complete');
  // self-completion: the interviewer's questions were filled by the server, not asked
  check(/^(T\d{6}|W[0-9a-f]{16})$/.test(web.household_id), `household number ${web.household_id}`);
  check(web.interviewer === '自填', `interviewer ${web.interviewer}`);
  const r = respondent;
  same(web, {
    city: r.location.city, county: r.location.county, township: r.location.township,
    psu: r.location.community, community_type: r.location.community_type,
    consent: r.location.consent, ...r.respondent, ...r.hh_size, aware: r.awareness.aware,
    use_cc: '1', freq_cc: '2', sat_cc: '4', use_rd: '0', sat_overall: '4',
    barriers: r.learning.barriers, learn_hours: '30', suggestion: r.learning.suggestion,
    status: 'complete',
  }, 'respondent');
  const mine = members.filter((m) => m.instance_id === web.instance_id)
    .sort((a, b) => a.position - b.position);
  check(mine.length === 3, `${mine.length} roster members stored, 3 typed`);
  mine.forEach((m, i) => same(m, r.members[i], `member ${i + 1}`));
  let n = 1;
  if (ivLink && ivLink !== '-') {
    const a = main.find((x) => x.household_id === 'A-0001');
    check(a, 'the interviewer\'s household is not stored complete');
    same(a, { ...interview.respondent, hh_size: '1', aware: 'eu', use_eu: '1', freq_eu: '1',
      sat_eu: '5', learn_hours: '120', psu: '110101001004' }, 'interviewer household');
    check(!main.find((x) => x.household_id === 'A-0002'), 'the refused household has answers');
    // the dispositions: A-0001 complete (1.1), A-0002 a refusal (2.11): RR1 = 1 / 2
    const oc = execFileSync(lcmon, ['serve', 'outcomes', db], { encoding: 'utf8' });
    check(oc.includes('complete 1, partial 0, refusal 1,') && oc.includes('RR1 (AAPOR): 50.0%'),
      `outcomes: ${oc}`);
    n = 2;
  }
  check(main.length === n, `${main.length} complete households stored, ${n} submitted`);
  console.log(`browser: ${n} households typed in chromium (respondent by /${new URL(link).pathname.split('/')[1]}/ link) equal the stored rows`);
})().catch((e) => {
  console.error(`browser test failed: ${e.message}`);
  process.exit(1);
});
