// Regenerates README.md's command reference from the verb specs (src/verbs).
import { readFileSync, writeFileSync } from 'node:fs';
import { withReference } from '../src/commands/reference';
import { VERBS } from '../src/verbs';

writeFileSync('README.md', withReference(readFileSync('README.md', 'utf8'), VERBS));
console.log('README.md command reference updated');
