// Independent TLS-Sig v2 userSig verifier for Node.js (no packages), written
// from the algorithm the way tls-sig-api-v2-node decodes: base64 with the
// `* - _` swap, zlib inflate, JSON, HMAC-SHA256.
// usage: node verify_usersig.js SDKAPPID USERID SIG [NOW]; key from $TLS_KEY.
// Prints "ok" (exit 0) or "fail: reason" (exit 1).
'use strict';
const crypto = require('crypto');
const zlib = require('zlib');

function fail(why) { console.log('fail: ' + why); process.exit(1); }

const [sdkappid, userid, sig, nowArg] = process.argv.slice(2); // a 5th (userbuf) argument is ignored
const key = process.env.TLS_KEY;
const raw = Buffer.from(sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64');
const doc = JSON.parse(zlib.inflateSync(raw).toString());
const now = nowArg ? Number(nowArg) : Math.floor(Date.now() / 1000);
if (doc['TLS.ver'] !== '2.0') fail('TLS.ver');
if (doc['TLS.sdkappid'] !== Number(sdkappid)) fail('sdkappid');
if (doc['TLS.identifier'] !== userid) fail('identifier');
const expire = doc['TLS.expire'] || 0;
if (now > doc['TLS.time'] + expire) fail('expired');
let content = 'TLS.identifier:' + userid + '\n' + 'TLS.sdkappid:' + sdkappid + '\n' +
  'TLS.time:' + doc['TLS.time'] + '\n' + 'TLS.expire:' + expire + '\n';
if (doc['TLS.userbuf']) content += 'TLS.userbuf:' + doc['TLS.userbuf'] + '\n';
const mac = crypto.createHmac('sha256', key).update(content).digest('base64');
if (mac !== doc['TLS.sig']) fail('sig');
console.log('ok');
