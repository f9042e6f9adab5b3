// A real AT Protocol network on loopback for the Bluesky connector's tests:
// a PLC directory, a PDS and the AppView (with bsync and Ozone), from
// @atproto/dev-env, on the local PostgreSQL and Redis.
//
// Usage: node network.mjs   (with the Node 22 that install.sh put in the cache)
//   ATPROTO_HOME         the installed tree (install.sh prints it); required
//   ATPROTO_DATABASE_URL PostgreSQL server URL; else DATABASE_URL; else
//                        postgres://postgres@127.0.0.1:5432/postgres
//   REDIS_HOST           host:port of Redis (default 127.0.0.1:6379)
//   ATPROTO_SCHEMA       schema name prefix, letters and "_" only (default
//                        atproto_ and the pid spelt in letters); the
//                        AppView, bsync and Ozone tables live in schemas of
//                        their own derived from it, dropped on exit, so the
//                        product's tables are never touched
//   ATPROTO_PROCESS_MS   how often to let the AppView index (default 500)
//
// Once ready it prints ONE JSON line on stdout:
//   {"ready": true, "pds": URL, "appview": URL, "plc": URL, "control": URL}
// POST <control>/process runs network.processAll() and answers 200 once the
// AppView has indexed everything the PDS had sequenced: tests call it to wait
// for indexing deterministically. A line "process" on stdin does the same and
// prints {"processed": true}. SIGTERM, SIGINT or the end of stdin shut it
// all down and drop the schemas.
import http from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'
import readline from 'node:readline'
import { pathToFileURL } from 'node:url'

const home = process.env.ATPROTO_HOME
if (!home) {
  console.error('ATPROTO_HOME is not set (run tests/atproto/install.sh)')
  process.exit(2)
}
const require = createRequire(path.join(home, 'package.json'))
const load = async (name) => import(pathToFileURL(require.resolve(name)).href)

const serverUrl =
  process.env.ATPROTO_DATABASE_URL ||
  process.env.DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres'
// The PostgreSQL server of the URL; the schema keeps the network apart.
const dbPostgresUrl = serverUrl.replace(/^postgresql:/, 'postgres:')
// bsync takes only [A-Za-z_] in a schema name: the pid is spelt in letters.
const pidLetters = String(process.pid).replace(/\d/g, (d) => 'abcdefghij'[d])
const schema = (process.env.ATPROTO_SCHEMA || `atproto_${pidLetters}`).replace(
  /[^a-z_]/gi,
  '_',
)
const schemas = [`appview_${schema}`, `bsync_${schema}`, `ozone_${schema}`]
process.env.REDIS_HOST ||= '127.0.0.1:6379'
// Quiet logs: the ready line must be easy to find.
process.env.LOG_ENABLED ||= 'false'

const pg = (await load('pg')).default

async function dropSchemas() {
  const client = new pg.Client({ connectionString: dbPostgresUrl })
  await client.connect()
  try {
    for (const name of schemas) {
      await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)
    }
  } finally {
    await client.end()
  }
}

// A schema left by a run that was killed hard would hold a stale cursor.
await dropSchemas()

const { TestNetwork } = await load('@atproto/dev-env')
const network = await TestNetwork.create({ dbPostgresUrl, dbPostgresSchema: schema })

// processAll() calls never overlap: each waits for the previous one.
let queue = Promise.resolve()
function processAll() {
  const run = queue.then(() => network.processAll(10000))
  queue = run.catch(() => {})
  return run
}

const every = Number(process.env.ATPROTO_PROCESS_MS || 500)
const ticker = setInterval(() => {
  processAll().catch((err) => console.error('processAll:', err?.message || err))
}, every)

const control = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/process') {
    processAll().then(
      () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'),
      (err) => res.writeHead(500).end(String(err?.message || err)),
    )
    return
  }
  res.writeHead(404).end()
})
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve))

let closing = null
function shutdown(code = 0) {
  if (closing) return closing
  clearInterval(ticker)
  // Whatever hangs, the process ends: a test run never leaves it behind.
  setTimeout(() => process.exit(code || 1), 20000).unref()
  closing = (async () => {
    control.close()
    try {
      await queue
      await network.close()
    } catch (err) {
      console.error('close:', err?.message || err)
    }
    try {
      await dropSchemas()
    } catch (err) {
      console.error('drop schemas:', err?.message || err)
    }
    process.exit(code)
  })()
  return closing
}
process.on('SIGTERM', () => shutdown(0))
process.on('SIGINT', () => shutdown(0))

const input = readline.createInterface({ input: process.stdin })
input.on('line', (line) => {
  if (line.trim() === 'process') {
    processAll().then(
      () => console.log(JSON.stringify({ processed: true })),
      (err) => console.log(JSON.stringify({ processed: false, error: String(err) })),
    )
  }
})
input.on('close', () => shutdown(0))

console.log(
  JSON.stringify({
    ready: true,
    pds: network.pds.url,
    appview: network.bsky.url,
    plc: network.plc.url,
    control: `http://127.0.0.1:${control.address().port}`,
  }),
)
