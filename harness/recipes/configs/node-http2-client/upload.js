// An upload with Node's http2 module as its documentation describes 'Expect: 100-continue' for a
// client stream: the program sets the header (Node never adds it) and writes the content on the
// stream's 'continue' event, once, like the node-http-request recipe over HTTP/1.1. Node has no
// timer for the 100, so nor does this program. Uploads without content send no expect. It trusts
// only the run's authority (the third argument, {ca}), prints the final response's content and,
// when that came before any 100, ends the stream without the content. A stream or session error
// exits 1: a reset with NO_ERROR after the response is no error in Node, and none here.
'use strict';
const fs = require('fs');
const http2 = require('http2');

const [url, path, ca] = process.argv.slice(2);
const u = new URL(url);
const body = fs.readFileSync(path);
const fail = (err) => {
  console.error('upload: ' + err.message);
  process.exit(1);
};
const session = http2.connect(u.origin, { ca: fs.readFileSync(ca) });
session.on('error', fail);
const headers = {
  ':method': 'POST',
  ':path': u.pathname + u.search,
  'content-type': 'application/octet-stream',
  'content-length': String(body.length),
};
if (body.length > 0) headers['expect'] = '100-continue';
const req = session.request(headers, { endStream: body.length === 0 });
let sent = false;
req.on('data', (chunk) => process.stdout.write(chunk));
req.on('error', fail);
// A final response before any 100 (a 417, an early refusal): the content will not be asked for,
// so the stream is closed without it instead of being left open.
req.on('end', () => { if (!sent) req.close(http2.constants.NGHTTP2_NO_ERROR); });
// The stream is over (ended both ways or reset): the session has nothing more to do.
req.on('close', () => session.close());
if (body.length > 0) {
  req.once('continue', () => { sent = true; req.end(body); });
}
