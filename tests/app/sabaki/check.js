// Reads SGF files with Sabaki's own parser (@sabaki/sgf) and prints, per
// file, one line: size, komi, rules, date, result, set-up stones and the
// main line's moves as GTP vertices. tests/app/sabaki_sgf_test.sh compares
// the lines with what Descent played.
const fs = require('fs');
const sgf = require('@sabaki/sgf');

function vertex(point, size) {
  const [x, y] = sgf.parseVertex(point);
  if (point === '' || x < 0 || y < 0 || x >= size || y >= size) return 'pass';
  return 'ABCDEFGHJKLMNOPQRST'[x] + String(size - y);
}

for (const file of process.argv.slice(2)) {
  const roots = sgf.parse(fs.readFileSync(file, 'utf8'));
  if (roots.length !== 1) throw new Error(`${file}: ${roots.length} game trees`);
  let node = roots[0];
  const root = node.data;
  const size = Number((root.SZ || ['19'])[0]);
  const fields = [`SZ=${size}`, `KM=${(root.KM || [''])[0]}`, `RU=${(root.RU || [''])[0]}`,
                  `DT=${(root.DT || [''])[0]}`, `RE=${(root.RE || [''])[0]}`];
  for (const p of ['AB', 'AW']) {
    if (root[p]) fields.push(`${p}=${root[p].map(v => vertex(v, size)).join(",")}`);
  }
  if (root.PL) fields.push(`PL=${root.PL[0]}`);
  const moves = [];
  while (node.children.length > 0) {
    node = node.children[0];
    for (const colour of ['B', 'W']) {
      if (node.data[colour]) moves.push(`${colour}:${vertex(node.data[colour][0], size)}`);
    }
  }
  fields.push(`moves=${moves.join(',')}`);
  console.log(fields.join(' '));
}
