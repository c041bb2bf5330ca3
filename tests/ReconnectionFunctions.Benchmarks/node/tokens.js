// Times the official Node SDK minting T1 and JWT tokens on the inputs the .NET benchmarks use.
// Prints one JSON line: {"t1PerSecond": ..., "jwtPerSecond": ..., "node": "..."}.
'use strict';
const OpenTok = require('opentok');

const apiKey = '123456';
const apiSecret = '1234567890abcdef1234567890abcdef1234567890';
const sessionId = '1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4';
const opentok = new OpenTok(apiKey, apiSecret, 'https://anvil-preview.opentok.com');
const seconds = Number(process.argv[2] || 5);

function rate(mint) {
  const expireTime = Math.round(Date.now() / 1000) + 3600;
  const until = (ms) => { const end = Date.now() + ms; let n = 0; while (Date.now() < end) { for (let i = 0; i < 1000; i++) mint(expireTime); n += 1000; } return n; };
  until(1000); // warm up the JIT
  const start = process.hrtime.bigint();
  const count = until(seconds * 1000);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return count / elapsed;
}

const t1PerSecond = rate((expireTime) => opentok.generateToken(sessionId, { role: 'publisher', expireTime }, true));
const jwtPerSecond = rate((expireTime) => opentok.generateToken(sessionId, { role: 'publisher', expireTime }));
console.log(JSON.stringify({ t1PerSecond, jwtPerSecond, node: process.version }));
