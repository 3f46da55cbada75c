#!/usr/bin/env node
// tests/webhdfs/server.mjs: a WebHDFS test server (Node's http module only, no npm deps).
//
// It follows the WebHDFS REST API documentation closely enough to test sluice's
// WebHDFS store against the behaviour real clusters show:
//   - a NameNode endpoint (/webhdfs/v1/<path>?op=...) and a SEPARATE DataNode endpoint
//     (another port): CREATE and OPEN answer 307 with a Location on the DataNode, which
//     receives the body (streamed, chunked or with a length) and answers 201;
//   - GETFILESTATUS, LISTSTATUS, MKDIRS, RENAME (200 {"boolean": false} when it cannot
//     rename), DELETE, SETPERMISSION, CREATE, OPEN (offset, length), GETHOMEDIRECTORY;
//   - errors as {"RemoteException": {"exception", "javaClassName", "message"}} with the
//     documented codes: 400 IllegalArgumentException, 401/403 security, 403
//     AccessControlException and other IOExceptions (FileAlreadyExistsException,
//     StandbyException, RetriableException/SafeModeException, DSQuotaExceededException),
//     404 FileNotFoundException, 500 for injected server errors;
//   - simple authentication (user.name) and delegation tokens (delegation=), with a
//     permission check: the user must own the root or be in the allowed list, and only
//     the allowed subtree may be touched;
//   - optionally a standby NameNode (answers StandbyException until a failover) and an
//     HttpFS gateway (one endpoint, no redirect: CREATE with data=true).
//
// Files live in a local folder (--root) that maps HDFS "/". Owners and permissions are
// kept in memory. Like HDFS, a file being written is visible with its current length
// and a broken upload leaves its partial file behind.
//
// Usage: node tests/webhdfs/server.mjs --root DIR [options]
//   --owner USER        owner of the root (default: the login name)
//   --allow U1,U2       other users allowed in
//   --allow-path P      the only subtree that may be used (default /)
//   --token T=USER      a valid delegation token (repeatable)
//   --standby           also start a second NameNode, standby until /admin/failover
//   --standby-first     the standby NameNode's port is listed first (namenode= is then
//                       the standby's and active= the active's; for HA tests)
//   --httpfs            also start an HttpFS gateway
//   --datanode-host H   host name written in redirect Locations (default 127.0.0.1);
//                       a name that does not resolve tests the client's rewrite rule
//   --quota BYTES       space quota of the allowed subtree (DSQuotaExceededException)
//   --delay-ms D        delay every answer by D ms
//   --fault SPEC        a fault, as the admin query string (repeatable; see below)
//   --tls CERT KEY      serve HTTPS (swebhdfs://) with this PEM certificate and key;
//                       redirect Locations are then https:// too
//   --timeout SEC       stop after SEC seconds (default 300): the server is bounded
//
// First line of stdout: "webhdfs-test-server namenode=P datanode=P [standby=P]
// [httpfs=P]" (all on 127.0.0.1). Admin endpoint on the NameNode port:
//   GET /admin/fault?op=OP&count=N[&skip=K][&status=500][&exception=NAME]  after K more
//       OP requests, the next N fail (OP: a NameNode op such as CREATE or RENAME, or
//       DN_CREATE / DN_OPEN for the DataNode's side)
//   GET /admin/fault?reset=OP&count=N[&when=before|after]  drop the connection of the
//       next N OP requests, before handling or after doing the work (lost answer)
//   GET /admin/fault?drop=N[&after=BYTES]  the next N DataNode uploads that get past
//       BYTES bytes of body (default 65536) lose their connection there
//   GET /admin/fault?rename_false=N     next N RENAMEs answer {"boolean": false}, untouched
//   GET /admin/fault?safemode=N         next N write ops answer SafeModeException
//   GET /admin/fault?delay_ms=D         delay every answer by D ms
//   GET /admin/failover                 swap the active and the standby NameNode
//   GET /admin/clear                    remove every fault
//   GET /admin/stats                    counters as JSON (requests per op, connections...)
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// ---------------------------------------------------------------- options
function usage(msg) {
  process.stderr.write(`webhdfs test server: ${msg}\n`);
  process.exit(2);
}

