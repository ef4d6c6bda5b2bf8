// The Descent run page: live charts, a game browser, dataset views and the
// networks' lineage, all read from the JSON endpoints of docs/inspect.md.
'use strict';

const token = new URLSearchParams(location.search).get('token');
const POLL_MS = 4000;  // how often the page asks whether the run moved on
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
const $ = (id) => document.getElementById(id);

async function api(path, params = {}) {
  const q = new URLSearchParams(params);
  const headers = token ? {Authorization: 'Bearer ' + token} : {};
  const res = await fetch(path + (q.toString() ? '?' + q : ''), {headers, cache: 'no-store'});
  const body = await res.json().catch(() => ({error: 'the server sent no JSON (' + res.status + ')'}));
  if (!res.ok) throw new Error(body.error || ('HTTP ' + res.status));
  return body;
}

function showError(e) {
  const el = $('error');
  el.textContent = String(e.message || e);
  el.hidden = false;
}
function clearError() { $('error').hidden = true; }

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function svgEl(tag, attrs = {}, text) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function row(cells) {
  const tr = el('tr');
  for (const c of cells) {
    const td = el('td');
    if (c instanceof Node) td.appendChild(c); else td.textContent = c;
    tr.appendChild(td);
  }
  return tr;
}
const pct = (x) => (100 * x).toFixed(1) + '%';
const fmt = (x, d = 3) => (x === null || x === undefined) ? '–' : Number(x).toFixed(d);

// ---- Charts ------------------------------------------------------------

// A line chart of several series over their own x values (merged onto one
// x axis, gaps where a series has no point), with optional 95% interval
// bars (series[i].lo / .hi).
function lineChart(container, title, xLabel, series, opts = {}) {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const data = [xs];
  let points = 0;
  for (const s of series) {
    const ys = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => { ys[index.get(x)] = s.y[i]; });
    data.push(ys);
    points += s.y.length;
  }
  container.dataset.points = points;
  container.dataset.seriesPoints = series.map((s) => s.y.length).join(',');
  container.innerHTML = '';
  if (points === 0) {
    container.appendChild(el('div', {class: 'empty'}, title + ': no data yet'));
    return;
  }
  const bars = {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        series.forEach((s, si) => {
          if (!s.lo) return;
          ctx.save();
          ctx.strokeStyle = COLORS[si % COLORS.length];
          ctx.lineWidth = 1;
          s.x.forEach((x, i) => {
            const px = u.valToPos(x, 'x', true);
            ctx.beginPath();
            ctx.moveTo(px, u.valToPos(s.lo[i], 'y', true));
            ctx.lineTo(px, u.valToPos(s.hi[i], 'y', true));
            ctx.stroke();
          });
          ctx.restore();
        });
      },
    },
  };
  const u = new uPlot({
    title, width: Math.max(320, container.clientWidth || 440), height: 240,
    scales: {x: {time: false}, y: opts.yRange ? {range: opts.yRange} : {}},
    axes: [{label: xLabel}, {size: 60}],
    series: [{label: xLabel}, ...series.map((s, i) => ({
      label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true,
      points: {show: s.points !== false, size: 5},
    }))],
    plugins: [bars],
  }, data, container);
  return u;
}

function metricSeries(rows, key, label) {
  const s = {label, x: [], y: [], lo: [], hi: []};
  for (const r of rows) {
    if (r.key !== key) continue;
    s.x.push(r.step); s.y.push(r.value);
    s.lo.push(r.lo !== undefined ? r.lo : r.value);
    s.hi.push(r.hi !== undefined ? r.hi : r.value);
  }
  if (!rows.some((r) => r.key === key && r.lo !== undefined)) { delete s.lo; delete s.hi; }
  return s;
}

const BASELINES = {
  'eval.random': 'vs random', 'eval.mcts': 'vs rollout MCTS', 'eval.gtp': 'vs GTP engine (GNU Go)', 'eval.solver': 'vs solver',
  'eval.solver_kept': 'vs solver (kept)', 'eval.optimal_policy': 'net alone optimal moves',
};

