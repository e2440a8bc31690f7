import { z } from 'zod';
import { BUDGET_ACTIONS, DOWNGRADE_TARGETS } from '../budget/types.js';
import { PROJECT_PATTERN, REGION_PATTERN } from '../providers/vertex.js';

// One JSON config file, validated here. Every field is optional: with no file at
// all, providers whose keys are in the environment are enabled on their default ports.

const rate = (what: string) => z.number().min(0).describe(`USD per million ${what}`);
const RATES = {
  inputPerM: rate('uncached input tokens'),
  outputPerM: rate('output tokens'),
  cacheReadPerM: rate('cache-read tokens (default: the input price)').optional(),
  cacheWrite5mPerM: rate('tokens written to a 5-minute cache (default: the input price)').optional(),
  cacheWrite1hPerM: rate('tokens written to a 1-hour cache (default: the 5-minute price)').optional(),
};

const PriceSchema = z
  .object({
    ...RATES,
    longContext: z
      .object({ thresholdTokens: z.number().int().positive().describe('Prompt tokens (input + cache) above which these rates apply'), ...RATES })
      .strict()
      .optional()
      .describe('Rates for long prompts (e.g. Gemini 2.5 Pro above 200k tokens)'),
  })
  .strict();

const ModelInfoSchema = z
  .object({
    maxOutputTokens: z.number().int().positive().optional().describe('Output-token ceiling; max_tokens is clamped to it'),
    contextWindow: z.number().int().positive().optional(),
    reasoning: z.boolean().optional().describe('The model takes reasoning controls (reasoning_effort; Gemini thinkingConfig)'),
    price: PriceSchema.optional().describe('USD per million tokens; overrides live and bundled prices (the cost strategy and the usage ledger)'),
  })
  .strict();

const QuirksSchema = z
  .object({
    maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
    systemMessages: z.enum(['inline', 'hoist', 'user']).optional(),
    reasoning: z.enum(['none', 'openai', 'openrouter', 'deepseek']).optional(),
    reasoningEcho: z.enum(['none', 'reasoning_content', 'reasoning']).optional(),
    cacheControl: z.boolean().optional(),
    streamUsage: z.boolean().optional(),
    topK: z.boolean().optional(),
    webSearch: z.enum(['none', 'openrouter']).optional(),
  })
  .strict()
  .describe('openai-chat translation switches for servers that differ from the preset');

const TiersSchema = z
  .object({ opus: z.string().min(1), sonnet: z.string().min(1), haiku: z.string().min(1) })
  .partial()
  .strict();

export const ProviderConfigSchema = z
  .object({
    type: z.string().optional().describe('Preset: vertex-claude, vertex-gemini, anthropic, openai, openrouter, github-models, deepseek, aistudio, ollama, openai-compatible, anthropic-compatible. Defaults to the provider id.'),
    enabled: z.boolean().optional(),
    label: z.string().optional(),
    dialect: z.enum(['anthropic', 'openai-chat', 'gemini']).optional().describe("Use the provider's other API where it has one"),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    apiKey: z.string().min(1).optional().describe('Prefer apiKeyEnv: a key in this file is stored in plain text'),
    apiKeyEnv: z.string().min(1).optional().describe('Name of the environment variable holding the key'),
    forwardClientAuth: z.boolean().optional().describe("anthropic dialect: send the client's own x-api-key/Authorization upstream when no key is configured"),
    headers: z.record(z.string(), z.string()).optional(),
    models: TiersSchema.optional().describe('Upstream model for each Claude tier'),
    modelMap: z.record(z.string(), z.string().min(1)).optional().describe('Exact requested name -> upstream model; wins over tiers'),
    modelInfo: z.record(z.string(), ModelInfoSchema).optional().describe('Per upstream model id; a price-only entry is fine: {"price": {...}}'),
    price: PriceSchema.optional().describe('USD per million tokens for every model of this provider without a modelInfo price (e.g. 0 for a free tier or a local server)'),
    maxOutputTokens: z.number().int().positive().optional().describe('Output ceiling for models without modelInfo'),
    quirks: QuirksSchema.optional(),
    region: z.string().regex(REGION_PATTERN, 'a Vertex AI region such as us-east5, or global').optional().describe('Vertex AI: region, or "global" (vertex-claude: default $CLOUD_ML_REGION, else $VERTEX_AI_LOCATION, else us-east5; vertex-gemini: $GOOGLE_CLOUD_LOCATION, else $VERTEX_AI_LOCATION, else global)'),
    project: z.string().regex(PROJECT_PATTERN, 'a Google Cloud project id').optional().describe("Vertex AI: Google Cloud project (vertex-claude: default $ANTHROPIC_VERTEX_PROJECT_ID, else $GOOGLE_CLOUD_PROJECT; vertex-gemini: $GOOGLE_CLOUD_PROJECT, else $ANTHROPIC_VERTEX_PROJECT_ID; else the credentials' project)"),
    credentialsFile: z
      .string()
      .min(1)
      .optional()
      .describe('Vertex AI: Google service-account key file (JSON; gcloud authorized_user files work too). Default $GOOGLE_APPLICATION_CREDENTIALS, else Application Default Credentials'),
  })
  .strict();

export const PortSchema = z
  .object({
    port: z.number().int().min(0).max(65535).describe('0 picks a free port'),
    use: z.string().min(1).describe('"router" or a provider id'),
    fallbackToRouter: z.boolean().optional().describe('Provider ports only: fall back to the router chain when the provider fails'),
  })
  .strict();