const opt = {
  root: null, owner: os.userInfo().username, allow: [], allowPath: '/', tokens: new Map(),
  standby: false, standbyFirst: false, httpfs: false, dnHost: '127.0.0.1', quota: -1,
  delayMs: 0, faults: [], timeout: 300, tls: null,
};
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const k = a[i];
    const v = () => { if (i + 1 >= a.length) usage(`${k} needs a value`); return a[++i]; };
    switch (k) {
      case '--root': opt.root = path.resolve(v()); break;
      case '--owner': opt.owner = v(); break;
      case '--allow': opt.allow = v().split(',').filter(Boolean); break;
      case '--allow-path': opt.allowPath = normPath(v()) ?? usage('bad --allow-path'); break;
      case '--token': {
        const t = v(); const eq = t.indexOf('=');
        if (eq <= 0) usage('--token wants TOKEN=USER');
        opt.tokens.set(t.slice(0, eq), t.slice(eq + 1));
        break;
      }
      case '--standby': opt.standby = true; break;
      case '--standby-first': opt.standby = true; opt.standbyFirst = true; break;
      case '--httpfs': opt.httpfs = true; break;
      case '--datanode-host': opt.dnHost = v(); break;
      case '--quota': opt.quota = Number(v()); break;
      case '--delay-ms': opt.delayMs = Number(v()); break;
      case '--fault': opt.faults.push(v()); break;
      case '--timeout': opt.timeout = Number(v()); break;
      case '--tls': { const cert = v(); const key = v(); opt.tls = { cert: fs.readFileSync(cert), key: fs.readFileSync(key) }; break; }
      default: usage(`unknown option ${k}`);
    }
  }
  if (!opt.root) usage('--root DIR is required');
  fs.mkdirSync(opt.root, { recursive: true });
}

// ---------------------------------------------------------------- state
const stats = {
  ops: {}, nn_connections: 0, dn_connections: 0, httpfs_connections: 0, standby_answers: 0,
  dn_uploads: 0, dn_upload_bytes: 0, dn_uploads_broken: 0, dn_opens: 0, chunked_uploads: 0,
  faults_fired: 0, users: {}, both_auth: 0,
};
const faults = { fail: [], reset: [], drop: [], renameFalse: 0, safemode: 0 };
const meta = new Map();   // hdfs path -> { owner, group, perm, fileId }
let nextFileId = 16386;
let activeIsFirst = !opt.standbyFirst; // which NameNode server is active

function count(name) { stats.ops[name] = (stats.ops[name] || 0) + 1; }

// Normalises an HDFS path: absolute, no empty/'.'/'..' components. null when invalid.
function normPath(p) {
  if (typeof p !== 'string' || !p.startsWith('/')) return null;
  const parts = p.split('/').filter((c) => c !== '');
  for (const c of parts) if (c === '.' || c === '..' || c.includes('\0')) return null;
  return '/' + parts.join('/');
}
const local = (p) => path.join(opt.root, p);
const parentOf = (p) => (p === '/' ? null : p.slice(0, p.lastIndexOf('/')) || '/');
const baseOf = (p) => p.slice(p.lastIndexOf('/') + 1);
const under = (p, dir) => dir === '/' || p === dir || p.startsWith(dir + '/');

function statOf(p) {
  try { return fs.statSync(local(p)); } catch { return null; }
}
function metaOf(p, isDir) {
  let m = meta.get(p);
  if (!m) {
    m = { owner: opt.owner, group: 'supergroup', perm: isDir ? 0o755 : 0o644, fileId: nextFileId++ };
    meta.set(p, m);
  }
  return m;
}
function fileStatus(p, st, suffix) {
  const isDir = st.isDirectory();
  const m = metaOf(p, isDir);
  return {
    accessTime: isDir ? 0 : Math.floor(st.atimeMs), blockSize: isDir ? 0 : 134217728,
    childrenNum: isDir ? fs.readdirSync(local(p)).length : 0, fileId: m.fileId, group: m.group,
    length: isDir ? 0 : st.size, modificationTime: Math.floor(st.mtimeMs), owner: m.owner,
    pathSuffix: suffix, permission: m.perm.toString(8), replication: isDir ? 0 : 3,
    storagePolicy: 0, type: isDir ? 'DIRECTORY' : 'FILE',
  };
}
function usedBytes(dir) {
  let total = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const q = path.join(d, e.name);
      if (e.isDirectory()) walk(q); else total += fs.statSync(q).size;
    }
  };
  try { walk(local(dir)); } catch { /* missing: 0 */ }
  return total;
}
function moveMeta(from, to) {
  for (const [k, v] of [...meta]) {
    if (k === from || k.startsWith(from + '/')) { meta.delete(k); meta.set(to + k.slice(from.length), v); }
  }
}
function dropMeta(p) {
  for (const k of [...meta.keys()]) if (k === p || k.startsWith(p + '/')) meta.delete(k);
}