async function refreshCharts() {
  const [{metrics}, sp] = await Promise.all([api('/api/metrics'), api('/api/selfplay')]);
  const keys = [...new Set(metrics.map((r) => r.key))];
  lineChart($('chart-losses'), 'Losses', 'training step',
    keys.filter((k) => k.startsWith('loss.')).map((k) => metricSeries(metrics, k, k.slice(5))));
  const strengthKeys = keys.filter((k) => BASELINES[k]);
  lineChart($('chart-strength'), 'Strength', 'training step',
    strengthKeys.map((k) => metricSeries(metrics, k, BASELINES[k] || k.slice(5))), {yRange: [0, 1]});
  lineChart($('chart-elo'), 'Elo over the first network', 'training step', [metricSeries(metrics, 'eval.elo', 'Elo')]);
  const rate = {label: 'games/min', x: [], y: []};
  for (const b of sp.games_per_bucket) { rate.x.push(b.t / 60); rate.y.push(b.games * 60 / sp.bucket_seconds); }
  lineChart($('chart-speed'), 'Self-play speed', 'minutes since the first game', [rate]);
  const evals = metricSeries(metrics, 'speed.evals_per_second', 'evals/s');
  if (evals.y.length) {
    $('chart-speed').appendChild(el('div', {class: 'note'},
      'local net evaluations per second, newest: ' + Math.round(evals.y[evals.y.length - 1]) +
      ' (median ' + Math.round([...evals.y].sort((a, b) => a - b)[evals.y.length >> 1]) + ')'));
  }
  const share = (f, label) => ({label, x: sp.outcomes.map((b) => (b.first_game + b.games) / 1000),
    y: sp.outcomes.map((b) => f(b) / b.games)});
  lineChart($('chart-outcomes'), 'Self-play outcomes', 'thousands of games', [
    share((b) => b.first_player_wins, 'first player wins'), share((b) => b.draws, 'draws'),
    share((b) => b.second_player_wins, 'second player wins'), share((b) => b.resigned, 'resigned')], {yRange: [0, 1]});
  const mistakeKeys = keys.filter((k) => k.startsWith('eval.mistakes'));
  $('figure-mistakes').hidden = mistakeKeys.length === 0;
  if (mistakeKeys.length) {
    lineChart($('chart-mistakes'), 'Solver mistake rate', 'training step', mistakeKeys.map((k) =>
      metricSeries(metrics, k, k.replace('eval.mistakes_net.', 'net alone ').replace('eval.mistakes.', 'search ').replace('Test_', ''))));
  }
  lineChart($('chart-length'), 'Game length', 'thousands of games',
    [{label: 'moves', x: sp.outcomes.map((b) => (b.first_game + b.games) / 1000), y: sp.outcomes.map((b) => b.mean_moves)}]);
}

// ---- Run summary and polling --------------------------------------------

const state = {run: null, seen: '', gamesOffset: null, game: null, move: 0, networks: [], kind: 'selfplay'};

async function poll() {
  try {
    const run = await api('/api/run');
    state.run = run;
    $('run-game').textContent = run.spec;
    $('solver-section').hidden = run.game !== 'tictactoe' && run.game !== 'connect4';
    $('ownership-section').hidden = run.game !== 'go';
    const newest = run.newest_network ? ', newest network #' + run.newest_network.id + ' (step ' + run.newest_network.step + ')' : '';
    $('run-summary').textContent = run.games + ' games, ' + run.samples + ' training samples, ' + run.networks +
      ' networks' + newest + ' · updated ' + new Date().toLocaleTimeString();
    const seen = run.games + '/' + run.networks;
    if (seen !== state.seen) {
      state.seen = seen;
      await Promise.all([refreshCharts(), refreshGames(), refreshNetworks()]);
    }
    clearError();
  } catch (e) {
    showError(e);
  }
  setTimeout(poll, POLL_MS);
}

