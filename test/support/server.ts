// The in-process server and temp directories live in harness/ (shared with bench/); re-exported
// here so the tests keep one short import.
export { startTestServer, type TestServer } from '../../harness/server.js';
export { tempDir } from '../../harness/temp-dir.js';
