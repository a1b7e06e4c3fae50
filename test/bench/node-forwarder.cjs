// Reference for the signal benchmark: the least a Node process can do to forward a signal
// (a listener that calls kill(2) through koffi, as the entrypoint does). Its latency is Node's
// own signal path (libuv's self-pipe, the event loop, a JS callback); the entrypoint's distance
// from it is the cost of its hooks and plugins.
//   node node-forwarder.cjs KOFFI_DIR COMMAND [ARG...]
const { spawn } = require('node:child_process');
const kill = require(process.argv[2]).load(null).func('int kill(int pid, int sig)');
const child = spawn(process.argv[3], process.argv.slice(4), { stdio: 'inherit', detached: true });
process.on('SIGUSR1', () => kill(-child.pid, 10));
process.on('SIGTERM', () => kill(-child.pid, 15));
child.on('exit', (code, signal) => process.exit(code ?? 128));