// ---------------------------------------------------------------- answers
class HdfsError extends Error {
  constructor(status, exception, javaClassName, message) {
    super(message);
    this.status = status; this.exception = exception; this.javaClassName = javaClassName;
  }
}
const E = {
  notFound: (m) => new HdfsError(404, 'FileNotFoundException', 'java.io.FileNotFoundException', m),
  access: (m) => new HdfsError(403, 'AccessControlException', 'org.apache.hadoop.security.AccessControlException', m),
  exists: (m) => new HdfsError(403, 'FileAlreadyExistsException', 'org.apache.hadoop.fs.FileAlreadyExistsException', m),
  arg: (m) => new HdfsError(400, 'IllegalArgumentException', 'java.lang.IllegalArgumentException', m),
  io: (m) => new HdfsError(403, 'IOException', 'java.io.IOException', m),
  standby: () => new HdfsError(403, 'StandbyException', 'org.apache.hadoop.ipc.StandbyException',
    'Operation category READ is not supported in state standby. Visit https://s.apache.org/sbnn-error'),
  safemode: (p) => new HdfsError(403, 'RetriableException', 'org.apache.hadoop.ipc.RetriableException',
    `org.apache.hadoop.hdfs.server.namenode.SafeModeException: Cannot create ${p}. Name node is in safe mode.`),
  quota: (m) => new HdfsError(403, 'DSQuotaExceededException',
    'org.apache.hadoop.hdfs.protocol.DSQuotaExceededException', m),
  token: () => new HdfsError(403, 'InvalidToken', 'org.apache.hadoop.security.token.SecretManager$InvalidToken',
    'token can\'t be found in cache'),
  security: (m) => new HdfsError(401, 'SecurityException', 'java.lang.SecurityException', m),
};
const EXCEPTION_CLASSES = {
  IOException: 'java.io.IOException', RuntimeException: 'java.lang.RuntimeException',
  SafeModeException: 'org.apache.hadoop.hdfs.server.namenode.SafeModeException',
  RetriableException: 'org.apache.hadoop.ipc.RetriableException',
  StandbyException: 'org.apache.hadoop.ipc.StandbyException',
  AccessControlException: 'org.apache.hadoop.security.AccessControlException',
  DSQuotaExceededException: 'org.apache.hadoop.hdfs.protocol.DSQuotaExceededException',
  NSQuotaExceededException: 'org.apache.hadoop.hdfs.protocol.NSQuotaExceededException',
};

function send(res, status, body, headers = {}) {
  const text = body === null ? '' : JSON.stringify(body);
  const h = { 'Content-Length': Buffer.byteLength(text), ...headers };
  if (body !== null) h['Content-Type'] = 'application/json';
  const go = () => { if (!res.destroyed) { res.writeHead(status, h); res.end(text); } };
  if (opt.delayMs > 0) setTimeout(go, opt.delayMs); else go();
}
function sendError(res, err) {
  if (!(err instanceof HdfsError)) err = new HdfsError(500, 'RuntimeException', 'java.lang.RuntimeException', String(err && err.message || err));
  send(res, err.status, { RemoteException: { exception: err.exception, javaClassName: err.javaClassName, message: err.message } });
}

// ---------------------------------------------------------------- request parsing
function parseReq(req) {
  const u = new URL(req.url, 'http://x');
  const q = u.searchParams;
  const prefix = '/webhdfs/v1';
  if (!u.pathname.startsWith(prefix)) return { u, q, path: null };
  let raw = u.pathname.slice(prefix.length) || '/';
  try { raw = decodeURIComponent(raw); } catch { return { u, q, path: undefined }; }
  return { u, q, path: normPath(raw) };
}

