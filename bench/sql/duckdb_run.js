// Runs a SQL script (statements ending in ";" at a line's end) in an in-memory DuckDB.
//   node duckdb_run.js SCRIPT.sql [THREADS]
// Prints the wall time of each statement (first 60 characters) and the total to stderr.
'use strict';
const fs = require('fs');
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
  const [script, threads] = process.argv.slice(2);
  const options = threads ? { threads: String(threads) } : {};
  const db = await DuckDBInstance.create(':memory:', options);
  const con = await db.connect();
  const statements = fs.readFileSync(script, 'utf8').split(/;\n/).map((s) => s.trim())
    .filter((s) => s.length > 0);
  const start = process.hrtime.bigint();
  for (const sql of statements) {
    const t0 = process.hrtime.bigint();
    await con.run(sql);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (process.env.VETAN_SQL_VERBOSE) {
      process.stderr.write(`${(ms / 1000).toFixed(3)} s  ${sql.replace(/\s+/g, ' ').slice(0, 60)}\n`);
    }
  }
  const total = Number(process.hrtime.bigint() - start) / 1e9;
  process.stderr.write(`duckdb: ${statements.length} statements in ${total.toFixed(3)} s\n`);
}

main().catch((e) => { process.stderr.write(`duckdb: ${e.message}\n`); process.exit(1); });
