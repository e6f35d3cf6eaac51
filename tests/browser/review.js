// review.js - review of interviews in a real browser (Debian's chromium through
// puppeteer-core; docs/review.md). An interviewer signs in with an account and completes
// two households; the city coordinator of 北京 signs in, approves the first and returns the
// second with a comment; the coordinator of 广州 gets 403 for it; the interviewer sees the
// comment on the assignment list, edits the answer and resubmits; the coordinator approves
// it. After each click the states stored (read back with `lcmon review list`) must be what
// was clicked, and the edited answer must be the stored one. Run by tests/cli/review_browser.sh:
//   node review.js LCMON DB BASE SCREENS_DIR PASSWORD
'use strict';
const puppeteer = require('puppeteer-core');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [lcmon, db, base, screens, password] = process.argv.slice(2);
const chromium = process.env.LCM_CHROMIUM || '/usr/bin/chromium';

function fail(msg) {
  throw new Error(msg);
}
function check(cond, msg) {
  if (!cond) fail(msg);
}

// What the interviewer enters (the location comes from the sample list).
function plan(hh, age) {
  return {
    location: { community_type: 'rc', household_no: hh, consent: '1' },
    respondent: { sex: '1', age, edu: '4', work: '2', disability: '0' },
    hh_size: { hh_size: '1' },
    members: [{ m_rel: '1', m_sex: '1', m_age: age, m_edu: '4', m_work: '2', m_disability: '0', m_learned: '1' }],
    awareness: { aware: ['eu'] },
    services_use: { use_eu: '1', freq_eu: '1', sat_eu: '5', sat_overall: '5' },
    learning: { learn_hours: '120' },
  };
}

function valuesFor(p, pageId) {
  if (!pageId) return {};
  const m = /^members:(\d+)$/.exec(pageId);
  if (m) return p.members[Number(m[1]) - 1] || {};
  return p[pageId] || {};
}

async function pageId(page) {
  return page.$eval('input[name="_page"]', (e) => e.value).catch(() => null);
}

async function navigate(page, action) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return resp;
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

// From the current page of the questionnaire to its review page.
async function walk(page, p) {
  for (let guard = 0; guard < 80; guard++) {
    if (await page.$('button[name="_nav"][value="submit"]')) return;
    const id = await pageId(page);
    check(id !== null, `no page id at ${page.url()}`);
    await fill(page, valuesFor(p, id));
    const resp = await navigate(page, () => page.click('button[name="_nav"][value="next"]'));
    if (resp && resp.status() === 422) {
      const errs = await page.$$eval('p.err', (ps) => ps.map((e) => `${e.id}: ${e.textContent}`));
      fail(`page ${id} refused: ${errs.join('; ')}`);
    }
  }
  fail('the questionnaire did not reach the review page');
}

async function shot(page, name) {
  if (!screens || screens === '-') return;
  fs.mkdirSync(screens, { recursive: true });
  await page.screenshot({ path: path.join(screens, name), fullPage: true });
}

async function signIn(ctx, login) {
  const page = await ctx.newPage();
  await page.setViewport({ width: 1024, height: 900 });
  await page.goto(`${base}/login`, { waitUntil: 'load' });
  await page.type('#login', login);
  await page.type('#password', password);
  const resp = await navigate(page, () => page.click('button[type="submit"].primary'));
  check(resp.ok(), `sign-in of ${login}: ${resp.status()}`);
  return page;
}

// The stored reviews by household (lcmon review list).
function stored() {
  const out = execFileSync(lcmon, ['review', 'list', db, '--format', 'json'], { encoding: 'utf8' });
  const by = {};
  for (const r of JSON.parse(out)) by[r.household] = r;
  return by;
}

function states(want, when) {
  const s = stored();
  for (const [hh, st] of Object.entries(want)) {
    check(s[hh] && s[hh].state === st, `${when}: ${hh} is ${s[hh] && s[hh].state}, clicked ${st}`);
  }
  return s;
}

// The interviewer's assignment section of household hh.
async function section(page, hh) {
  for (const sec of await page.$$('section[id^="a-"]')) {
    if ((await sec.evaluate((e) => e.textContent)).includes(hh)) return sec;
  }
  return fail(`no section for ${hh} on the assignment list`);
}

async function interview(page, hh, age) {
  if (!page.url().endsWith('/i/a')) await page.goto(`${base}/i/a`, { waitUntil: 'load' });
  const sec = await section(page, hh);
  await navigate(page, () => sec.$eval('button[name="_nav"][value="open"]', (b) => b.click()));
  await walk(page, plan(hh, age));
  const resp = await navigate(page, () => page.click('button[name="_nav"][value="submit"]'));
  check(resp.ok() && (await page.$('#done')) !== null, `submit of ${hh}: ${resp.status()}`);
}

