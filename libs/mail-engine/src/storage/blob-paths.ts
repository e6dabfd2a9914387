import { join } from 'node:path';

/** Two fan-out levels of 256 directories keep any one directory small at millions of blobs. */
export const blobDirectory = (unitDirectory: string, sha256: string) => join(unitDirectory, sha256.slice(0, 2), sha256.slice(2, 4));

export const blobPath = (unitDirectory: string, sha256: string) => join(blobDirectory(unitDirectory, sha256), sha256);

/** Where corrupt or suspicious files are moved for the operators (never read by the engine). */
export const quarantineDirectory = (unitDirectory: string) => join(unitDirectory, 'quarantine');

/** Where freed files wait between the commit that forgets them and their unlink. */
export const trashDirectory = (unitDirectory: string) => join(unitDirectory, 'trash');
