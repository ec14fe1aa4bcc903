// The upload a Node program writes with the global fetch (Node 20 bundles undici as its fetch;
// nothing comes from npm, so the recipe needs only Debian's nodejs). The program asks for
// 100-continue the only way fetch offers, an Expect header on an upload with content, and
// undici refuses it before connecting (TypeError "fetch failed", cause UND_ERR_NOT_SUPPORTED
// "expect header not supported"). The program says so on stderr, which goes into every case's
// trace, and uploads again without the header, as a program using fetch is left to do: the
// cases then judge fetch's own handling of 1xx and early finals, and the ones that need Expect
// are na. fetch follows a 303 with a GET (redirect: 'follow', its default). It prints the final
// response's content; any other error exits 1 with one line on stderr.
'use strict';
const fs = require('fs');

const [url, path] = process.argv.slice(2);
const body = fs.readFileSync(path);

function upload(withExpect) {
  const headers = { 'Content-Type': 'application/octet-stream' };
  if (withExpect) headers['Expect'] = '100-continue';
  return fetch(url, { method: 'POST', headers, body });
}

function refusedExpect(err) {
  return err && err.cause && err.cause.code === 'UND_ERR_NOT_SUPPORTED';
}

(async () => {
  let res;
  try {
    res = await upload(body.length > 0);
  } catch (err) {
    if (!refusedExpect(err)) throw err;
    console.error('upload: fetch refused the Expect header (' + err.cause.code + ': ' + err.cause.message +
      '); uploading without it');
    res = await upload(false);
  }
  process.stdout.write(Buffer.from(await res.arrayBuffer()));
})().catch((err) => {
  const cause = err.cause ? ' (' + (err.cause.code || err.cause.name) + ': ' + err.cause.message + ')' : '';
  console.error('upload: ' + err.name + ': ' + err.message + cause);
  process.exit(1);
});
