import type { MessagesRequest, Tool } from '../../protocol/anthropic/types.js';
import type { ChatRequest, ChatTool } from '../../protocol/openai/types.js';
import type { OpenAIChatTarget } from './options.js';

// Anthropic tool definitions and tool_choice → Chat Completions tools.

export function addTools(out: ChatRequest, req: MessagesRequest, target: OpenAIChatTarget): void {
  const tools = req.tools;
  if (!Array.isArray(tools) || tools.length === 0) return;
  const fns: ChatTool[] = [];
  for (let i = 0; i < tools.length; i++) {
    const t = tools[i] as Tool & { defer_loading?: boolean; description?: string; input_schema?: Record<string, unknown> };
    // Deferred tools are loaded through ToolSearch; exposing them would let the model call a placeholder.
    if (t.defer_loading === true) continue;
    if (t.type === undefined || t.type === 'custom') {
      const fn: ChatTool['function'] = { name: t.name, parameters: parameters(t.input_schema) };
      if (typeof t.description === 'string') fn.description = t.description;
      fns.push({ type: 'function', function: fn });
    } else if (target.webSearch === 'openrouter' && t.type.startsWith('web_search_')) {
      const max = typeof t.max_uses === 'number' ? t.max_uses : 5;
      (out.plugins ??= []).push({ id: 'web', max_results: max });
    }
    // Other server tools (code_execution, bash, text_editor, web_fetch, memory, tool_search...) have no upstream equivalent.
  }
  if (fns.length === 0) return; // tool_choice without tools is a 400 on several backends
  out.tools = fns;

  const choice = req.tool_choice;
  if (!choice) return;
  switch (choice.type) {
    case 'auto':
      out.tool_choice = 'auto';
      break;
    case 'any':
      out.tool_choice = 'required';
      break;
    case 'none':
      out.tool_choice = 'none';
      break;
    case 'tool':
      // Naming a tool we dropped (server tool, deferred) would be an upstream 400.
      for (let i = 0; i < fns.length; i++) {
        if (fns[i].function.name === choice.name) {
          out.tool_choice = { type: 'function', function: { name: choice.name } };
          break;
        }
      }
      break;
  }
  if ('disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
}

/** input_schema minus top-level `$schema` (strict validators reject it); a shallow copy, never a deep clone. */
function parameters(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!schema || typeof schema !== 'object') return { type: 'object', properties: {} };
  if (!('$schema' in schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const k in schema) if (k !== '$schema') copy[k] = schema[k];
  return copy;
}
