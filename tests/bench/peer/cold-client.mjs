// A stock Yjs client (npm `yjs` + `y-protocols`, as y-websocket uses them),
// for the cold-load comparison in BENCHMARKS.md. Each mode runs in a fresh
// Node.js process, so both start with the same cold JIT.
//
// node cold-client.mjs net <ws-url> <elements> <save-to>
//   opens the board over the sync protocol, times until it holds every
//   element, and saves the document it received as one update (Yjs's own
//   encoding) in <save-to> and the server's bytes in <save-to>.server;
// node cold-client.mjs local <update-file> <elements>
//   times applying that update from a local file: the client-side floor.
// Each prints one JSON line.
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { readFileSync, writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

const [mode, source, wanted, saveTo] = process.argv.slice(2)

if (mode === 'local') {
  const update = new Uint8Array(readFileSync(source))
  const doc = new Y.Doc()
  const started = performance.now()
  Y.applyUpdate(doc, update)
  const total = performance.now() - started
  check(doc)
  report({ total_ms: total, bytes: update.length, elements: doc.getMap('elements').size })
} else if (mode === 'net') {
  network()
} else {
  console.error('usage: cold-client.mjs net <ws-url> <elements> <save-to> | local <file> <elements>')
  process.exit(2)
}

function check (doc) {
  const have = doc.getMap('elements').size
  if (have < Number(wanted)) {
    console.error(`only ${have} of ${wanted} elements`)
    process.exit(1)
  }
}

function report (fields) {
  console.log(JSON.stringify(fields))
}

function network () {
  const doc = new Y.Doc()
  const elements = doc.getMap('elements')
  const started = performance.now()
  let firstByte = null
  let messages = 0
  let bytes = 0
  let applyMs = 0
  const received = []
  const ws = new WebSocket(source)
  ws.binaryType = 'arraybuffer'
  ws.on('open', () => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    syncProtocol.writeSyncStep1(encoder, doc)
    ws.send(encoding.toUint8Array(encoder))
  })
  ws.on('message', data => {
    const buf = new Uint8Array(data)
    firstByte ??= performance.now() - started
    messages++
    bytes += buf.length
    const decoder = decoding.createDecoder(buf)
    if (decoding.readVarUint(decoder) !== 0) return // presence and the rest
    const kind = decoding.peekVarUint(decoder)
    if (kind === syncProtocol.messageYjsSyncStep2 || kind === syncProtocol.messageYjsUpdate) {
      const copy = decoding.createDecoder(buf)
      decoding.readVarUint(copy)
      decoding.readVarUint(copy)
      received.push(decoding.readVarUint8Array(copy))
    }
    const t = performance.now()
    const reply = encoding.createEncoder()
    encoding.writeVarUint(reply, 0)
    syncProtocol.readSyncMessage(decoder, reply, doc, null)
    applyMs += performance.now() - t
    if (encoding.length(reply) > 1) ws.send(encoding.toUint8Array(reply))
    if (elements.size >= Number(wanted)) {
      const total = performance.now() - started
      ws.close()
      writeFileSync(saveTo, Y.encodeStateAsUpdate(doc))
      // The server's bytes as they came (merged only if they came in parts:
      // mergeUpdates re-encodes them the way Yjs would).
      writeFileSync(saveTo + '.server', received.length === 1 ? received[0] : Y.mergeUpdates(received))
      report({ total_ms: total, first_byte_ms: firstByte, apply_ms: applyMs, messages, bytes, elements: elements.size })
      process.exit(0)
    }
  })
  ws.on('error', e => { console.error(String(e)); process.exit(1) })
}
