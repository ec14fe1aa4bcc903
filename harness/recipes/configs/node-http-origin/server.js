// Node's http module as an origin, at its defaults except where noted.
//
//   node server.js PORT                    the defaults: Node answers every Expect: 100-continue
//                                          with a 100 itself, before the request handler runs
//   node server.js PORT --check-continue   a 'checkContinue' listener decides instead, as Node's
//                                          documentation describes: /early is refused with 401
//                                          from the header section alone, anything else gets
//                                          response.writeContinue() and the request handler
//
// /upload reads the whole content and answers 200; /early answers 401 without reading it; any
// other path answers 404 without reading it.
//
// Every answer is written the way most Node applications have theirs written: by Express's
// res.send (or Koa, or Fastify), which sets Content-Length to the body's length and ends the
// response with it. The equivalent here is setHeader('Content-Length') and res.end(body). With a
// declared length Node may keep the connection, also for an HTTP/1.0 client that asked for
// keep-alive. (Without one, Node sends chunked to HTTP/1.1 and closes after every HTTP/1.0
// response, which would hide how it treats an HTTP/1.0 connection.)
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
const checkContinue = process.argv.includes('--check-continue');

function answer(res, status, body, headers = {}) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}

function refuse(res) {
  answer(res, 401, 'authorization required\n', { 'WWW-Authenticate': 'Basic realm="expectspec"' });
}

function handle(req, res) {
  const path = req.url.split('?')[0];
  if (path === '/upload') {
    let n = 0;
    req.on('data', (chunk) => { n += chunk.length; });
    req.on('end', () => answer(res, 200, 'received ' + n + ' octets\n'));
    return;
  }
  if (path === '/early') return refuse(res);
  answer(res, 404, 'not found\n');
}

const server = http.createServer(handle);
if (checkContinue) {
  server.on('checkContinue', (req, res) => {
    if (req.url.split('?')[0] === '/early') return refuse(res);
    res.writeContinue();
    handle(req, res);
  });
}
server.listen(port, '127.0.0.1');
