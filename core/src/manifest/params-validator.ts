// Validators for the params schemas plugins declare: compiled once per plugin, defaults filled in.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { PluginDefinition, PluginMetadata } from '../plugins/plugin-definition.js';
import { UserError } from '../errors.js';
import { createManifestAjv } from './manifest-ajv.js';
import { schemaIssues } from './schema-issues.js';

const ajv = createManifestAjv();
const compiled = new WeakMap<object, ValidateFunction>();

export function paramsValidator(plugin: PluginMetadata): ValidateFunction {
  let validate = compiled.get(plugin.paramsSchema);
  if (!validate) {
    // Plugins are compiled into one ajv instance, where two schemas with one `$id` would clash; params need no id.
    const { $id: _id, $schema: _draft, ...schema } = plugin.paramsSchema;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = (message.startsWith('schema is invalid') && schemaProblem(ajv.errors)) || message;
      throw new UserError(`${plugin.kind} plugin "${plugin.name}" from ${plugin.source ?? 'an unnamed source'} declares an invalid params schema: ${reason}`, { cause: error });
    }
    compiled.set(plugin.paramsSchema, validate);
  }
  return validate;
}

/**
 * The params the plugin gets: `params` validated against its schema, defaults filled in (a copy). A UserError lists
 * every param that does not satisfy the schema, each named as `<where>/<param>`.
 */
export function validatedParams<P>(plugin: PluginDefinition<any, P>, params: Partial<P> | Record<string, unknown> = {}, where = '/params'): P {
  const filled = structuredClone(params) as Record<string, unknown>;
  const validate = paramsValidator(plugin as PluginDefinition);
  if (!validate(filled)) {
    const issues = schemaIssues(validate.errors ?? [], where).map((issue) => `${issue.pointer}: ${issue.message}`);
    throw new UserError(`invalid params for ${plugin.kind} "${plugin.name}": ${issues.join('; ')}`);
  }
  return filled as P;
}

// ajv checks a schema against the JSON Schema meta-schema and reports every branch of it that failed; the first error
// at the deepest place says what is wrong, in the plugin's own terms.
function schemaProblem(errors: readonly ErrorObject[] | null | undefined): string | undefined {
  if (!errors || errors.length === 0) return undefined;
  const deepest = errors.reduce((best, error) => (error.instancePath.length > best.instancePath.length ? error : best));
  const got = deepest.data === undefined ? '' : ` (got ${JSON.stringify(deepest.data)})`;
  return `paramsSchema${deepest.instancePath}: ${deepest.message ?? 'is invalid'}${got}`;
}
