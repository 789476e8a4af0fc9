// The one ajv configuration for manifests and plugin params: every error at once, defaults filled in.
import { Ajv } from 'ajv';
import formats from 'ajv-formats';

/** Keywords editors read (VS Code) that validation ignores; declared so strict mode accepts them. */
const EDITOR_KEYWORDS = ['markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions', 'deprecationMessage', 'defaultSnippets', 'doNotSuggest'];

export function createManifestAjv(): Ajv {
  // verbose: errors carry the offending data and schema, which the messages quote.
  const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strictTypes: false, strictRequired: false });
  formats.default(ajv);
  for (const keyword of EDITOR_KEYWORDS) ajv.addKeyword(keyword);
  return ajv;
}
