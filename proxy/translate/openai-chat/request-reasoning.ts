import type { MessagesRequest, ThinkingConfig } from '../../protocol/anthropic/types.js';
import type { ChatRequest } from '../../protocol/openai/types.js';
import type { OpenAIChatTarget } from './options.js';

// Anthropic thinking config and output_config.effort → the upstream's reasoning controls.

type Effort = 'low' | 'medium' | 'high';

export function addReasoning(out: ChatRequest, req: MessagesRequest, target: OpenAIChatTarget): void {
  const thinking: ThinkingConfig | undefined = req.thinking;
  if (!thinking || target.reasoning === 'none') return;
  if (thinking.type === 'disabled') {
    if (target.reasoning === 'deepseek') out.thinking = { type: 'disabled' };
    return;
  }
  if (thinking.type !== 'enabled' && thinking.type !== 'adaptive') return;
  const raw = req.output_config?.effort;
  const budget = thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens : undefined;
  const fromConfig = configEffort(raw);
  const effort: Effort = fromConfig ?? (budget !== undefined ? budgetEffort(budget) : 'medium');
  switch (target.reasoning) {
    case 'openai':
      out.reasoning_effort = effort;
      break;
    case 'openrouter':
      out.reasoning = !fromConfig && budget !== undefined ? { max_tokens: budget } : { effort };
      break;
    case 'deepseek':
      // DeepSeek knows low | high | max.
      out.thinking = { type: 'enabled' };
      out.reasoning_effort = raw === 'xhigh' || raw === 'max' ? 'max' : effort === 'low' ? 'low' : 'high';
      break;
  }
}

function configEffort(raw: string | undefined): Effort | undefined {
  switch (raw) {
    case 'low':
    case 'medium':
    case 'high':
      return raw;
    case 'xhigh':
    case 'max':
      return 'high';
    default:
      return undefined;
  }
}

function budgetEffort(budget: number): Effort {
  return budget < 4096 ? 'low' : budget < 16384 ? 'medium' : 'high';
}
