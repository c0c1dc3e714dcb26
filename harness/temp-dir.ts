import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh, empty directory under the system's temp directory; the caller removes it. */
export function tempDir(prefix = 'sigsocket-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
