// Regenerates README.md's command reference from the verb specs (src/handlers).
import { readFileSync, writeFileSync } from 'node:fs';
import { withReference } from '../src/commands/reference';
import { VERBS } from '../src/handlers';

writeFileSync('README.md', withReference(readFileSync('README.md', 'utf8'), VERBS));
console.log('README.md command reference updated');