// ---- Game list ------------------------------------------------------------

const PAGE = 25;
// Each load takes a ticket; a reply that comes back after a newer request was
// made is dropped (a poll that asked for self-play games must not overwrite the
// evaluation games a click asked for after it).
const tickets = {games: 0, game: 0};
async function refreshGames() {
  const ticket = ++tickets.games;
  const kind = state.kind;
  const params = {limit: PAGE, kind};
  if (state.gamesOffset !== null) params.offset = state.gamesOffset;
  const list = await api('/api/games', params);
  if (ticket !== tickets.games) return;
  const body = $('games').tBodies[0];
  body.innerHTML = '';
  $('games-net').textContent = kind === 'eval' ? 'match (network step, side)' : 'net';
  for (const g of [...list.games].reverse()) {
    const result = g.result > 0 ? '1–0' : g.result < 0 ? '0–1' : '½–½';
    const detail = g.kind === 'eval'
      ? g.key.slice(5) + ' (step ' + g.step + ', ' + (g.net_side === 0 ? 'first' : 'second') + ')'
      : g.network.slice(0, 8);
    const tr = row(['#' + g.id, g.moves, result + (g.resigned ? ' (resigned)' : ''), detail]);
    tr.className = 'clickable';
    tr.dataset.game = g.id;
    tr.onclick = () => openGame(g.id, 0, g.kind);
    body.appendChild(tr);
  }
  const first = list.offset + 1, last = list.offset + list.games.length;
  $('games-range').textContent = list.games.length ? 'games ' + first + '–' + last + ' of ' + list.total : 'no games yet';
  $('games-older').disabled = list.offset === 0;
  $('games-newer').disabled = last >= list.total;
  state.gamesTotal = list.total;
  state.gamesShown = list.offset;
}
for (const radio of document.querySelectorAll('input[name=kind]')) {
  radio.onchange = () => { state.kind = radio.value; state.gamesOffset = null; refreshGames().catch(showError); };
}
$('games-older').onclick = () => { state.gamesOffset = Math.max(0, state.gamesShown - PAGE); refreshGames().catch(showError); };
$('games-newer').onclick = () => {
  const next = state.gamesShown + PAGE;
  state.gamesOffset = next + PAGE >= state.gamesTotal ? null : next;  // null: follow the newest
  refreshGames().catch(showError);
};

// ---- Board ------------------------------------------------------------------

const CELL = 40;
function boardGeometry(layout) {
  const top = layout.kind === 'connect4' ? CELL : 0;  // a strip above Connect Four for column policies
  return {w: layout.width * CELL, h: layout.height * CELL + top, top};
}
function cellCenter(layout, r, c) {
  const g = boardGeometry(layout);
  return [c * CELL + CELL / 2, (r < 0 ? 0 : g.top + r * CELL) + CELL / 2];
}

