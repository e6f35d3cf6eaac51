// register.js - the network register of lcmon serve in a real browser (issue 15): the 广东
// province officer returns 广州's application with a comment; the 广州 city coordinator sees
// the comment, corrects two fields (the characters-left count following the typing) and
// resubmits; the province recommends it. Then the stored status, history and fields (read
// back with `lcmon network list|history|show`) must equal what was typed. Run by
// tests/cli/browser_register.sh:
//   node register.js LCMON DB BASE_URL SCREENS_DIR|-
'use strict';
const puppeteer = require('puppeteer-core');
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [lcmon, db, base, screens] = process.argv.slice(2);
const chromium = process.env.LCM_CHROMIUM || '/usr/bin/chromium';

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function shot(page, name) {
  if (!screens || screens === '-') return;
  fs.mkdirSync(screens, { recursive: true });
  await page.screenshot({ path: path.join(screens, name), fullPage: true });
}

async function navigate(page, action) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return resp;
}

async function signIn(ctx, login) {
  const page = await ctx.newPage();
  await page.setViewport({ width: 1024, height: 900 });
  await page.goto(`${base}/login`, { waitUntil: 'load' });
  await page.type('#login', login);
  await page.type('#password', `pw-${login}-123456`);
  await navigate(page, () => page.click('form[action="/login"] button[type="submit"]'));
  check(new URL(page.url()).pathname === '/home', `${login}: signed in to ${page.url()}`);
  return page;
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent.trim());

// What is typed.
const comment = '常住人口与统计年鉴不一致，请核对；建设成效请补充数据 <b>&';
const population = '1873.4';
const results = '建成社区学校2800所，年均开展学习活动1.2万场，市民终身学习参与率达62%。';
const opinion = '同意推荐广州市加入全国学习型城市网络';

// Characters as the form counts them: code points, line breaks left out.
const chars = (s) => Array.from(s.replace(/[\r\n]/g, '')).length;

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=zh-CN'],
  });
  try {
    // the province returns the application
    const gd = await signIn(await browser.createBrowserContext(), 'gd');
    await navigate(gd, () => gd.click('a[href="/register"]'));
    await navigate(gd, () => gd.click('a[href="/register/4401"]'));
    check((await text(gd, '#status')) === '已申请', 'status before the return');
    await gd.type('#return-comment', comment);
    await navigate(gd, () => gd.click('#do-return'));
    check((await text(gd, '#status')) === '已退回', `status after the return: ${await text(gd, '#status')}`);
    await shot(gd, 'register-returned.png');

    // the city sees why, corrects and resubmits
    const gz = await signIn(await browser.createBrowserContext(), 'gz');
    await navigate(gz, () => gz.click('a[href="/apply"]'));
    check((await text(gz, '#status')) === '已退回', 'the city sees the status');
    check((await text(gz, '#note')) === comment, `the city sees the comment: ${await text(gz, '#note')}`);
    // the live count of the 300-character results field
    const resultsSel = 'textarea[name="results"]';
    const before = await gz.$eval(resultsSel, (e) => e.value);
    const left = () => gz.$eval(resultsSel, (e) => e.nextElementSibling.textContent);
    check((await left()) === `还可输入${300 - chars(before)}字`, `count before: ${await left()}`);
    await gz.$eval(resultsSel, (e) => { e.value = ''; });
    await gz.type(resultsSel, results);
    check((await left()) === `还可输入${300 - chars(results)}字`, `count after typing: ${await left()}`);
    // the limit is printed too, for a browser without the script
    const hint = await gz.$eval(resultsSel, (e) => e.parentNode.textContent);
    check(hint.includes('字数限制：300字以内'), 'the limit is printed beside the field');
    await gz.$eval('#f-basic\\.population', (e) => { e.value = ''; });
    await gz.type('#f-basic\\.population', population);
    await shot(gz, 'register-correcting.png');
    await navigate(gz, () => gz.click('#submit'));
    check((await text(gz, '#status')) === '已申请', `status after resubmitting: ${await text(gz, '#status')}`);

    // the province recommends it
    await navigate(gd, () => gd.goto(`${base}/register/4401`));
    check((await text(gd, '#status')) === '已申请', 'the province sees the resubmission');
    const shown = await gd.$eval('#f-basic\\.population', (e) => e.value);
    check(shown === population, `the province sees the corrected population: ${shown}`);
    await gd.type('#recommend-opinion', opinion);
    await navigate(gd, () => gd.click('#do-recommend'));
    check((await text(gd, '#status')) === '已推荐', 'status after the recommendation');
    await shot(gd, 'register-recommended.png');
  } finally {
    await browser.close();
  }

  // what the database holds
  const run = (...args) => execFileSync(lcmon, args, { encoding: 'utf8' });
  const list = run('network', 'list', db, '--format', 'csv', '--lang', 'en');
  check(/\n4401,广州市,广东省,[a-z_]+,recommended,/.test(list), `list: ${list}`);
  const hist = run('network', 'history', db, '--city', '4401', '--format', 'csv', '--lang', 'en')
    .trim().split('\n').slice(1).map((l) => l.split(','));
  const moves = hist.map((h) => `${h[3]}>${h[4]}`).join(' ');
  check(moves === '>applied applied>returned returned>applied applied>recommended', `history: ${moves}`);
  check(hist[1][5] === '广东联络员' && hist[2][5] === '广州协调员' && hist[3][5] === '广东联络员',
    `who: ${hist.map((h) => h[5])}`);
  check(list && run('network', 'history', db, '--city', '4401', '--format', 'json').includes(
    JSON.stringify(comment).slice(1, -1)), 'the return comment is stored as typed');
  const fields = {};
  run('network', 'show', db, '--city', '4401', '--format', 'json');
  for (const row of JSON.parse(run('network', 'show', db, '--city', '4401', '--format', 'json')))
    fields[row.field] = row.value;
  check(fields['basic.population'] === population, `population stored ${fields['basic.population']}`);
  check(fields.results === results, `results stored ${fields.results}`);
  check(fields['evidence.1.file'].startsWith('evidence-'), 'the evidence is still attached');
  console.log('browser_register: returned, corrected, resubmitted and recommended in chromium; '
    + 'the stored status, history and fields equal what was typed');
})().catch((e) => {
  console.error(`browser_register test failed: ${e.message}`);
  process.exit(1);
});
