// A PLC directory (in memory) and a PDS (SQLite and blobs in a folder) on 127.0.0.1, as
// @atproto/dev-env's TestNetworkNoAppView starts them, without dev-env's app view and moderation
// packages. Prints one JSON line, {"pds": url, "plc": url, ...}, once both answer; stops on SIGTERM/SIGINT.
//   node start.mjs DATA_FOLDER
import fs from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import crypto from '@atproto/crypto'
import pdsPackage from '@atproto/pds'
import plcPackage from '@did-plc/server'

const { PDS, envToCfg, envToSecrets } = pdsPackage
const { Secp256k1Keypair } = crypto

const folder = path.resolve(process.argv[2] || 'pds-data')

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const plcPort = await freePort()
const plc = plcPackage.PlcServer.create({ db: plcPackage.Database.mock(), port: plcPort })
await plc.start()
const plcUrl = `http://localhost:${plcPort}`

const rotationKey = await Secp256k1Keypair.create({ exportable: true })
const port = await freePort()
await fs.mkdir(path.join(folder, 'data'), { recursive: true })
const env = {
  devMode: true,
  port,
  // "localhost" makes the public address http://localhost:<port> and the handle domain .test
  hostname: 'localhost',
  dataDirectory: path.join(folder, 'data'),
  blobstoreDiskLocation: path.join(folder, 'blobs'),
  didPlcUrl: plcUrl,
  recoveryDidKey: (await Secp256k1Keypair.create()).did(),
  plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotationKey.export()).toString('hex'),
  adminPassword: 'admin-pass',
  jwtSecret: 'jwt-secret',
  serviceHandleDomains: ['.test'],
  // no app view: nothing here reaches out of the machine (.invalid never resolves)
  bskyAppViewUrl: 'https://appview.invalid',
  bskyAppViewDid: 'did:example:invalid',
  bskyAppViewCdnUrlPattern: 'http://cdn.appview.invalid/%s/%s/%s',
  modServiceUrl: 'https://moderator.invalid',
  modServiceDid: 'did:example:invalid',
  inviteRequired: false,
  disableSsrfProtection: true,
  serviceName: 'Refrain test PDS',
}
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
await pds.start()

// the admin password and the JWT secret let a test take an account down or make an expired token
const told = { pds: `http://localhost:${port}`, plc: plcUrl, admin_password: env.adminPassword, jwt_secret: env.jwtSecret }
process.stdout.write(JSON.stringify(told) + '\n')

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await pds.destroy().catch(() => {})
  await plc.destroy().catch(() => {})
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