// The coordinator opens household hh from the list and decides.
async function decide(page, hh, state, comment) {
  await page.goto(`${base}/review`, { waitUntil: 'load' });
  const rows = await page.$$('table.reviews tbody tr');
  let open = null;
  for (const tr of rows) {
    if ((await tr.evaluate((e) => e.textContent)).includes(hh)) open = tr;
  }
  check(open, `${hh} is not on the coordinator's list`);
  await navigate(page, () => open.$eval('a[href^="/review/i?id="]', (a) => a.click()));
  check((await page.content()).includes(hh), `the page of ${hh} does not name it`);
  if (comment) await page.type(`#c-${state}`, comment);
  const resp = await navigate(page, () => page.click(`#f-${state} button[type="submit"]`));
  check(resp.ok(), `${state} for ${hh}: ${resp.status()}`);
  check((await page.$('#notice')) !== null, `no confirmation after ${state} of ${hh}`);
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=zh-CN'],
  });
  const comment = '请核实受访者年龄 <b>&';
  try {
    // the interviewer completes both households
    const ivCtx = await browser.createBrowserContext();
    const iv = await signIn(ivCtx, 'wangfang');
    check(iv.url().endsWith('/i/a'), `the interviewer lands on ${iv.url()}, not /i/a`);
    await interview(iv, 'A-0001', '67');
    await interview(iv, 'A-0002', '17');
    states({ 'A-0001': 'received', 'A-0002': 'received' }, 'after the submissions');

    // the coordinator of 北京: home, the list with paradata, approve one, return the other
    const coCtx = await browser.createBrowserContext();
    const co = await signIn(coCtx, 'bj-coord');
    await navigate(co, () => co.click('a[href="/review"]'));
    const list = await co.content();
    check(list.includes('A-0001') && list.includes('A-0002') && list.includes('待审核'),
      'the list lacks the two interviews received');
    const pages = await co.$$eval('table.reviews tbody tr td:nth-child(6)', (tds) => tds.map((t) => Number(t.textContent)));
    check(pages.length === 2 && pages.every((n) => n >= 8), `pages shown per interview: ${pages}`);
    await shot(co, 'review-list.png');
    await decide(co, 'A-0001', 'approved', '');
    states({ 'A-0001': 'approved', 'A-0002': 'received' }, 'after approving A-0001');
    await decide(co, 'A-0002', 'has_issues', comment);
    await shot(co, 'review-returned.png');
    let s = states({ 'A-0001': 'approved', 'A-0002': 'has_issues' }, 'after returning A-0002');
    check(s['A-0002'].comment === comment, `stored comment ${JSON.stringify(s['A-0002'].comment)}`);
    const id2 = s['A-0002'].instance;

    // the coordinator of 广州: 403 for 北京's interview
    const gzCtx = await browser.createBrowserContext();
    const gz = await signIn(gzCtx, 'gz-coord');
    const denied = await gz.goto(`${base}/review/i?id=${encodeURIComponent(id2)}`, { waitUntil: 'load' });
    check(denied.status() === 403, `广州's coordinator opened 北京's interview: ${denied.status()}`);
    check(!(await gz.content()).includes('A-0002'), 'the 403 page shows the interview');

    // the interviewer: the comment on the list, edit the age, resubmit
    await iv.goto(`${base}/i/a`, { waitUntil: 'load' });
    const returned = await iv.$eval('#returned', (e) => e.textContent).catch(() => '');
    check(returned.includes(comment) && returned.includes('A-0002'),
      `the interviewer does not see the comment: ${returned}`);
    await shot(iv, 'returned.png');
    await navigate(iv, () => iv.click('#returned button[type="submit"]'));
    check(new URL(iv.url()).pathname === '/s/review', `editing opens ${iv.url()}`);
    await navigate(iv, () => iv.click('a[href="/s?p=respondent"]'));
    await walk(iv, plan('A-0002', '71'));
    const resp = await navigate(iv, () => iv.click('button[name="_nav"][value="submit"]'));
    check(resp.ok() && (await iv.$('#done')) !== null, `resubmit: ${resp.status()}`);
    states({ 'A-0001': 'approved', 'A-0002': 'resubmitted' }, 'after the resubmission');
    const out = path.join(path.dirname(db), 'review-export.json');
    execFileSync(lcmon, ['export', db, '--form', 'household', '--format', 'json', '--out', out,
      '--include-pii'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const main = JSON.parse(fs.readFileSync(out, 'utf8')).tables[0].rows;
    const a2 = main.find((r) => r.household_id === 'A-0002');
    check(a2 && String(a2.age) === '71' && a2.status === 'complete',
      `A-0002 stored age ${a2 && a2.age} (${a2 && a2.status}), typed 71`);

    // the coordinator approves the corrected interview
    await decide(co, 'A-0002', 'approved', '');
    s = states({ 'A-0001': 'approved', 'A-0002': 'approved' }, 'after approving A-0002');
    const hist = execFileSync(lcmon, ['review', 'history', db, id2, '--format', 'csv'], { encoding: 'utf8' });
    const steps = hist.trim().split('\n').slice(1).map((l) => l.split(',')[2]);
    check(steps.join(' ') === 'received has_issues resubmitted approved', `history: ${steps.join(' ')}`);
  } finally {
    await browser.close();
  }
  console.log('review: approve, return with a comment, edit and resubmit in chromium equal the stored states');
})().catch((e) => {
  console.error(`review browser test failed: ${e.message}`);
  process.exit(1);
});
