// Validators for the params schemas plugins declare: compiled once per plugin, defaults filled in.
import type { ValidateFunction } from 'ajv';
import type { PluginDefinition } from '../plugins/plugin-definition.js';
import { UserError } from '../errors.js';
import { createManifestAjv } from './manifest-ajv.js';

const ajv = createManifestAjv();
const compiled = new WeakMap<object, ValidateFunction>();

export function paramsValidator(plugin: PluginDefinition): ValidateFunction {
  let validate = compiled.get(plugin.paramsSchema);
  if (!validate) {
    // Plugins are compiled into one ajv instance, where two schemas with one `$id` would clash; params need no id.
    const { $id: _id, $schema: _draft, ...schema } = plugin.paramsSchema;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(`${plugin.kind} plugin "${plugin.name}" from ${plugin.source ?? 'an unnamed source'} declares an invalid params schema: ${reason}`, { cause: error });
    }
    compiled.set(plugin.paramsSchema, validate);
  }
  return validate;
}