// Authenticates: user.name (simple) or delegation (token); both at once is refused.
function userOf(q) {
  const tok = q.get('delegation');
  const name = q.get('user.name');
  if (tok !== null && name !== null) { stats.both_auth++; throw E.security('both user.name and delegation given'); }
  let user = name;
  if (tok !== null) {
    if (!opt.tokens.has(tok)) throw E.token();
    user = opt.tokens.get(tok);
  }
  user = user || 'dr.who';
  stats.users[user] = (stats.users[user] || 0) + 1;
  return user;
}

// The user must own the root or be allowed; writes only inside --allow-path, reads
// also on the ancestors of it (a client stats its way down).
function authorize(user, p, write) {
  const deny = (inode) => {
    const m = metaOf(inode, true);
    throw E.access(`Permission denied: user=${user}, access=${write ? 'WRITE' : 'READ_EXECUTE'}, ` +
      `inode="${inode}":${m.owner}:${m.group}:d${rwx(m.perm)}`);
  };
  if (user !== opt.owner && !opt.allow.includes(user)) deny(under(p, opt.allowPath) ? opt.allowPath : '/');
  if (under(p, opt.allowPath)) return;
  if (!write && under(opt.allowPath, p)) return;
  deny(parentOf(p) && under(opt.allowPath, parentOf(p)) ? parentOf(p) : '/');
}
function rwx(perm) {
  let s = '';
  for (let i = 8; i >= 0; i--) s += (perm >> i) & 1 ? 'rwxrwxrwx'[8 - i] : '-';
  return s;
}
function permParam(q, def) {
  const v = q.get('permission');
  if (v === null || v === '') return def;
  if (!/^[0-7]{1,4}$/.test(v) || parseInt(v, 8) > 0o1777)
    throw E.arg(`Invalid value for webhdfs parameter "permission": Invalid value: "${v}" does not belong to the domain ^[0-1]?[0-7]?[0-7]?[0-7]$`);
  return parseInt(v, 8);
}
function boolParam(q, name, def) {
  const v = q.get(name);
  if (v === null || v === '') return def;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw E.arg(`Invalid value for webhdfs parameter "${name}": Failed to parse "${v}" to Boolean.`);
}
function longParam(q, name, def) {
  const v = q.get(name);
  if (v === null || v === '') return def;
  if (!/^-?[0-9]+$/.test(v)) throw E.arg(`Invalid value for webhdfs parameter "${name}": Failed to parse "${v}" to Long.`);
  return Number(v);
}

// Takes a pending fault of this op, if any.
function takeFault(list, op) {
  const i = list.findIndex((f) => f.op === op && f.count > 0);
  if (i < 0) return null;
  const f = list[i];
  if (f.skip > 0) { f.skip--; return null; }
  if (--f.count === 0) list.splice(i, 1);
  stats.faults_fired++;
  return f;
}
function addFault(q) {
  const n = (k, d) => (q.has(k) ? Number(q.get(k)) : d);
  if (q.has('op')) {
    faults.fail.push({ op: q.get('op'), count: n('count', 1), skip: n('skip', 0), status: n('status', 500),
      exception: q.get('exception') || (n('status', 500) >= 500 ? 'RuntimeException' : 'IOException') });
  }
  if (q.has('reset')) faults.reset.push({ op: q.get('reset'), count: n('count', 1), when: q.get('when') || 'before' });
  if (q.has('drop')) faults.drop.push({ op: 'DN_CREATE', count: n('drop', 1), after: n('after', 65536) });
  if (q.has('rename_false')) faults.renameFalse += n('rename_false', 1);
  if (q.has('safemode')) faults.safemode += n('safemode', 1);
  if (q.has('delay_ms')) opt.delayMs = n('delay_ms', 0);
}
for (const f of opt.faults) addFault(new URLSearchParams(f));

// ---------------------------------------------------------------- NameNode ops
const WRITE_OPS = new Set(['CREATE', 'MKDIRS', 'RENAME', 'DELETE', 'SETPERMISSION']);

function scheme() { return opt.tls ? 'https' : 'http'; }
function encPath(p) { return p.split('/').map(encodeURIComponent).join('/'); }
function authQuery(q) {
  return q.get('delegation') !== null ? `delegation=${encodeURIComponent(q.get('delegation'))}`
    : `user.name=${encodeURIComponent(q.get('user.name') || 'dr.who')}`;
}