// Draws `position` (rows of X / O / .) into `svg`, with `overlay`: move ->
// weight in [0, 1] (shaded and labelled), or ownership per point.
function drawBoard(svg, layout, position, overlay, opts = {}) {
  const g = boardGeometry(layout);
  svg.innerHTML = '';
  svg.setAttribute('viewBox', '0 0 ' + g.w + ' ' + g.h);
  svg.setAttribute('width', opts.small ? g.w * 0.6 : g.w);
  svg.setAttribute('height', opts.small ? g.h * 0.6 : g.h);
  const kind = layout.kind;
  if (kind === 'go') {
    svg.appendChild(svgEl('rect', {x: 0, y: 0, width: g.w, height: g.h, class: 'go-board'}));
    for (let i = 0; i < layout.width; i++) {
      const p = i * CELL + CELL / 2;
      svg.appendChild(svgEl('line', {x1: CELL / 2, y1: p, x2: g.w - CELL / 2, y2: p, class: 'grid'}));
      svg.appendChild(svgEl('line', {x1: p, y1: CELL / 2, x2: p, y2: g.h - CELL / 2, class: 'grid'}));
    }
  } else if (kind === 'connect4') {
    svg.appendChild(svgEl('rect', {x: 0, y: g.top, width: g.w, height: g.h - g.top, class: 'c4-board'}));
  } else {
    svg.appendChild(svgEl('rect', {x: 0, y: 0, width: g.w, height: g.h, class: 'ttt-board'}));
    for (let i = 1; i < layout.width; i++) {
      svg.appendChild(svgEl('line', {x1: i * CELL, y1: 0, x2: i * CELL, y2: g.h, class: 'grid'}));
      svg.appendChild(svgEl('line', {x1: 0, y1: i * CELL, x2: g.w, y2: i * CELL, class: 'grid'}));
    }
  }
  position.board.forEach((line, r) => {
    [...line].forEach((ch, c) => {
      const [x, y] = cellCenter(layout, r, c);
      if (kind === 'connect4') svg.appendChild(svgEl('circle', {cx: x, cy: y, r: CELL * 0.4, class: 'hole'}));
      if (ch === '.') return;
      if (kind === 'tictactoe') {
        svg.appendChild(svgEl('text', {x, y: y + 1, class: 'stone mark ' + ch, 'data-row': r, 'data-col': c}, ch));
      } else {
        svg.appendChild(svgEl('circle', {cx: x, cy: y, r: CELL * (kind === 'go' ? 0.46 : 0.4),
          class: 'stone ' + ch + ' ' + kind, 'data-row': r, 'data-col': c}));
      }
    });
  });
  // Ownership: a square on every point, over the stones (KataGo's style),
  // its opacity the prediction's certainty.
  if (overlay && overlay.ownership) {
    const sign = position.to_move === 0 ? 1 : -1;  // ownership is the mover's; show it as Black's
    overlay.ownership.forEach((o, i) => {
      const [x, y] = cellCenter(layout, Math.floor(i / layout.width), i % layout.width);
      const b = o * sign;
      svg.appendChild(svgEl('rect', {x: x - CELL * 0.2, y: y - CELL * 0.2, width: CELL * 0.4, height: CELL * 0.4,
        class: 'own ' + (b > 0 ? 'own-black' : 'own-white'), opacity: Math.min(1, Math.abs(b)).toFixed(2)}));
    });
  }
  if (opts.lastMove !== undefined && opts.lastMove !== null) {
    let cell = layout.cells[opts.lastMove];
    if (cell && cell[0] < 0) {  // a Connect Four column: its top disc
      const top = position.board.findIndex((line) => line[cell[1]] !== '.');
      cell = top >= 0 ? [top, cell[1]] : null;
    }
    if (cell && cell[0] >= 0) {
      const [x, y] = cellCenter(layout, cell[0], cell[1]);
      svg.appendChild(svgEl('circle', {cx: x, cy: y, r: CELL * 0.12, class: 'last-move'}));
    }
  }
  if (overlay && overlay.weights) {
    const max = Math.max(1e-9, ...Object.values(overlay.weights));
    for (const [m, w] of Object.entries(overlay.weights)) {
      const cell = layout.cells[m];
      if (!cell || w < 0.005) continue;
      let [x, y] = cellCenter(layout, cell[0], cell[1]);
      if (kind === 'connect4') y = CELL / 2;
      svg.appendChild(svgEl('circle', {cx: x, cy: y, r: CELL * 0.42 * Math.sqrt(w / max), class: 'heat',
        'data-move': m}));
      svg.appendChild(svgEl('text', {x, y: y + 1, class: 'heat-label'}, Math.round(100 * w)));
    }
  }
}

// ---- Game viewer ------------------------------------------------------------