const TimeoutsSchema = z
  .object({
    connectMs: z.number().int().positive().optional(),
    firstByteMs: z.number().int().positive().optional(),
    idleMs: z.number().int().positive().optional(),
  })
  .strict();

// "provider,model" or "provider" (its own model for the request), or a list tried in order; the format and the provider being enabled
// are checked when the config is resolved, so the error can name the entry.
const scenarioRoute = (what: string) =>
  z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional()
    .describe(`"provider,model" or "provider" (or a list, tried in order) for ${what}`);

const ScenariosSchema = z
  .object({
    background: scenarioRoute('haiku-tier requests that are not long'),
    think: scenarioRoute('requests with thinking on'),
    longContext: scenarioRoute('requests estimated above router.longContextThreshold tokens'),
    webSearch: scenarioRoute('requests carrying the web_search tool'),
    image: scenarioRoute('requests whose last user message holds an image'),
  })
  .strict()
  .describe('Router port only: targets tried first for each kind of request, before the strategy-ordered providers');

// A budget in USD; 0 or null turns that window off.
const budgetLimit = (window: string, env: string, fallback: number) =>
  z
    .number()
    .min(0)
    .nullable()
    .optional()
    .describe(`USD per ${window}; alerts at 80 % and 100 %. 0 or null: no limit. Default $${env}, else ${fallback}`);

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    server: z
      .object({
        host: z.string().optional().describe('Listen address; 127.0.0.1 unless you opt in to more'),
        allowedHosts: z.array(z.string()).optional().describe('Extra Host header names accepted besides loopback ones'),
        allowedOrigins: z.array(z.string()).optional().describe('Extra browser origins accepted besides loopback ones'),
        bodyLimitMb: z.number().positive().max(256).optional(),
        clientApiKey: z.string().min(1).optional().describe('When set, clients must send it as x-api-key or Bearer token'),
        adminToken: z.string().regex(/^[\x21-\x7e]{16,}$/, 'at least 16 printable characters, no spaces').optional().describe('Token for the admin API (router port /api); default: $SWITCHBOARD_ADMIN_TOKEN, else one generated into the state dir'),
        timeouts: TimeoutsSchema.optional(),
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
      })
      .strict()
      .optional(),
    usage: z
      .object({
        enabled: z.boolean().optional().describe('Record one row per request in the usage ledger (default true)'),
        dbPath: z.string().min(1).optional().describe('The SQLite ledger file; default $XDG_DATA_HOME/switchboard/usage.db or ~/.local/share/switchboard/usage.db'),
        retentionDays: z.number().int().min(1).max(3650).optional().describe('Rows older than this are pruned (default 90)'),
      })
      .strict()
      .optional(),
    metrics: z
      .object({
        enabled: z.boolean().optional().describe('Serve GET /metrics in the Prometheus text format on every port (default true)'),
        requireToken: z
          .boolean()
          .optional()
          .describe('Require the admin token (Authorization: Bearer) on /metrics (default true); false lets any local process scrape it'),
      })
      .strict()
      .optional(),
    budgets: z
      .object({
        hourlyUsd: budgetLimit('calendar hour (local clock)', 'HOURLY_COST_ALERT_THRESHOLD', 10),
        dailyUsd: budgetLimit('local calendar day', 'DAILY_COST_ALERT_THRESHOLD', 50),
        action: z.enum(BUDGET_ACTIONS).optional().describe('At 100 % of a budget: alert only (default), block requests with a 402 billing_error, or downgrade them (see downgradeTo)'),
        downgradeTo: z.enum(DOWNGRADE_TARGETS).optional().describe('With action "downgrade": send opus/sonnet-tier requests as haiku tier (default), or all requests to the cheapest priced target'),
      })
      .strict()
      .optional()
      .describe('Spending budgets in USD, with alert events at 80 % and 100 %; costs come from the usage ledger\'s prices'),
    providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider ids are lowercase letters, digits, - and _'), ProviderConfigSchema).optional(),
    ports: z.array(PortSchema).optional().describe('Listeners; defaults: 8080 router, 8090 vertex-claude, 8091 vertex-gemini, 8092 github-models, 8093 openrouter'),
    router: z
      .object({
        order: z.array(z.string()).optional().describe('Priority order of the router port (the priority strategy, and tie-breaks for the others)'),
        strategy: z.enum(['priority', 'cost', 'performance', 'availability', 'intelligent']).optional().describe('How the router port orders providers; default intelligent'),
        rateLimitThreshold: z
          .number()
          .min(0)
          .max(1)
          .optional()
          .describe('Route away from a provider when less than this fraction of its rate limit remains (default 0.2: the seeds\' RATE_LIMIT_THRESHOLD=0.8 used)'),
        retries: z
          .number()
          .int()
          .min(0)
          .max(3)
          .optional()
          .describe('Quick retries on the same provider after a connection failure or 5xx, before falling back; default 0 because Claude Code retries by itself'),
        healthCheckIntervalS: z
          .number()
          .int()
          .min(0)
          .max(86_400)
          .refine((v) => v === 0 || v >= 5, 'must be 0 (probes off) or at least 5 seconds')
          .optional()
          .describe('Seconds between health probes (a GET of each provider\'s model list, which spends no tokens); default 30, 0 turns them off'),
        longContextThreshold: z.number().int().positive().optional().describe('Estimated prompt tokens above which a request is the longContext scenario; default 60000'),
        scenarios: ScenariosSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigSchema>;
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;
export type PortConfig = z.infer<typeof PortSchema>;
