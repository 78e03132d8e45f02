// Preloaded (NODE_OPTIONS=--require) by scripts/test.js on a Node other than the one node_modules was
// installed for: better-sqlite3 then loads the build made for this Node (PARLEY_SQLITE_ADDON, see
// scripts/nodes.js) instead of node_modules/better-sqlite3/build, which fails on another Node ABI.
'use strict';
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload, for NODE_OPTIONS=--require
const Module = require('node:module');

const addon = process.env.PARLEY_SQLITE_ADDON;
if (addon) {
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const file = resolveFilename.call(this, request, ...rest);
    return /[\\/]better-sqlite3[\\/]build[\\/]Release[\\/]better_sqlite3\.node$/.test(file) ? addon : file;
  };
}