async function openGame(id, move, kind = 'selfplay') {
  const ticket = ++tickets.game;
  try {
    const game = await api('/api/game', {id, kind});
    if (ticket !== tickets.game) return;
    state.game = game;
    state.move = Math.max(0, Math.min(move, game.positions.length - 1));
    const result = game.result > 0 ? 'first player won' : game.result < 0 ? 'second player won' : 'draw';
    const net = game.network_id ? '#' + game.network_id : game.network.slice(0, 8) + ' (not in this run)';
    $('game-title').textContent = (kind === 'eval'
      ? 'Evaluation game #' + game.id + ' (' + game.key.slice(5) + '): network ' + net + ' played ' +
        (game.net_side === 0 ? 'first' : 'second') + ', ' + game.moves + ' moves, ' + result
      : 'Game #' + game.id + ': ' + game.moves + ' moves, ' + result + (game.resigned ? ' by resignation' : '') +
        ', played by network ' + net) + (game.evaluated ? '' : ' — no evaluations');
    game.kind = kind;
    for (const tr of $('games').tBodies[0].rows) tr.classList.toggle('selected', state.kind === kind && tr.dataset.game == id);
    showPosition();
    clearError();
  } catch (e) {
    showError(e);
  }
}

function showPosition() {
  const game = state.game;
  if (!game) return;
  const p = game.positions[state.move];
  const layout = game.layout;
  const names = layout.move_names;
  const mode = $('overlay').value;
  let overlay = null;
  if (mode === 'prior' && p.prior) overlay = {weights: Object.fromEntries(p.prior.map((w, m) => [m, w]))};
  if (mode === 'target' && p.target) overlay = {weights: Object.fromEntries(p.target)};
  if (mode === 'ownership' && p.ownership) overlay = {ownership: p.ownership};
  if (mode === 'final-ownership' && game.final_ownership) {
    // Black's view; the board draws the mover's.
    overlay = {ownership: game.final_ownership.map((o) => (p.to_move === 0 ? o : -o))};
  }
  const last = state.move > 0 ? game.positions[state.move - 1].played : null;
  drawBoard($('board'), layout, p, overlay, {lastMove: last});
  $('board').dataset.move = state.move;
  $('move-label').textContent = 'position ' + state.move + ' of ' + (game.positions.length - 1);
  const mover = layout.kind === 'go' ? (p.to_move === 0 ? 'Black' : 'White') : (p.to_move === 0 ? 'X' : 'O');
  const facts = [
    ['to move', p.terminal ? '(game over)' : mover],
    ['move played', p.played !== undefined ? names[p.played] : '–'],
    ['network value (mover)', p.value !== undefined ? fmt(p.value) + ' = ' + pct((p.value + 1) / 2) + ' to win' : '–'],
    ['final outcome (mover)', p.outcome > 0 ? 'won' : p.outcome < 0 ? 'lost' : 'draw'],
    ['policy surprise (nats)', p.surprise !== undefined ? fmt(p.surprise) : (p.target ? '–' : 'no target (fast search)')],
  ];
  if (p.score !== undefined) facts.push(['expected score (mover)', fmt(p.score, 1)]);
  const t = $('position-facts');
  t.innerHTML = '';
  for (const [k, v] of facts) { const tr = row([k, v]); tr.cells[0].className = 'key'; t.appendChild(tr); }
  const body = $('moves-table').tBodies[0];
  body.innerHTML = '';
  const target = new Map(p.target || []);
  const moves = [...new Set([...(p.target || []).map((x) => x[0]),
    ...(p.prior ? p.prior.map((w, m) => [m, w]).filter((x) => x[1] > 0).sort((a, b) => b[1] - a[1]).map((x) => x[0]) : [])])];
  for (const m of moves.slice(0, 10)) {
    const tr = row([names[m], target.has(m) ? pct(target.get(m)) : '–', p.prior ? pct(p.prior[m]) : '–']);
    if (m === p.played) tr.className = 'played';
    body.appendChild(tr);
  }
  history.replaceState(null, '', location.pathname + location.search + '#game=' + game.id + '&move=' + state.move +
    (game.kind === 'eval' ? '&kind=eval' : ''));
}

