// A learning-opentok-style credentials server: node http + the official SDK, T1 tokens, one cached
// room. (learning-opentok creates the room's session on first use; offline, the cached session is
// the SDKs' fixture session, and every request mints a fresh token for it, as learning-opentok does.)
'use strict';
const http = require('http');
const OpenTok = require('opentok');

const apiKey = '123456';
const apiSecret = '1234567890abcdef1234567890abcdef1234567890';
const opentok = new OpenTok(apiKey, apiSecret, 'https://anvil-preview.opentok.com');
const rooms = { session: '1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4' };

http.createServer((request, response) => {
  const name = request.url === '/session' ? 'session' : decodeURIComponent((request.url.match(/^\/room\/([^/?]+)/) || [])[1] || '');
  const sessionId = rooms[name];
  if (!sessionId) {
    response.writeHead(404);
    response.end();
    return;
  }
  const token = opentok.generateToken(sessionId, {}, true);
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ apiKey, sessionId, token }));
}).listen(Number(process.argv[2] || 7083), '127.0.0.1');
