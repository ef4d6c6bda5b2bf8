// Drives the run page in headless Chromium (puppeteer-core, Debian's
// chromium) the way a person would, and checks what it shows against the
// JSON behind it: charts drawn with data points (and, with --live, moving
// while the run goes), a stored game stepped through with the pieces where
// the game says, the policy heat map, the most surprising positions leading
// into their games, the value calibration chart.
//
//   node check.js URL [--live] [--screenshots DIR NAME]
// With --screenshots, writes DIR/NAME-page.png (the whole page) and one
// picture per section (DIR/NAME-charts.png, -browser, -dataset).
'use strict';

const puppeteer = require('puppeteer-core');

const args = process.argv.slice(2);
const base = args[0];
const live = args.includes('--live');
const shotAt = args.indexOf('--screenshots');
const shotDir = shotAt >= 0 ? args[shotAt + 1] : null;
const shotName = shotAt >= 0 ? args[shotAt + 2] : null;
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';

function fail(message) {
  console.error('FAIL: ' + message);
  process.exit(1);
}
function check(ok, message) {
  if (!ok) fail(message);
}
async function api(path) {
  const res = await fetch(base + path);
  if (!res.ok) fail(path + ': HTTP ' + res.status);
  return res.json();
}

// Checks the board on the page against position `move` of `game` (JSON):
// every piece where the game has one, and nothing else; the heat map on
// exactly the moves the net gives at least 0.5%; the value among the facts.
async function boardShows(page, game, move) {
  const shown = await page.evaluate(() => ({
    stones: [...document.querySelectorAll('#board .stone')].map((s) =>
      [Number(s.dataset.row), Number(s.dataset.col), s.classList.contains('X') ? 'X' : 'O']),
    heat: [...document.querySelectorAll('#board .heat')].map((h) => Number(h.dataset.move)),
    facts: document.getElementById('position-facts').textContent,
  }));
  const p = game.positions[move];
  const expected = [];
  p.board.forEach((line, r) => [...line].forEach((ch, c) => { if (ch !== '.') expected.push([r, c, ch]); }));
  const key = (s) => s.join(',');
  check(shown.stones.length === expected.length,
    'position ' + move + ' of game ' + game.id + ' shows ' + shown.stones.length + ' pieces, the game has ' + expected.length);
  const want = new Set(expected.map(key));
  for (const s of shown.stones) check(want.has(key(s)), 'a piece ' + key(s) + ' that the game does not have');
  if (p.prior) {
    const moves = p.prior.map((w, m) => [m, w]).filter(([m, w]) => w >= 0.005 && game.layout.cells[m]).map(([m]) => m);
    check(JSON.stringify([...shown.heat].sort((a, b) => a - b)) === JSON.stringify(moves),
      'heat map on moves ' + shown.heat + ', the priors say ' + moves);
    check(shown.facts.includes(p.value.toFixed(3)), 'the facts do not show the value ' + p.value.toFixed(3));
  }
  return {stones: shown.stones.length, heat: shown.heat.length};
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1200, height: 900});
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(base + '/run', {waitUntil: 'load'});
    // The chart library served is the pinned npm package, byte for byte.
    const served = await (await fetch(base + '/static/uPlot.iife.min.js')).text();
    const pinned = require('fs').readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    check(served === pinned, 'the uPlot descent serves is not uplot@' + require('uplot/package.json').version);

    // 1. Charts render with data points, drawn on the canvas.
    // A line needs two points: wait until the first loss series has them.
    await page.waitForFunction(() => {
      const first = (document.getElementById('chart-losses').dataset.seriesPoints || '0').split(',')[0];
      return Number(first) >= 2 && Number(document.getElementById('chart-outcomes').dataset.points) > 0;
    }, {timeout: 90000});
    const drawn = await page.evaluate(() => {
      // Pixels of the first series' colour (#1f77b4) on the losses chart.
      const canvas = document.querySelector('#chart-losses canvas');
      const ctx = canvas.getContext('2d');
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - 31) < 30 && Math.abs(data[i + 1] - 119) < 30 && Math.abs(data[i + 2] - 180) < 30) n++;
      }
      return n;
    });
    check(drawn > 50, 'the losses chart has ' + drawn + ' pixels of its first series');
    const before = await page.evaluate(() => Number(document.getElementById('chart-losses').dataset.points));
    console.log('charts: losses chart with ' + before + ' data points, ' + drawn + ' series pixels');
    if (live) {
      // The run goes on: the chart must gain points without a reload.
      await page.waitForFunction((n) => Number(document.getElementById('chart-losses').dataset.points) > n,
        {timeout: 90000}, before);
      const after = await page.evaluate(() => Number(document.getElementById('chart-losses').dataset.points));
      console.log('live: the losses chart grew from ' + before + ' to ' + after + ' points without a reload');
    }

    // 2. A stored game, stepped through.
    await page.waitForSelector('#games tbody tr');
    const id = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('#games tbody tr')];
      // The longest game listed: the most to step through (Go: captures).
      const long = rows.reduce((a, r) => (Number(r.cells[1].textContent) > Number(a.cells[1].textContent) ? r : a));
      long.click();
      return Number(long.dataset.game);
    });
    await page.waitForFunction((id) => document.getElementById('game-title').textContent.startsWith('Game #' + id),
      {timeout: 30000}, id);
    const game = await api('/api/game?id=' + id);
    const steps = Math.min(4, game.positions.length - 1);
    for (let i = 0; i < steps; i++) await page.click('#move-next');
    await page.waitForSelector('#board[data-move="' + steps + '"]');
    const shown = await boardShows(page, game, steps);
    console.log('game ' + id + ': position ' + steps + ' shows ' + shown.stones + ' pieces where the game has them, ' +
      shown.heat + ' policy heat marks');
    // The last position (End key): for Go, after captures.
    const last = game.positions.length - 1;
    await page.keyboard.press('End');
    await page.waitForSelector('#board[data-move="' + last + '"]');
    const end = await boardShows(page, game, last);
    const played = game.positions.filter((q) => q.played !== undefined && game.layout.cells[q.played]).length;
    console.log('game ' + id + ': the final position shows ' + end.stones + ' pieces where the game has them (' +
      played + ' placed, ' + (played - end.stones) + ' captured)');
    await page.keyboard.press('Home');
    await page.waitForSelector('#board[data-move="0"]');
    for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#board[data-move="' + steps + '"]');
    // The keyboard steps too.
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('#board[data-move="' + (steps - 1) + '"]');

    // 3. The most surprising positions, and into the game of the first.
    await page.click('#surprise-load');
    await page.waitForSelector('#surprise tbody tr', {timeout: 90000});
    const top = await page.evaluate(() => {
      const r = document.querySelector('#surprise tbody tr');
      return {game: Number(r.cells[1].textContent.slice(1)), move: Number(r.cells[2].textContent)};
    });
    await page.click('#surprise tbody tr a');
    await page.waitForFunction((t) => document.getElementById('game-title').textContent.startsWith('Game #' + t.game) &&
      document.getElementById('board').dataset.move === String(t.move), {timeout: 30000}, top);
    console.log('surprise: the top position (game ' + top.game + ', move ' + top.move + ') opens in the browser');

    // 4. Value calibration.
    await page.click('#calibration-load');
    await page.waitForFunction(() => Number(document.getElementById('chart-calibration').dataset.points) > 2,
      {timeout: 120000});
    const rows = await page.evaluate(() => document.querySelectorAll('#calibration tbody tr').length);
    check(rows >= 1, 'no calibration windows listed');
    console.log('calibration: ' + rows + ' windows charted');

    // 5. Go: where predicted and final ownership disagree, into the game
    // with the ownership overlay.
    if (await page.evaluate(() => !document.getElementById('ownership-section').hidden)) {
      await page.click('#ownership-load');
      await page.waitForSelector('#ownership tbody tr', {timeout: 120000});
      const first = await page.evaluate(() => {
        const r = document.querySelector('#ownership tbody tr');
        return {game: Number(r.cells[1].textContent.slice(1)), move: Number(r.cells[2].textContent)};
      });
      await page.click('#ownership tbody tr a');
      await page.waitForFunction((t) => document.getElementById('game-title').textContent.startsWith('Game #' + t.game) &&
        document.getElementById('board').dataset.move === String(t.move), {timeout: 30000}, first);
      const shaded = await page.evaluate(() => ({
        overlay: document.getElementById('overlay').value, points: document.querySelectorAll('#board .own').length}));
      const run = await api('/api/run');
      check(shaded.overlay === 'ownership' && shaded.points === run.layout.width * run.layout.height,
        'the ownership overlay shades ' + shaded.points + ' points (' + shaded.overlay + ')');
      console.log('ownership: the worst-predicted position (game ' + first.game + ', move ' + first.move +
        ') opens with its ' + shaded.points + ' points shaded');
    }

    // 6. Evaluation games, when the run has stored some.
    const evals = await api('/api/games?kind=eval&limit=1');
    if (evals.total > 0) {
      // A DOM click: the sticky header may cover the radio after scrolling.
      await page.$eval('input[name=kind][value=eval]', (e) => e.click());
      await page.waitForFunction(() => document.getElementById('games-net').textContent.startsWith('match'));
      await page.waitForSelector('#games tbody tr');
      const evalId = await page.evaluate(() => {
        const r = document.querySelector('#games tbody tr');
        r.click();
        return Number(r.dataset.game);
      });
      await page.waitForFunction((id) => document.getElementById('game-title').textContent.startsWith('Evaluation game #' + id),
        {timeout: 30000}, evalId);
      const evalGame = await api('/api/game?kind=eval&id=' + evalId);
      await page.click('#move-last');
      await page.waitForSelector('#board[data-move="' + (evalGame.positions.length - 1) + '"]');
      const shown = await boardShows(page, evalGame, evalGame.positions.length - 1);
      console.log('evaluation game ' + evalId + ' (' + evalGame.key + '): the final position shows ' + shown.stones + ' pieces');
      await page.$eval('input[name=kind][value=selfplay]', (e) => e.click());
    }

    // 7. For games with an exact solver: the targets it disagrees with.
    if (await page.evaluate(() => !document.getElementById('solver-section').hidden)) {
      await page.click('#solver-load');
      await page.waitForFunction(() => document.getElementById('solver-summary').textContent.includes('solved'),
        {timeout: 120000});
      // The run goes on, so a second answer of the endpoint may count other
      // targets: the rows must match the answer the page shows.
      const shownWrong = await page.evaluate(() => parseInt(document.getElementById('solver-summary').textContent, 10));
      const listed = await page.evaluate(() => document.querySelectorAll('#solver tbody tr').length);
      check(listed === Math.min(100, shownWrong), listed + ' solver rows listed, the page counts ' + shownWrong);
      const solver = await api('/api/solver');
      check(Array.isArray(solver.wrong) && solver.solved >= solver.wrong.length, 'the solver endpoint answers its counts');
      console.log('solver: ' + solver.wrong.length + ' of ' + solver.solved + ' targets prefer a move that gives value away');
    }

    check(errors.length === 0, 'script errors on the page: ' + errors.join('; '));
    if (shotDir) {
      await page.evaluate(() => { document.querySelector('header').style.position = 'static'; window.scrollTo(0, 0); });
      await page.screenshot({path: shotDir + '/' + shotName + '-page.png', fullPage: true});
      for (const section of ['charts', 'browser', 'dataset']) {
        const el = await page.$('#' + section);
        await el.screenshot({path: shotDir + '/' + shotName + '-' + section + '.png'});
      }
      console.log('screenshots: ' + shotDir + '/' + shotName + '-{page,charts,browser,dataset}.png');
    }
  } finally {
    await browser.close();
  }
})().catch((e) => fail(e.stack || String(e)));
