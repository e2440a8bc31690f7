import { z } from 'zod';
import { ConfigSchema } from './schema.js';

/** The published JSON Schema of the config file (switchboard.schema.json), for editors. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: 'https://switchboard.dev/schema/config.json',
    title: 'Switchboard configuration',
  };
}
