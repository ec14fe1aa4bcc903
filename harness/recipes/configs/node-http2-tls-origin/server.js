// Node's http2 module as an origin over TLS: http2.createSecureServer with allowHTTP1, the way
// Node's documentation has one server speak h2 to clients that select it by ALPN and HTTP/1.1
// to the rest. At its defaults otherwise: Node answers every Expect: 100-continue with a 100
// itself before the request handler runs (in HTTP/1.1 as the http module does; in h2 its
// compatibility layer calls writeContinue() when no 'checkContinue' listener is set).
//
//   node server.js PORT CERT KEY
//
// /upload reads the whole content and answers 200 with Content-Length set and res.end(body), as
// the node-http recipe does (read its server.js for why); any other path answers 404 without
// reading it. The request and response objects are the compatibility API's, which an Express-
// style handler uses for both protocols.
'use strict';
const fs = require('fs');
const http2 = require('http2');

const [port, cert, key] = [Number(process.argv[2]), process.argv[3], process.argv[4]];

function answer(res, status, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function handle(req, res) {
  const path = req.url.split('?')[0];
  if (path === '/upload') {
    let n = 0;
    req.on('data', (chunk) => { n += chunk.length; });
    req.on('end', () => answer(res, 200, 'received ' + n + ' octets\n'));
    return;
  }
  answer(res, 404, 'not found\n');
}

const server = http2.createSecureServer(
  { cert: fs.readFileSync(cert), key: fs.readFileSync(key), allowHTTP1: true }, handle);
server.listen(port, '127.0.0.1');