// Runs one filesystem op; returns [status, body] or throws HdfsError. `gw` is the HttpFS
// gateway flavour (no redirects), req/res are needed for CREATE there.
function nnOp(op, p, q, user, ctx) {
  const method = ctx.req.method;
  const want = (m) => { if (method !== m) throw E.arg(`Invalid value for webhdfs parameter "op": ${op} is not a valid ${method} operation.`); };
  if (WRITE_OPS.has(op) && faults.safemode > 0) { faults.safemode--; stats.faults_fired++; throw E.safemode(p); }
  switch (op) {
    case 'GETFILESTATUS': {
      want('GET'); authorize(user, p, false);
      const st = statOf(p);
      if (!st) throw E.notFound(`File does not exist: ${p}`);
      return [200, { FileStatus: fileStatus(p, st, '') }];
    }
    case 'LISTSTATUS': {
      want('GET'); authorize(user, p, false);
      const st = statOf(p);
      if (!st) throw E.notFound(`File ${p} does not exist.`);
      if (!st.isDirectory()) return [200, { FileStatuses: { FileStatus: [fileStatus(p, st, '')] } }];
      const names = fs.readdirSync(local(p)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const list = [];
      for (const nm of names) {
        const cp = p === '/' ? `/${nm}` : `${p}/${nm}`;
        const cst = statOf(cp);
        if (cst) list.push(fileStatus(cp, cst, nm));
      }
      return [200, { FileStatuses: { FileStatus: list } }];
    }
    case 'GETHOMEDIRECTORY':
      want('GET');
      return [200, { Path: `/user/${user}` }];
    case 'MKDIRS': {
      want('PUT'); authorize(user, p, true);
      const perm = permParam(q, 0o755);
      // Every existing component must be a folder.
      let cur = '';
      for (const c of p.split('/').filter(Boolean)) {
        cur += '/' + c;
        const st = statOf(cur);
        if (st && !st.isDirectory()) throw new HdfsError(403, 'ParentNotDirectoryException',
          'org.apache.hadoop.fs.ParentNotDirectoryException', `${cur} (is not a directory)`);
        if (!st) {
          fs.mkdirSync(local(cur));
          meta.set(cur, { owner: user, group: 'supergroup', perm, fileId: nextFileId++ });
        }
      }
      return [200, { boolean: true }];
    }
    case 'RENAME': {
      want('PUT'); authorize(user, p, true);
      const dst0 = q.get('destination');
      if (dst0 === null) throw E.arg('Invalid value for webhdfs parameter "destination": null');
      const dst = normPath(dst0);
      if (!dst) throw E.arg(`Invalid value for webhdfs parameter "destination": Invalid path name ${dst0}`);
      authorize(user, dst, true);
      if (faults.renameFalse > 0) { faults.renameFalse--; stats.faults_fired++; return [200, { boolean: false }]; }
      const sst = statOf(p);
      if (!sst || p === '/') return [200, { boolean: false }];
      let target = dst;
      const dstSt = statOf(dst);
      if (dstSt && dstSt.isDirectory() && dst !== p) target = dst === '/' ? `/${baseOf(p)}` : `${dst}/${baseOf(p)}`;
      if (target === p) return [200, { boolean: sst.isFile() }];
      if (under(target, p)) return [200, { boolean: false }];
      if (statOf(target)) return [200, { boolean: false }];
      const pst = statOf(parentOf(target));
      if (!pst || !pst.isDirectory()) return [200, { boolean: false }];
      fs.renameSync(local(p), local(target));
      moveMeta(p, target);
      return [200, { boolean: true }];
    }
    case 'DELETE': {
      want('DELETE'); authorize(user, p, true);
      if (p === opt.allowPath || p === '/') throw E.access(`Permission denied: cannot delete ${p}`);
      const st = statOf(p);
      if (!st) return [200, { boolean: false }];
      const recursive = boolParam(q, 'recursive', false);
      if (st.isDirectory()) {
        if (!recursive && fs.readdirSync(local(p)).length > 0)
          throw new HdfsError(403, 'PathIsNotEmptyDirectoryException',
            'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException', `\`${p} is non empty': Directory is not empty`);
        fs.rmSync(local(p), { recursive: true, force: true });
      } else {
        fs.unlinkSync(local(p));
      }
      dropMeta(p);
      return [200, { boolean: true }];
    }
    case 'SETPERMISSION': {
      want('PUT'); authorize(user, p, true);
      const st = statOf(p);
      if (!st) throw E.notFound(`File does not exist: ${p}`);
      const m = metaOf(p, st.isDirectory());
      if (m.owner !== user) throw E.access(`Permission denied. user=${user} is not the owner of inode=${p}`);
      m.perm = permParam(q, st.isDirectory() ? 0o755 : 0o644);
      return [200, null];
    }
    case 'CREATE': {
      want('PUT'); authorize(user, p, true);
      permParam(q, 0o644); boolParam(q, 'overwrite', false);
      if (p === '/' || (statOf(p) && statOf(p).isDirectory())) throw E.exists(`${p} already exists as a directory`);
      if (ctx.gateway) {
        if (!boolParam(q, 'data', false)) {
          const loc = `${scheme()}://127.0.0.1:${ctx.port}${ctx.u.pathname}${ctx.u.search}&data=true`;
          return [307, null, { Location: loc }];
        }
        return null; // body handled by the caller (upload)
      }
      const loc = `${scheme()}://${opt.dnHost}:${ports.datanode}/webhdfs/v1${encPath(p)}?op=CREATE&${authQuery(q)}` +
        `&namenoderpcaddress=localhost:8020&createflag=&createparent=true&overwrite=${q.get('overwrite') || 'false'}` +
        (q.get('permission') ? `&permission=${q.get('permission')}` : '');
      return [307, null, { Location: loc }];
    }
    case 'OPEN': {
      want('GET'); authorize(user, p, false);
      const st = statOf(p);
      if (!st) throw E.notFound(`File does not exist: ${p}`);
      if (st.isDirectory()) throw E.io(`${p} is a directory`);
      const offset = longParam(q, 'offset', 0);
      longParam(q, 'length', -1);
      if (offset < 0) throw E.arg('Invalid value for webhdfs parameter "offset": Invalid value: "' + offset + '" does not belong to the domain ^\\d+$');
      if (ctx.gateway) return null; // data answered by the caller
      let loc = `${scheme()}://${opt.dnHost}:${ports.datanode}/webhdfs/v1${encPath(p)}?op=OPEN&${authQuery(q)}` +
        `&namenoderpcaddress=localhost:8020&offset=${offset}`;
      if (q.get('length')) loc += `&length=${q.get('length')}`;
      return [307, null, { Location: loc }];
    }
    case 'APPEND': case 'CONCAT': case 'TRUNCATE':
      throw E.arg(`${op} is not supported by this test server`);
    default:
      throw E.arg(`Invalid value for webhdfs parameter "op": No enum constant org.apache.hadoop.hdfs.web.resources.PutOpParam.Op.${op}`);
  }
}

// ---------------------------------------------------------------- DataNode side
// Streams a request body into the file p (created exclusively unless overwrite), with
// the drop and quota faults. Answers 201 with a Location, as the DataNode does.
function receiveUpload(req, res, p, q, user, gateway) {
  stats.dn_uploads++;
  if (req.headers['transfer-encoding'] === 'chunked') stats.chunked_uploads++;
  if (gateway && !(req.headers['content-type'] || '').startsWith('application/octet-stream'))
    throw E.arg('Data upload requests must have content-type set to \'application/octet-stream\'');
  const overwrite = boolParam(q, 'overwrite', false);
  const perm = permParam(q, 0o644);
  const parent = parentOf(p);
  const pst = statOf(parent);
  if (pst && !pst.isDirectory()) throw new HdfsError(403, 'ParentNotDirectoryException',
    'org.apache.hadoop.fs.ParentNotDirectoryException', `${parent} (is not a directory)`);
  if (!pst) {  // createparent=true: parents get the default folder permission
    let cur = '';
    for (const c of parent.split('/').filter(Boolean)) {
      cur += '/' + c;
      if (!statOf(cur)) { fs.mkdirSync(local(cur)); meta.set(cur, { owner: user, group: 'supergroup', perm: 0o755, fileId: nextFileId++ }); }
    }
  }
  let fd;
  try {
    fd = fs.openSync(local(p), overwrite ? 'w' : 'wx', 0o644);
  } catch (e) {
    if (e.code === 'EEXIST') throw E.exists(`${p} for client 127.0.0.1 already exists`);
    if (e.code === 'EISDIR') throw E.exists(`${p} already exists as a directory`);
    throw E.io(String(e.message));
  }
  meta.set(p, { owner: user, group: 'supergroup', perm, fileId: nextFileId++ });
  const quotaLeft = opt.quota >= 0 ? opt.quota - usedBytes(opt.allowPath) : Infinity;
  let got = 0;
  let finished = false;
  const close = () => { if (fd !== undefined) { fs.closeSync(fd); fd = undefined; } };
  req.on('data', (chunk) => {
    if (finished) return;
    // A drop fault fires on the first upload that gets past its byte count.
    const drop = faults.drop.length && got + chunk.length > faults.drop[0].after ? takeFault(faults.drop, 'DN_CREATE') : null;
    if (drop) {
      const keep = Math.max(0, drop.after - got);
      fs.writeSync(fd, chunk, 0, keep);
      got += keep;
      finished = true;
      close();
      stats.dn_uploads_broken++;
      req.socket.destroy();
      return;
    }
    if (got + chunk.length > quotaLeft) {
      finished = true;
      close();
      stats.dn_uploads_broken++;
      const e = E.quota(`The DiskSpace quota of ${opt.allowPath} is exceeded: quota = ${opt.quota} B = ` +
        `${(opt.quota / 1048576).toFixed(2)} MB but diskspace consumed = ${opt.quota - quotaLeft + got + chunk.length} B`);
      res.setHeader('Connection', 'close');
      sendError(res, e);
      req.resume();
      return;
    }
    fs.writeSync(fd, chunk);
    got += chunk.length;
    stats.dn_upload_bytes += chunk.length;
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    close();
    send(res, 201, null, { Location: `webhdfs://127.0.0.1:${ports.namenode}${encPath(p)}` });
  });
  req.on('close', () => { if (!finished) { finished = true; close(); stats.dn_uploads_broken++; } });
  req.on('error', () => { close(); });
}

// Streams [offset, offset+length) of p.
function sendRange(res, p, q) {
  stats.dn_opens++;
  const st = statOf(p);
  if (!st) throw E.notFound(`File does not exist: ${p}`);
  if (st.isDirectory()) throw E.io(`${p} is a directory`);
  const offset = longParam(q, 'offset', 0);
  let length = longParam(q, 'length', -1);
  if (offset > st.size) throw E.io(`Offset=${offset} out of the range [0, ${st.size}); OPEN, path=${p}`);
  if (length < 0 || offset + length > st.size) length = st.size - offset;
  const go = () => {
    if (res.destroyed) return;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': length });
    if (length === 0) { res.end(); return; }
    fs.createReadStream(local(p), { start: offset, end: offset + length - 1 }).pipe(res);
  };
  if (opt.delayMs > 0) setTimeout(go, opt.delayMs); else go();
}

// ---------------------------------------------------------------- servers
const ports = {};

// Common front: counts, resets, injected failures. Returns false when the request was
// answered (or dropped) by a fault.
function faultFront(req, res, op) {
  count(op);
  const r = takeFault(faults.reset, op);
  if (r && r.when !== 'after') { req.socket.destroy(); return false; }
  if (r) res.dropAfter = true;
  const f = takeFault(faults.fail, op);
  if (f) {
    const cls = EXCEPTION_CLASSES[f.exception] || `org.apache.hadoop.${f.exception}`;
    res.setHeader('Connection', 'close');
    send(res, f.status, { RemoteException: { exception: f.exception, javaClassName: cls, message: `injected fault: ${f.status} on ${op}` } });
    req.resume();
    return false;
  }
  return true;
}
function answer(res, r) {
  if (res.dropAfter) { res.socket.destroy(); return; }
  send(res, r[0], r[1], r[2] || {});
}

function nameNodeHandler(which) {
  return (req, res) => {
    const { u, q, path: p } = parseReq(req);
    if (u.pathname.startsWith('/admin/')) return admin(u, q, res);
    const op = (q.get('op') || '').toUpperCase();
    if (!faultFront(req, res, op)) return;
    try {
      if (p === null) throw E.arg(`${u.pathname}: not a WebHDFS path (want /webhdfs/v1/...)`);
      if (p === undefined) throw E.arg('Invalid path name');
      const active = which === 'gateway' || (which === 'first') === activeIsFirst;
      if (!active) { stats.standby_answers++; throw E.standby(); }
      const user = userOf(q);
      const ctx = { req, u, gateway: which === 'gateway', port: ports.httpfs };
      const r = nnOp(op, p, q, user, ctx);
      if (r === null && op === 'CREATE') return receiveUpload(req, res, p, q, user, true);
      if (r === null && op === 'OPEN') return sendRange(res, p, q);
      req.resume();
      answer(res, r);
    } catch (e) {
      req.resume();
      sendError(res, e);
    }
  };
}

function dataNodeHandler(req, res) {
  const { u, q, path: p } = parseReq(req);
  const op = 'DN_' + (q.get('op') || '').toUpperCase();
  if (!faultFront(req, res, op)) return;
  try {
    if (!p) throw E.arg(`${u.pathname}: not a WebHDFS path`);
    if (!q.get('namenoderpcaddress')) throw E.arg('Invalid value for webhdfs parameter "namenoderpcaddress": null');
    const user = userOf(q);
    if (op === 'DN_CREATE' && req.method === 'PUT') { authorize(user, p, true); return receiveUpload(req, res, p, q, user, false); }
    if (op === 'DN_OPEN' && req.method === 'GET') { authorize(user, p, false); req.resume(); return sendRange(res, p, q); }
    throw E.arg(`${req.method} ${op.slice(3)} is not a DataNode operation`);
  } catch (e) {
    req.resume();
    sendError(res, e);
  }
}

function admin(u, q, res) {
  const reply = (o) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(o) + '\n'); };
  switch (u.pathname) {
    case '/admin/fault': addFault(q); return reply({ ok: true, faults });
    case '/admin/failover': activeIsFirst = !activeIsFirst; return reply({ ok: true, active: activeIsFirst ? 'first' : 'second' });
    case '/admin/clear':
      faults.fail.length = 0; faults.reset.length = 0; faults.drop.length = 0;
      faults.renameFalse = 0; faults.safemode = 0; opt.delayMs = 0;
      return reply({ ok: true });
    case '/admin/stats': return reply(stats);
    default: res.writeHead(404); res.end();
  }
}