function step(delta) {
  if (!state.game) return;
  state.move = Math.max(0, Math.min(state.game.positions.length - 1, state.move + delta));
  showPosition();
}
$('move-first').onclick = () => step(-1e9);
$('move-prev').onclick = () => step(-1);
$('move-next').onclick = () => step(1);
$('move-last').onclick = () => step(1e9);
$('overlay').onchange = showPosition;
document.addEventListener('keydown', (e) => {
  if (e.target.tagName === 'SELECT' || e.target.tagName === 'INPUT') return;
  const keys = {ArrowLeft: -1, ArrowRight: 1, Home: -1e9, End: 1e9};
  if (keys[e.key] !== undefined) { step(keys[e.key]); e.preventDefault(); }
});

// ---- Dataset views ----------------------------------------------------------

function gameLink(id, move) {
  const a = el('a', {href: '#game=' + id + '&move=' + move}, '#' + id);
  a.onclick = (e) => { e.preventDefault(); openGame(id, move); $('browser').scrollIntoView(); };
  return a;
}

$('surprise-load').onclick = async () => {
  $('surprise-summary').textContent = 'evaluating…';
  try {
    const s = await api('/api/surprise', {limit: 30});
    const names = state.run.layout.move_names;
    $('surprise-summary').textContent = s.positions + ' positions of games #' + s.window.first_game + '–#' +
      s.window.last_game + ', mean surprise ' + fmt(s.mean_surprise) + ' nats';
    const body = $('surprise').tBodies[0];
    body.innerHTML = '';
    s.top.forEach((p, i) => body.appendChild(row([i + 1, gameLink(p.game, p.move_number), p.move_number,
      fmt(p.surprise), fmt(p.value), p.outcome > 0 ? 'won' : p.outcome < 0 ? 'lost' : 'draw',
      p.target_best_name ?? names[p.target_best], p.prior_best_name ?? names[p.prior_best]])));
  } catch (e) { $('surprise-summary').textContent = ''; showError(e); }
};

$('calibration-load').onclick = async () => {
  $('calibration-summary').textContent = 'evaluating…';
  try {
    const c = await api('/api/calibration');
    $('calibration-summary').textContent = c.windows.length + ' windows of ' + c.samples_per_window + ' samples';
    const series = c.windows.map((w) => ({
      label: 'games #' + w.window.first_game + '–#' + w.window.last_game,
      x: w.bins.filter((b) => b.n > 0).map((b) => (b.lo + b.hi) / 2),
      y: w.bins.filter((b) => b.n > 0).map((b) => b.mean_actual)}));
    series.push({label: 'calibrated', x: [0, 1], y: [0, 1], points: false});
    lineChart($('chart-calibration'), 'Value calibration', 'predicted win probability (bin centre)', series, {yRange: [0, 1]});
    const body = $('calibration').tBodies[0];
    body.innerHTML = '';
    for (const w of c.windows) {
      body.appendChild(row(['#' + w.window.first_game + '–#' + w.window.last_game, w.positions, fmt(w.brier), fmt(w.ece)]));
    }
  } catch (e) { $('calibration-summary').textContent = ''; showError(e); }
};

$('ownership-load').onclick = async () => {
  $('ownership-summary').textContent = 'evaluating…';
  try {
    const s = await api('/api/ownership', {limit: 30});
    $('ownership-summary').textContent = s.positions + ' positions of played-out games in #' + s.window.first_game +
      '–#' + s.window.last_game + ', mean error ' + fmt(s.mean_error);
    const body = $('ownership').tBodies[0];
    body.innerHTML = '';
    s.top.forEach((p, i) => {
      const link = gameLink(p.game, p.move_number);
      link.addEventListener('click', () => { $('overlay').value = 'ownership'; });
      body.appendChild(row([i + 1, link, p.move_number, fmt(p.error), p.wrong_points, fmt(p.value),
        p.outcome > 0 ? 'won' : p.outcome < 0 ? 'lost' : 'draw']));
    });
  } catch (e) { $('ownership-summary').textContent = ''; showError(e); }
};

