// The upload Node's documentation describes for http.request with 'Expect: 100-continue': the
// header is set by the program (Node never adds it), and the content is written on the
// 'continue' event, once. Node has no timer of its own for the 100, so nor does this program:
// it waits as long as Node lets it. Uploads without content send no Expect. It prints the final
// response's content and, when that came before any 100, ends the request without the content;
// a request error exits 1.
'use strict';
const fs = require('fs');
const http = require('http');

const [url, path] = process.argv.slice(2);
const body = fs.readFileSync(path);
const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length };
if (body.length > 0) headers['Expect'] = '100-continue';
let sent = false;
const req = http.request(url, { method: 'POST', headers }, (res) => {
  res.on('data', (chunk) => process.stdout.write(chunk));
  // A final response before any 100 (a 417, an early refusal): the content will not be asked
  // for, so the request is ended without it instead of being left open.
  res.on('end', () => { if (!sent) req.destroy(); });
});
req.on('error', (err) => {
  console.error('upload: ' + err.message);
  process.exit(1);
});
if (body.length > 0) {
  req.once('continue', () => { sent = true; req.end(body); });
} else {
  req.end();
}
