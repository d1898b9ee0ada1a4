// Writes config/schema.json, the JSON Schema of the config file, for editors (yaml-language-server).
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/load';

writeFileSync('config/schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log('wrote config/schema.json');
