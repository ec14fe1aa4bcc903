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
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
const checkContinue = process.argv.includes('--check-continue');

function refuse(res) {
  res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Basic realm="expectspec"' });
  res.end('authorization required\n');
}

function handle(req, res) {
  const path = req.url.split('?')[0];
  if (path === '/upload') {
    let n = 0;
    req.on('data', (chunk) => { n += chunk.length; });
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('received ' + n + ' octets\n');
    });
    return;
  }
  if (path === '/early') return refuse(res);
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found\n');
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