function listen(handler, counter) {
  return new Promise((resolve) => {
    const s = opt.tls ? https.createServer({ cert: opt.tls.cert, key: opt.tls.key }, handler) : http.createServer(handler);
    s.requestTimeout = 0;        // uploads may pause for minutes between row groups
    s.headersTimeout = 60000;
    s.keepAliveTimeout = 60000;
    s.on(opt.tls ? 'secureConnection' : 'connection', () => { stats[counter]++; });
    s.listen(0, '127.0.0.1', () => resolve([s, s.address().port]));
  });
}

const servers = [];
{
  const [nn1, p1] = await listen(nameNodeHandler('first'), 'nn_connections');
  servers.push(nn1);
  const [dn, pd] = await listen(dataNodeHandler, 'dn_connections');
  servers.push(dn);
  ports.datanode = pd;
  let line;
  if (opt.standby) {
    const [nn2, p2] = await listen(nameNodeHandler('second'), 'nn_connections');
    servers.push(nn2);
    // namenode= is always where the admin endpoint lives (the first server).
    ports.namenode = opt.standbyFirst ? p2 : p1;
    line = `webhdfs-test-server namenode=${p1} datanode=${pd} ${opt.standbyFirst ? 'active' : 'standby'}=${p2}`;
  } else {
    ports.namenode = p1;
    line = `webhdfs-test-server namenode=${p1} datanode=${pd}`;
  }
  if (opt.httpfs) {
    const [gw, pg] = await listen(nameNodeHandler('gateway'), 'httpfs_connections');
    servers.push(gw);
    ports.httpfs = pg;
    line += ` httpfs=${pg}`;
  }
  process.stdout.write(line + '\n');
}

const stop = () => { for (const s of servers) s.closeAllConnections?.(); process.exit(0); };
setTimeout(stop, opt.timeout * 1000);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