$('solver-load').onclick = async () => {
  $('solver-summary').textContent = 'solving…';
  try {
    const s = await api('/api/solver');
    const names = state.run.layout.move_names;
    const v = (x) => x > 0 ? 'win' : x < 0 ? 'loss' : 'draw';
    $('solver-summary').textContent = s.wrong.length + ' of ' + s.solved + ' targets solved prefer a move that gives value away';
    const body = $('solver').tBodies[0];
    body.innerHTML = '';
    for (const p of s.wrong.slice(0, 100)) {
      body.appendChild(row([gameLink(p.game, p.move_number), p.move_number, names[p.target_best], pct(p.share), v(p.value), v(p.target_value)]));
    }
  } catch (e) { $('solver-summary').textContent = ''; showError(e); }
};

// ---- Networks ---------------------------------------------------------------

const LINEAGE_ROWS = 20;  // newest networks listed until the user asks for all
$('lineage-more').onclick = () => { state.allNetworks = !state.allNetworks; refreshNetworks().catch(showError); };

async function refreshNetworks() {
  const {networks} = await api('/api/networks');
  state.networks = networks;
  const body = $('lineage').tBodies[0];
  body.innerHTML = '';
  const shown = state.allNetworks ? networks.length : LINEAGE_ROWS;
  for (const n of [...networks].reverse().slice(0, shown)) {
    const strength = Object.values(n.strength).map((m) =>
      m.key.slice(5) + ' ' + fmt(m.value, m.key === 'eval.elo' ? 0 : 3) +
      (m.lo !== undefined && m.key !== 'eval.elo' ? ' [' + fmt(m.lo, 2) + ', ' + fmt(m.hi, 2) + ']' : '')).join('; ');
    body.appendChild(row(['#' + n.id, n.parent_id ? '#' + n.parent_id : (n.parent ? n.parent.slice(0, 8) : '–'),
      n.step, n.games_before, strength || '–', n.hash.slice(0, 12)]));
  }
  const more = $('lineage-more');
  more.hidden = networks.length <= LINEAGE_ROWS;
  more.textContent = state.allNetworks ? 'show the newest ' + LINEAGE_ROWS : 'show all ' + networks.length + ' networks';
  for (const [sel, pick] of [[$('net-a'), networks.length - 1], [$('net-b'), 0]]) {
    const keep = sel.value;
    sel.innerHTML = '';
    for (const n of networks) sel.appendChild(el('option', {value: n.id}, '#' + n.id + ' (step ' + n.step + ')'));
    sel.value = keep && networks.some((n) => String(n.id) === keep) ? keep : (networks[pick] ? networks[pick].id : '');
  }
}

$('compare').onclick = async () => {
  if (!state.game) { showError(new Error('open a game in the browser first: the comparison uses its position')); return; }
  try {
    const c = await api('/api/compare', {game: state.game.id, kind: state.game.kind, move: state.move, a: $('net-a').value, b: $('net-b').value});
    const out = $('compare-out');
    out.innerHTML = '';
    for (const side of ['a', 'b']) {
      const n = c[side];
      const box = el('div', {class: 'compare-side', id: 'compare-' + side});
      box.appendChild(el('div', {}, 'network #' + n.id + ' (step ' + n.step + '): value ' + fmt(n.value) +
        ' (' + pct((n.value + 1) / 2) + ' to win)'));
      const svg = svgEl('svg');
      box.appendChild(svg);
      drawBoard(svg, c.layout, c, {weights: Object.fromEntries(n.prior.map((w, m) => [m, w]))}, {small: true});
      out.appendChild(box);
    }
    clearError();
  } catch (e) { showError(e); }
};

// ---- Start --------------------------------------------------------------------

poll();
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.get('game')) openGame(Number(hash.get('game')), Number(hash.get('move') || 0), hash.get('kind') || 'selfplay');
