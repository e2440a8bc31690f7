import { toUnicode } from '../../protocol/anthropic/byte-strings.js';
import type { MessagesRequest, Tool } from '../../protocol/anthropic/types.js';
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from '../../protocol/gemini/types.js';
import type { GeminiTarget } from './options.js';
import { geminiFunctionName } from './tool-names.js';
import { toGeminiParameters } from './tool-schema.js';

// Anthropic tool definitions and tool_choice → Gemini tools and toolConfig.

export interface GeminiTools {
  /** The request's `tools`, or undefined when nothing is declared. */
  tools: GeminiTool[] | undefined;
  /** Declared function names (as sent), for tool_choice. */
  names: string[];
}

export function geminiTools(body: MessagesRequest, target: GeminiTarget): GeminiTools {
  const src = body.tools;
  if (!Array.isArray(src) || src.length === 0) return { tools: undefined, names: [] };
  const bytes = target.byteStrings === true;
  const decls: GeminiFunctionDeclaration[] = [];
  const names: string[] = [];
  let webSearch = false;
  for (const raw of src) {
    const t = raw as Tool & { defer_loading?: boolean; description?: unknown; input_schema?: unknown };
    if (!t || typeof t.name !== 'string') continue;
    // Deferred tools are loaded through ToolSearch; exposing them would let the model call a placeholder.
    if (t.defer_loading === true) continue;
    if (t.type === undefined || t.type === 'custom') {
      const name = geminiFunctionName(toUnicode(t.name, bytes));
      const decl: GeminiFunctionDeclaration = { name };
      if (typeof t.description === 'string' && t.description) decl.description = t.description;
      const parameters = toGeminiParameters(t.input_schema);
      if (parameters) decl.parameters = parameters;
      decls.push(decl);
      names.push(name);
    } else if (typeof t.type === 'string' && t.type.startsWith('web_search_')) {
      webSearch = target.webSearch === 'googleSearch';
    }
    // Other server tools (code_execution, bash, text_editor, web_fetch, memory, tool_search...) have no Gemini equivalent.
  }
  if (decls.length) return { tools: [{ functionDeclarations: decls }], names };
  // Grounding is only sent alone: Gemini 2.x rejects it beside function declarations.
  if (webSearch) return { tools: [{ googleSearch: {} }], names };
  return { tools: undefined, names };
}

/** tool_choice → toolConfig; undefined when there is nothing to choose from (a config without tools is a 400). */
export function geminiToolConfig(body: MessagesRequest, names: readonly string[], byteStrings: boolean): GeminiToolConfig | undefined {
  const choice = body.tool_choice;
  if (!choice || names.length === 0) return undefined;
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'any':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'tool': {
      // Naming a tool we did not declare (server tool, deferred) would be an upstream 400.
      const name = typeof choice.name === 'string' ? geminiFunctionName(toUnicode(choice.name, byteStrings)) : '';
      return names.includes(name) ? { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } } : undefined;
    }
    default:
      return undefined;
  }
}
