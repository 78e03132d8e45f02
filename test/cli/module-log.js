// Loaded with `node --import`: appends the URL of every module the process imports (ESM imports,
// and the CommonJS packages they import) to the file named by PARLEY_MODULE_LOG, one a line.
import { register } from 'node:module';

register('./module-log-hooks.js', import.meta.url, { data: { file: process.env.PARLEY_MODULE_LOG } });
